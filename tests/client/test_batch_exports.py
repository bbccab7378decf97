"""Batch exports, backfills and runs through the client against posthog-local: project routes on both profiles,
the 2025 organization routes, and the fallbacks for servers that lack a route."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pulumi_posthog.client import NotFoundError, PostHogClient

from tests.client.conftest import ENDPOINT_NOT_FOUND, Reply, count_requests, export_body, new_org, raw_create_export
from tests.conftest import LocalServer

MakeClient = Callable[..., PostHogClient]


def hour_window(hours_back: int = 3) -> tuple[str, str]:
    end = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    start = end - timedelta(hours=hours_back)
    return start.isoformat(), end.isoformat()


def test_project_batch_export_lifecycle(any_profile: LocalServer, make_client: MakeClient) -> None:
    client = make_client(any_profile)
    _, project = new_org(any_profile)
    name = f"export-{uuid.uuid4().hex[:6]}"

    created = client.create_batch_export(project, export_body(name))
    export_id = created["id"]
    assert created["name"] == name and created["interval"] == "hour"
    assert created["destination"]["type"] == "HTTP"

    fetched = client.get_batch_export(project, export_id)
    assert fetched["id"] == export_id and fetched["paused"] is False
    assert export_id in {e["id"] for e in client.list_batch_exports(project)}

    patched = client.update_batch_export(project, export_id, {"name": name + "-patched"})
    assert patched["name"] == name + "-patched"

    replaced = client.replace_batch_export(project, export_id, export_body(name + "-put", interval="day"))
    assert replaced["name"] == name + "-put" and replaced["interval"] == "day"

    assert client.pause_batch_export(project, export_id) == {"paused": True}
    assert client.get_batch_export(project, export_id)["paused"] is True
    assert client.pause_batch_export(project, export_id) == {"paused": True}, "pause is idempotent"
    assert client.unpause_batch_export(project, export_id) == {"paused": False}
    assert client.get_batch_export(project, export_id)["paused"] is False
    assert client.pause_batch_export(project, export_id) == {"paused": True}
    assert client.unpause_batch_export(project, export_id, backfill=True) == {"paused": False}

    client.delete_batch_export(project, export_id)
    with pytest.raises(NotFoundError):
        client.get_batch_export(project, export_id)
    with pytest.raises(NotFoundError):
        client.delete_batch_export(project, export_id)
    assert export_id not in {e["id"] for e in client.list_batch_exports(project)}


def wait_for_backfills(client: PostHogClient, project: int, export_id: str, n: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 5
    while True:
        found = client.list_backfills(project, export_id)
        if len(found) >= n or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_backfills_on_both_profiles(any_profile: LocalServer, make_client: MakeClient) -> None:
    """latest: POST …/backfills/ → 201 with a uuid. 2025: the same route → 200 with the Temporal workflow id."""
    client = make_client(any_profile)
    _, project = new_org(any_profile)
    export_id = raw_create_export(any_profile, project)["id"]
    start, end = hour_window()
    any_profile.control("DELETE", "requests")

    first = client.create_backfill(project, export_id, start_at=start, end_at=end)
    # other bounds: newest PostHog refuses a backfill identical to one still running (a 500)
    other_start, other_end = hour_window(hours_back=2)
    second = client.create_backfill(project, export_id, start_at=other_start, end_at=other_end)

    assert first["endpoint"] == second["endpoint"] == "backfills"
    assert count_requests(any_profile, "POST", rf"/{export_id}/backfills/?$") == 2
    assert count_requests(any_profile, "POST", rf"/{export_id}/backfill/?$") == 0
    if any_profile.profile == "latest":
        uuid.UUID(first["backfill_id"])
        assert first["retrievable"] is True
    else:
        assert first["backfill_id"].startswith(f"{export_id}-Backfill-"), "the 2025 answer is the workflow id"
        assert first["retrievable"] is False

    backfills = wait_for_backfills(client, project, export_id, 2)
    assert len(backfills) >= 2
    if first["retrievable"]:
        assert first["backfill_id"] in {b["id"] for b in backfills}
    one = client.get_backfill(project, export_id, backfills[0]["id"])
    assert one["id"] == backfills[0]["id"]
    any_profile.control("PATCH", f"backfills/{one['id']}", json={"status": "Running"})
    assert client.cancel_backfill(project, export_id, one["id"]) == {"cancelled": True}
    assert client.get_backfill(project, export_id, one["id"])["status"] == "Cancelled"


def test_backfill_falls_back_to_the_singular_route_on_older_posthog(
    posthog_local_2025: LocalServer, make_client: MakeClient, proxy: Any
) -> None:
    """PostHog before the plural route answers its POST with 404 "Endpoint not found.": the client uses the
    deprecated …/backfill/ (the 2025 profile has it) and remembers that. Emulated by a proxy in front of the
    real server that removes only the plural create route."""
    server = posthog_local_2025
    _, project = new_org(server)
    export_id = raw_create_export(server, project)["id"]
    plural = re.compile(r"/batch_exports/[^/]+/backfills/?(\?.*)?$")
    older = proxy(
        server.url, lambda seen: ENDPOINT_NOT_FOUND if seen.method == "POST" and plural.search(seen.path) else None
    )
    client = make_client(older.url, server.api_key)
    start, end = hour_window()

    first = client.create_backfill(project, export_id, start_at=start, end_at=end)
    # other bounds: newest PostHog refuses a backfill identical to one still running (a 500)
    other_start, other_end = hour_window(hours_back=2)
    second = client.create_backfill(project, export_id, start_at=other_start, end_at=other_end)

    assert first["endpoint"] == second["endpoint"] == "backfill"
    assert first["backfill_id"].startswith(f"{export_id}-Backfill-") and first["retrievable"] is False
    posts = [s.path for s in older.seen if s.method == "POST"]
    assert posts == [
        f"/api/projects/{project}/batch_exports/{export_id}/backfills/",
        f"/api/projects/{project}/batch_exports/{export_id}/backfill/",
        f"/api/projects/{project}/batch_exports/{export_id}/backfill/",
    ], "the missing route is tried once, then remembered"
    assert len(wait_for_backfills(client, project, export_id, 2)) == 2


def test_backfill_fallback_is_not_taken_for_other_404s(
    posthog_local_2025: LocalServer, make_client: MakeClient, proxy: Any
) -> None:
    """Only "Endpoint not found." means the route is missing; any other 404 is raised as it is."""
    server = posthog_local_2025
    not_found = Reply(404, {"type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": None})
    front = proxy(server.url, lambda seen: not_found if seen.method == "POST" else None)
    client = make_client(front.url, server.api_key)
    start, end = hour_window()
    with pytest.raises(NotFoundError):
        client.create_backfill(1, str(uuid.uuid4()), start_at=start, end_at=end)
    assert [s.path.rstrip("/").rsplit("/", 1)[-1] for s in front.seen] == ["backfills"]


def test_backfill_for_a_missing_export_does_not_fall_back(any_profile: LocalServer, make_client: MakeClient) -> None:
    client = make_client(any_profile)
    _, project = new_org(any_profile)
    missing = str(uuid.uuid4())
    start, end = hour_window()
    any_profile.control("DELETE", "requests")
    with pytest.raises(NotFoundError) as info:
        client.create_backfill(project, missing, start_at=start, end_at=end)
    if any_profile.profile == "latest":
        assert not info.value.endpoint_missing
        assert count_requests(any_profile, "POST", r"/backfill/?$") == 0, "a missing export is not a missing route"


def test_runs_list_and_retrieve(any_profile: LocalServer, make_client: MakeClient) -> None:
    client = make_client(any_profile)
    _, project = new_org(any_profile)
    export_id = raw_create_export(any_profile, project)["id"]
    made = any_profile.control("POST", f"batch-exports/{export_id}/runs", json={"status": "Completed", "count": 3})
    runs = client.list_runs(project, export_id)
    assert {r["id"] for r in runs} == set(made["runs"])
    run = client.get_run(project, export_id, made["runs"][0])
    assert run["id"] == made["runs"][0] and run["status"] == "Completed"
    with pytest.raises(NotFoundError):
        client.get_run(project, export_id, str(uuid.uuid4()))


def test_runs_cursor_pagination_over_250(posthog_local: LocalServer, make_client: MakeClient) -> None:
    client = make_client(posthog_local)
    _, project = new_org(posthog_local)
    export_id = raw_create_export(posthog_local, project)["id"]
    made = posthog_local.control("POST", f"batch-exports/{export_id}/runs", json={"status": "Completed", "count": 250})
    posthog_local.control("DELETE", "requests")
    runs = client.list_runs(project, export_id)
    assert len(runs) == 250 and {r["id"] for r in runs} == set(made["runs"])
    assert count_requests(posthog_local, "GET", rf"/{export_id}/runs/?$") == 3, "100 + 100 + 50 per cursor page"


# --- organization-wide routes ---------------------------------------------------------------------------------


def two_projects_with_exports(server: LocalServer) -> tuple[str, list[int], set[str]]:
    org, first = new_org(server)
    second = server.new_project(org)
    ids = {raw_create_export(server, p, f"e{i}")["id"] for p in (first, second) for i in range(2)}
    return org, [first, second], ids


def test_organization_routes_on_2025(posthog_local_2025: LocalServer, make_client: MakeClient) -> None:
    server = posthog_local_2025
    client = make_client(server)
    org, projects, ids = two_projects_with_exports(server)
    server.control("DELETE", "requests")

    listed = client.list_organization_batch_exports(org)
    assert {e["id"] for e in listed} == ids
    assert count_requests(server, "GET", rf"^/api/organizations/{org}/batch_exports/?$") == 1
    assert count_requests(server, "GET", r"^/api/projects/\d+/batch_exports/?$") == 0, "no walk needed"

    export_id = sorted(ids)[0]
    one = client.get_organization_batch_export(org, export_id)
    assert one["id"] == export_id

    server.control("DELETE", "requests")
    patched = client.update_organization_batch_export(org, export_id, {"name": "renamed"})
    assert patched["name"] == "renamed"
    assert count_requests(server, "PATCH", r"^/api/projects/\d+/batch_exports/") == 1
    assert count_requests(server, "PATCH", r"^/api/organizations/") == 0, "writes go through the project route"

    made = client.create_organization_batch_export(org, projects[1], export_body("via-org"))
    assert made["team_id"] == projects[1]
    assert count_requests(server, "POST", r"^/api/organizations/") == 0

    start, end = hour_window()
    assert client.backfill_organization_batch_export(org, export_id, start_at=start, end_at=end)["backfill_id"]
    client.delete_organization_batch_export(org, export_id)
    with pytest.raises(NotFoundError):
        client.get_organization_batch_export(org, export_id)


def test_organization_listing_falls_back_to_projects_on_latest(
    posthog_local: LocalServer, make_client: MakeClient
) -> None:
    server = posthog_local
    client = make_client(server)
    org, projects, ids = two_projects_with_exports(server)
    server.control("DELETE", "requests")

    assert {e["id"] for e in client.list_organization_batch_exports(org)} == ids
    assert count_requests(server, "GET", rf"^/api/organizations/{org}/batch_exports/?$") == 1
    assert count_requests(server, "GET", r"^/api/projects/\d+/batch_exports/?$") == len(projects)

    # the missing route is remembered: the next listing goes straight to the projects
    assert {e["id"] for e in client.list_organization_batch_exports(org)} == ids
    assert count_requests(server, "GET", rf"^/api/organizations/{org}/batch_exports/?$") == 1

    export_id = sorted(ids)[0]
    assert client.get_organization_batch_export(org, export_id)["id"] == export_id
    patched = client.update_organization_batch_export(org, export_id, {"name": "renamed"})
    assert patched["name"] == "renamed"
    client.delete_organization_batch_export(org, export_id)
    with pytest.raises(NotFoundError):
        client.get_organization_batch_export(org, export_id)


def test_organization_listing_of_a_missing_org_is_not_found(
    posthog_local: LocalServer, make_client: MakeClient
) -> None:
    client = make_client(posthog_local)
    with pytest.raises(NotFoundError):
        client.list_organization_batch_exports(str(uuid.uuid4()))
    assert client._org_export_route is None, "a missing organization says nothing about the route"
