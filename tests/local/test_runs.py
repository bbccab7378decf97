"""Runs: cursor pagination, the default seven-day window, data-interval ordering, status filter, retrieve."""

from __future__ import annotations

import datetime as dt
import uuid

from tests.conftest import LocalServer
from tests.local.bx_helpers import create, error, export_path, iso_days_ago, simulate_runs

RUN_FIELDS = {
    "id",
    "status",
    "records_completed",
    "records_failed",
    "latest_error",
    "data_interval_start",
    "data_interval_end",
    "cursor",
    "created_at",
    "finished_at",
    "last_updated_at",
    "records_total_count",
    "bytes_exported",
    "batch_export",
    "backfill",
    "batch_export_on_demand",
}


def runs_path(project: int, export_id: str) -> str:
    return export_path(project, export_id) + "runs/"


def test_list_and_retrieve(any_profile: LocalServer) -> None:
    server = any_profile
    export = create(server, server.project)
    path = runs_path(server.project, export["id"])
    assert server.api("GET", path).json() == {"next": None, "previous": None, "results": []}
    simulate_runs(server, export["id"], status="Completed", count=3, records=42)
    page = server.api("GET", path).json()
    assert set(page) == {"next", "previous", "results"}
    assert len(page["results"]) == 3
    run = page["results"][0]
    assert set(run) == RUN_FIELDS
    assert (run["status"], run["records_completed"], run["batch_export"]) == ("Completed", 42, export["id"])
    fetched = server.api("GET", path + run["id"] + "/")
    assert fetched.status_code == 200 and fetched.json() == run
    error(server.api("GET", path + str(uuid.uuid4())), 404, "Not found.")


def test_default_window_hides_runs_older_than_seven_days(any_profile: LocalServer) -> None:
    server = any_profile
    export = create(server, server.project)
    path = runs_path(server.project, export["id"])
    old = simulate_runs(server, export["id"], count=1, created_at=iso_days_ago(10))["runs"][0]
    recent = simulate_runs(server, export["id"], count=1)["runs"][0]
    assert [r["id"] for r in server.api("GET", path).json()["results"]] == [recent]
    assert [r["id"] for r in server.api("GET", path + "?after=-30d").json()["results"]] == [recent, old]
    assert [r["id"] for r in server.api("GET", path + "?after=-30d&before=-5d").json()["results"]] == [old]
    error(server.api("GET", path + old), 404, "Not found.")  # the window applies to retrieve too
    assert server.api("GET", path + old + "?after=-30d").status_code == 200
    fetched = server.api("GET", export_path(server.project, export["id"])).json()
    assert [r["id"] for r in fetched["latest_runs"]] == [recent, old]


def test_ordering_by_data_interval_start_uses_start_and_end(any_profile: LocalServer) -> None:
    server = any_profile
    export = create(server, server.project)
    path = runs_path(server.project, export["id"])
    ids = simulate_runs(server, export["id"], count=3)["runs"]  # hourly intervals ending now-2h, now-1h, now
    page = server.api("GET", path + "?ordering=data_interval_start").json()["results"]
    assert [r["id"] for r in page] == ids
    starts = [r["data_interval_start"] for r in page]
    assert starts == sorted(starts)
    descending = server.api("GET", path + "?ordering=-data_interval_start").json()["results"]
    assert [r["id"] for r in descending] == ids[::-1]
    windowed = server.api("GET", path + "?ordering=data_interval_start&start=-150M&end=-30M").json()["results"]
    assert [r["id"] for r in windowed] == ids[1:2]  # starts after now-2.5h and ends before now-0.5h


def test_status_filter(any_profile: LocalServer) -> None:
    server = any_profile
    export = create(server, server.project)
    path = runs_path(server.project, export["id"])
    simulate_runs(server, export["id"], status="Completed", count=2)
    simulate_runs(server, export["id"], status="Failed", count=1)
    statuses = [r["status"] for r in server.api("GET", path + "?status=Failed").json()["results"]]
    if server.profile == "latest":
        assert statuses == ["Failed"]
        both = server.api("GET", path + "?status=Failed&status=Completed").json()["results"]
        assert len(both) == 3
    else:
        assert len(statuses) == 3  # the 2025 API had no status filter


def test_cursor_pagination_by_100(posthog_local: LocalServer) -> None:
    server = posthog_local
    export = create(server, server.project)
    path = runs_path(server.project, export["id"])
    simulate_runs(server, export["id"], count=101)
    page = server.api("GET", path).json()
    assert len(page["results"]) == 100 and page["previous"] is None
    assert page["next"].startswith(f"{server.url}{path}?cursor=")
    rest = server.session.get(page["next"], headers={"Authorization": f"Bearer {server.api_key}"}).json()
    assert len(rest["results"]) == 1 and rest["next"] is None and rest["previous"] is not None


def test_runs_are_scoped_to_export_and_project(any_profile: LocalServer) -> None:
    server = any_profile
    export = create(server, server.project)
    other = create(server, server.project)
    simulate_runs(server, export["id"], count=2)
    assert server.api("GET", runs_path(server.project, other["id"])).json()["results"] == []
    elsewhere = server.new_project()
    assert server.api("GET", runs_path(elsewhere, export["id"])).json()["results"] == []
    error(server.api("GET", runs_path(999999, export["id"])), 404, "Project not found.")


def test_cancel_and_retry(any_profile: LocalServer) -> None:
    server = any_profile
    export = create(server, server.project)
    path = runs_path(server.project, export["id"])
    running = simulate_runs(server, export["id"], status="Running", count=1)["runs"][0]
    response = server.api("POST", path + running + "/cancel/")
    assert (response.status_code, response.json()) == (200, {"cancelled": True})
    assert server.api("GET", path + running).json()["status"] == "Cancelled"
    error(server.api("POST", path + running + "/cancel"), 400, "Cannot cancel a run that is in 'Cancelled' status")
    run = server.api("GET", path + running).json()
    response = server.api("POST", path + running + "/retry/")
    backfills = server.api("GET", export_path(server.project, export["id"]) + "backfills/").json()["results"]
    assert len(backfills) == 1
    assert (backfills[0]["start_at"], backfills[0]["end_at"]) == (run["data_interval_start"], run["data_interval_end"])
    # What backfill_export returns: the workflow id (newest PostHog with a 201, 2025 with a 200).
    assert response.status_code == (201 if server.profile == "latest" else 200)
    start = dt.datetime.fromisoformat(run["data_interval_start"].replace("Z", "+00:00")).isoformat()
    end = dt.datetime.fromisoformat(run["data_interval_end"].replace("Z", "+00:00")).isoformat()
    assert response.json() == {"backfill_id": f"{export['id']}-Backfill-{start}-{end}"}
    reader = server.new_key(scopes=["batch_export:read"])
    error(
        server.api("POST", path + running + "/retry/", key=reader),
        403,
        "API key missing required scope 'batch_export:write'",
    )
