"""Backfills: creation rules per interval, the concurrency cap, listing, retrieval, cancel, completion."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest

from tests.conftest import LocalServer
from tests.local.bx_helpers import (
    HTTP_CONFIG,
    add_integration,
    backfill_settings,
    create,
    error,
    export_path,
    past_weekday,
)

BACKFILL_FIELDS = {
    "id",
    "progress",
    "start_at",
    "end_at",
    "status",
    "created_at",
    "finished_at",
    "last_updated_at",
    "total_records_count",
    "adjusted_start_at",
    "team",
    "batch_export",
}
HOUR = {"start_at": "2024-01-01T00:00:00Z", "end_at": "2024-01-01T05:00:00Z"}


def window(i: int) -> dict[str, str]:
    """The i-th distinct five-hour window (PostHog refuses a backfill identical to one still running)."""
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=i)
    end = start + dt.timedelta(hours=5)
    return {"start_at": start.isoformat().replace("+00:00", "Z"), "end_at": end.isoformat().replace("+00:00", "Z")}


def backfills_path(project: int, export_id: str) -> str:
    return export_path(project, export_id) + "backfills/"


@pytest.fixture
def project(posthog_local: LocalServer) -> int:
    return posthog_local.new_project()


def test_create_returns_201_uuid_and_the_row_reads_back(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    export = create(server, project)
    response = server.api("POST", backfills_path(project, export["id"]), json=HOUR)
    assert response.status_code == 201, response.text
    backfill_id = response.json()["backfill_id"]
    assert set(response.json()) == {"backfill_id"} and uuid.UUID(backfill_id).version == 4
    fetched = server.api("GET", backfills_path(project, export["id"]) + backfill_id + "/").json()
    assert set(fetched) == BACKFILL_FIELDS
    assert (fetched["status"], fetched["team"], fetched["batch_export"]) == ("Running", project, export["id"])
    assert (fetched["start_at"], fetched["end_at"]) == ("2024-01-01T00:00:00Z", "2024-01-01T05:00:00Z")
    assert fetched["progress"] == {"total_runs": 5, "finished_runs": 0, "progress": 0.0}
    assert fetched["finished_at"] is None


def test_an_identical_backfill_fails_while_the_first_runs(any_profile: LocalServer) -> None:
    """Newest PostHog: the workflow id is ``{export}-Backfill-{start}-{end}``, and Temporal refuses a second one
    while the first runs (WorkflowAlreadyStartedError, a 500). Once it stopped, the same POST starts another."""
    server = any_profile
    project = server.new_project()
    export = create(server, project)
    path = backfills_path(project, export["id"])
    first = server.api("POST", path, json=HOUR)
    assert first.status_code in (200, 201), first.text
    second = server.api("POST", path, json=HOUR)
    if server.profile == "2025":  # kept as the 2025 profile always answered: the same workflow id again
        assert second.json() == first.json()
        return
    assert second.status_code == 500 and second.json()["type"] == "server_error", second.text
    assert server.api("POST", path, json=window(1)).status_code == 201  # other bounds, another workflow
    assert len(server.api("GET", path).json()["results"]) == 2
    first_id = first.json()["backfill_id"]
    assert server.api("POST", path + first_id + "/cancel/").json() == {"cancelled": True}
    again = server.api("POST", path, json=HOUR)
    assert again.status_code == 201 and again.json()["backfill_id"] != first_id


def test_the_row_appears_after_the_configured_delay(posthog_local: LocalServer, project: int) -> None:
    """``row_delay_seconds``: the 201 (with a pre-generated uuid4) comes at once, the row later, as newest PostHog's
    workflow writes it; an identical POST meanwhile still fails, and the row keeps the answered id."""
    server = posthog_local
    export = create(server, project)
    path = backfills_path(project, export["id"])
    with backfill_settings(server, row_delay_seconds=0.5, complete_after_seconds=60):
        assert server.control("GET", "backfills")["row_delay_seconds"] == 0.5
        started = time.monotonic()
        response = server.api("POST", path, json=HOUR)
        assert response.status_code == 201 and time.monotonic() - started < 0.5
        backfill_id = response.json()["backfill_id"]
        assert uuid.UUID(backfill_id).version == 4
        assert server.api("GET", path).json()["results"] == []
        error(server.api("GET", path + backfill_id + "/"), 404, "Not found.")
        duplicate = server.api("POST", path, json=HOUR)
        assert duplicate.status_code == 500, duplicate.text
        time.sleep(0.6)
        listed = server.api("GET", path).json()["results"]
        assert [(b["id"], b["status"]) for b in listed] == [(backfill_id, "Running")]
        assert server.api("GET", path + backfill_id + "/").json()["start_at"] == HOUR["start_at"]


def test_bad_backfill_settings_are_refused(posthog_local: LocalServer) -> None:
    response = posthog_local.api("PUT", "/_local/backfills", json={"row_delay_seconds": -1})
    assert response.status_code == 400 and response.json()["attr"] == "row_delay_seconds"


def test_daily_exports_take_dates_at_offset_hour_in_export_timezone(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    export = create(server, project, interval="day", offset_hour=3, timezone="Europe/Berlin")
    path = backfills_path(project, export["id"])
    response = server.api("POST", path, json={"start_at": "2024-01-01", "end_at": "2024-01-03"})
    assert response.status_code == 201, response.text
    fetched = server.api("GET", path + response.json()["backfill_id"]).json()
    assert (fetched["start_at"], fetched["end_at"]) == ("2024-01-01T02:00:00Z", "2024-01-03T02:00:00Z")
    response = server.api("POST", path, json={"start_at": "2024-01-01T00:00:00Z", "end_at": "2024-01-03"})
    error(
        response,
        400,
        "Input '2024-01-01T00:00:00Z' is not a valid ISO formatted date. Daily or weekly batch export backfills "
        "expect only the date component, but a time was included.",
        None,
        type="validation_error",
    )
    response = server.api("POST", path, json={"start_at": "January", "end_at": "2024-01-03"})
    error(response, 400, "Input 'January' is not a valid ISO formatted date.")


def test_weekly_exports_need_the_offset_day(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    export = create(server, project, interval="week", offset_day=1)
    path = backfills_path(project, export["id"])
    sunday, monday = past_weekday(0, weeks_back=3), past_weekday(1, weeks_back=3)
    end = monday + dt.timedelta(weeks=1)
    response = server.api("POST", path, json={"start_at": sunday.isoformat(), "end_at": end.isoformat()})
    error(
        response,
        400,
        f"Input {sunday} is not on the correct day of the week for this batch export. "
        f"{sunday} is a Sunday but this batch export is configured to run weekly on Monday.",
    )
    response = server.api("POST", path, json={"start_at": monday.isoformat(), "end_at": end.isoformat()})
    assert response.status_code == 201, response.text


def test_other_intervals_need_aware_iso_datetimes(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    path = backfills_path(project, create(server, project)["id"])
    response = server.api("POST", path, json={**HOUR, "start_at": "2024-01-01T00:00:00"})
    error(response, 400, "Input 2024-01-01T00:00:00 is naive.")
    response = server.api("POST", path, json={**HOUR, "end_at": "yesterday"})
    error(response, 400, "Input yesterday is not a valid ISO formatted datetime.")
    response = server.api("POST", path, json={**HOUR, "start_at": "2024-01-01"})
    error(response, 400, "Input 2024-01-01 is naive.")


def test_start_must_precede_end_and_end_not_in_future(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    path = backfills_path(project, create(server, project)["id"])
    response = server.api("POST", path, json={"start_at": HOUR["end_at"], "end_at": HOUR["start_at"]})
    error(response, 400, "The initial backfill datetime 'start_at' must be before 'end_at'")
    response = server.api("POST", path, json={"start_at": HOUR["start_at"], "end_at": "2099-01-01T00:00:00+00:00"})
    error(response, 400, "The provided 'end_at' (2099-01-01T00:00:00+00:00) is in the future")


def test_open_start_needs_the_earliest_backfill_flag(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    path = backfills_path(project, create(server, project)["id"])
    response = server.api("POST", path, json={"end_at": HOUR["end_at"]})
    error(response, 400, "Backfilling from the beginning of time is not enabled for this team.")
    server.set_flags(project, **{"batch-export-earliest-backfill": True})
    response = server.api("POST", path, json={"start_at": None, "end_at": HOUR["end_at"]})
    assert response.status_code == 201, response.text
    fetched = server.api("GET", path + response.json()["backfill_id"]).json()
    assert (fetched["start_at"], fetched["progress"]) == (None, None)


def test_open_end_is_a_500_except_for_http_and_noop(any_profile: LocalServer) -> None:
    server = any_profile
    project = server.new_project()
    hourly = create(server, project, destination={"type": "HTTP", "config": HTTP_CONFIG})
    response = server.api("POST", backfills_path(project, hourly["id"]), json={"start_at": HOUR["start_at"]})
    assert response.status_code in (200, 201), response.text
    noop = create(server, project, destination={"type": "NoOp", "config": {}})
    response = server.api("POST", backfills_path(project, noop["id"]), json={"start_at": HOUR["start_at"]})
    assert response.status_code in (200, 201), response.text
    if server.profile == "2025":
        destination = {"type": "S3", "config": {"bucket_name": "b", "region": "r", "prefix": "p"}}
    else:
        integration = add_integration(server, project, "postgresql")
        destination = {"type": "Postgres", "config": {"database": "d"}, "integration": integration}
    other = create(server, project, destination=destination)
    response = server.api("POST", backfills_path(project, other["id"]), json={"start_at": HOUR["start_at"]})
    assert response.status_code == 500
    assert response.json() == {
        "type": "server_error",
        "code": "error",
        "detail": "A server error occurred.",
        "attr": None,
    }


def test_concurrency_cap_is_a_429(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    path = backfills_path(project, create(server, project)["id"])
    with backfill_settings(server, max_concurrent=2, complete_after_seconds=60):
        first = server.api("POST", path, json=HOUR).json()["backfill_id"]
        assert server.api("POST", path, json=window(1)).status_code == 201
        response = server.api("POST", path, json=window(2))
        error(
            response,
            429,
            "This team already has 2 batch export backfills running. "
            "Wait for some to finish or cancel them before creating more.",
            None,
            type="server_error",
            code="too_many_concurrent_backfills",
        )
        assert "Retry-After" not in response.headers
        other_team = server.new_project()
        assert (
            server.api("POST", backfills_path(other_team, create(server, other_team)["id"]), json=HOUR).status_code
            == 201
        )
        assert server.api("POST", path + first + "/cancel/").json() == {"cancelled": True}
        assert server.api("POST", path, json=window(2)).status_code == 201


def test_2025_has_no_cap_and_returns_workflow_ids(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    project = server.new_project()
    export = create(server, project, interval="day")
    path = backfills_path(project, export["id"])
    with backfill_settings(server, max_concurrent=1, complete_after_seconds=60):
        for _ in range(2):
            response = server.api(
                "POST", path, json={"start_at": "2024-01-01T00:00:00Z", "end_at": "2024-01-03T00:00:00Z"}
            )
            assert response.status_code == 200, response.text
            expected = f"{export['id']}-Backfill-2024-01-01T00:00:00+00:00-2024-01-03T00:00:00+00:00"
            assert response.json() == {"backfill_id": expected}
    error(
        server.api("POST", path, json={"start_at": "2024-01-01", "end_at": "2024-01-03"}),
        400,
        "Input 2024-01-01 is naive.",
    )
    assert len(server.api("GET", path).json()["results"]) == 2
    response = server.api("POST", path, json={"end_at": "2024-01-03T00:00:00Z"})
    assert response.json() == {"backfill_id": f"{export['id']}-Backfill-START-2024-01-03T00:00:00+00:00"}


def test_list_is_cursor_paginated_by_50(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    path = backfills_path(project, create(server, project)["id"])
    with backfill_settings(server, max_concurrent=100):
        ids = [server.api("POST", path, json=window(i)).json()["backfill_id"] for i in range(51)]
    page = server.api("GET", path).json()
    assert set(page) == {"next", "previous", "results"}
    assert len(page["results"]) == 50 and page["previous"] is None
    assert [b["id"] for b in page["results"]] == ids[::-1][:50]
    assert page["next"].startswith(f"{server.url}{path}?cursor=")
    rest = server.session.get(page["next"], headers={"Authorization": f"Bearer {server.api_key}"}).json()
    assert [b["id"] for b in rest["results"]] == [ids[0]]
    by_start = server.api("GET", path + "?ordering=start_at").json()
    assert len(by_start["results"]) == 50


def test_retrieve_and_export_scoping(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    export = create(server, project)
    path = backfills_path(project, export["id"])
    backfill_id = server.api("POST", path, json=HOUR).json()["backfill_id"]
    error(server.api("GET", path + str(uuid.uuid4()) + "/"), 404, "Not found.")
    other_export = create(server, project)
    error(server.api("GET", backfills_path(project, other_export["id"]) + backfill_id), 404, "Not found.")
    unknown = backfills_path(project, str(uuid.uuid4()))
    error(server.api("POST", unknown, json=HOUR), 404, "BatchExport not found.", type="invalid_request")
    other_project = server.new_project()
    error(server.api("POST", backfills_path(other_project, export["id"]), json=HOUR), 404, "BatchExport not found.")
    assert server.api("GET", backfills_path(other_project, export["id"])).json()["results"] == []


def test_cancel_only_running_backfills(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    path = backfills_path(project, create(server, project)["id"])
    backfill_id = server.api("POST", path, json=HOUR).json()["backfill_id"]
    response = server.api("POST", path + backfill_id + "/cancel")
    assert (response.status_code, response.json()) == (200, {"cancelled": True})
    fetched = server.api("GET", path + backfill_id).json()
    assert fetched["status"] == "Cancelled" and fetched["progress"] is None
    response = server.api("POST", path + backfill_id + "/cancel/")
    error(response, 400, "Cannot cancel a backfill that is in 'Cancelled' status", None)


def test_backfills_complete_after_the_configured_time(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    path = backfills_path(project, create(server, project)["id"])
    with backfill_settings(server, complete_after_seconds=0.3):
        finishing = server.api("POST", path, json=HOUR).json()["backfill_id"]
        pinned = server.api("POST", path, json=window(1)).json()["backfill_id"]
        server.control("PATCH", f"backfills/{pinned}", json={"status": "Running"})
        time.sleep(0.6)
        done = server.api("GET", path + finishing).json()
        assert done["status"] == "Completed" and done["finished_at"] is not None
        assert done["progress"] == {"total_runs": 5, "finished_runs": 5, "progress": 1.0}
        assert server.api("GET", path + pinned).json()["status"] == "Running"
        error(
            server.api("POST", path + finishing + "/cancel"),
            400,
            "Cannot cancel a backfill that is in 'Completed' status",
        )


def test_the_concurrency_429_quotes_the_limit(posthog_local: LocalServer, project: int) -> None:
    """Newest PostHog's message names BATCH_EXPORT_MAX_CONCURRENT_BACKFILLS_PER_TEAM, not how many run."""
    server = posthog_local
    path = backfills_path(project, create(server, project)["id"])
    with backfill_settings(server, max_concurrent=3, complete_after_seconds=60):
        for i in range(3):
            assert server.api("POST", path, json=window(i)).status_code == 201
        server.control("PUT", "backfills", json={"max_concurrent": 1})
        response = server.api("POST", path, json=window(3))
        assert response.status_code == 429
        assert response.json()["detail"].startswith("This team already has 1 batch export backfills running.")
