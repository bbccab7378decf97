"""Batch exports on the project route: create, read-back, list, PUT/PATCH, pause/unpause, delete, access."""

from __future__ import annotations

import uuid

from tests.conftest import LocalServer
from tests.local.bx_helpers import (
    HTTP_CONFIG,
    body,
    create,
    error,
    export_path,
    exports_path,
    simulate_runs,
)

FIELDS = {
    "id",
    "team_id",
    "name",
    "model",
    "destination",
    "interval",
    "paused",
    "created_at",
    "last_updated_at",
    "last_paused_at",
    "start_at",
    "end_at",
    "latest_runs",
    "schema",
    "filters",
    "timezone",
    "offset_day",
    "offset_hour",
}


def test_create_returns_201_with_posthog_defaults(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project)
    newest = {"hogql_query", "hogql_modifiers", "primary_key", "version_key", "incremental_mode"}
    expected = FIELDS | (newest if server.profile == "latest" else set())
    assert set(created) == expected
    if server.profile == "latest":
        assert {k: created[k] for k in newest} == {
            "hogql_query": None,
            "hogql_modifiers": None,
            "primary_key": None,
            "version_key": None,
            "incremental_mode": "APPEND",
        }
    uuid.UUID(created["id"])
    assert created["team_id"] == server.project
    assert created["model"] == "events"
    assert created["destination"] == {"type": "NoOp", "config": {}, "integration": None}
    assert (created["paused"], created["last_paused_at"], created["start_at"], created["end_at"]) == (
        False,
        None,
        None,
        None,
    )
    assert created["latest_runs"] == []
    assert (created["schema"], created["filters"], created["timezone"]) == (None, None, "UTC")
    assert (created["offset_day"], created["offset_hour"]) == (None, None)
    assert created["created_at"].endswith("Z")
    fetched = server.api("GET", export_path(server.project, created["id"])).json()
    assert fetched == created


def test_create_ignores_unknown_and_read_only_fields(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(
        server,
        server.project,
        last_modified_by="someone",
        id="00000000-0000-0000-0000-000000000000",
        team_id=999999,
        schema={"fields": []},
        latest_runs=[{"id": "x"}],
    )
    assert created["id"] != "00000000-0000-0000-0000-000000000000"
    assert created["team_id"] == server.project
    assert created["schema"] is None
    assert created["latest_runs"] == []
    assert "last_modified_by" not in created


def test_create_requires_name_destination_interval(any_profile: LocalServer) -> None:
    server = any_profile
    path = exports_path(server.project)
    response = server.api("POST", path, json={"destination": {"type": "NoOp", "config": {}}, "interval": "hour"})
    error(response, 400, "This field is required.", "name", code="required", type="validation_error")
    error(server.api("POST", path, json=body(name="")), 400, "This field may not be blank.", "name", code="blank")
    response = server.api("POST", path, json={"name": "n", "interval": "hour"})
    error(response, 400, "This field is required.", "destination")
    response = server.api("POST", path, json={"name": "n", "destination": {"type": "NoOp", "config": {}}})
    error(response, 400, "This field is required.", "interval")
    error(server.api("POST", path, json=body(interval=None)), 400, "This field may not be null.", "interval")
    response = server.api("POST", path, json=body(interval="month"))
    error(response, 400, '"month" is not a valid choice.', "interval", code="invalid_choice")


def test_naive_start_at_is_taken_as_utc(any_profile: LocalServer) -> None:
    created = create(any_profile, any_profile.project, start_at="2023-07-19 00:00:00", end_at="2023-07-20T00:00")
    assert created["start_at"] == "2023-07-19T00:00:00Z"
    assert created["end_at"] == "2023-07-20T00:00:00Z"


def test_list_is_paginated_newest_first_and_hides_deleted(any_profile: LocalServer) -> None:
    server = any_profile
    project = server.new_project()
    ids = [create(server, project, name=f"export {i}")["id"] for i in range(3)]
    assert server.api("DELETE", export_path(project, ids[1])).status_code == 204
    page = server.api("GET", exports_path(project)).json()
    assert page["count"] == 2
    assert [e["id"] for e in page["results"]] == [ids[2], ids[0]]
    assert (page["next"], page["previous"]) == (None, None)
    first = server.api("GET", exports_path(project) + "?limit=1").json()
    assert first["count"] == 2 and len(first["results"]) == 1
    assert first["next"] == f"{server.url}/api/projects/{project}/batch_exports/?limit=1&offset=1"
    second = server.session.get(first["next"], headers={"Authorization": f"Bearer {server.api_key}"}).json()
    assert [e["id"] for e in second["results"]] == [ids[0]]
    assert second["previous"] == f"{server.url}/api/projects/{project}/batch_exports/?limit=1"


def test_default_page_size_is_100(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    for i in range(101):
        create(server, project, name=f"e{i}")
    page = server.api("GET", exports_path(project)).json()
    assert page["count"] == 101 and len(page["results"]) == 100
    assert page["next"].endswith(f"/api/projects/{project}/batch_exports/?limit=100&offset=100")


def test_trailing_slash_is_optional_and_environments_alias(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project)
    no_slash = f"/api/projects/{server.project}/batch_exports/{created['id']}"
    assert server.api("GET", no_slash).json()["id"] == created["id"]
    assert server.api("GET", f"/api/projects/{server.project}/batch_exports").status_code == 200
    env = server.api("GET", f"/api/environments/{server.project}/batch_exports/{created['id']}/")
    assert env.status_code == 200 and env.json()["id"] == created["id"]


def test_put_needs_every_required_field_and_replaces_top_level(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project, name="before", paused=True)
    path = export_path(server.project, created["id"])
    error(server.api("PUT", path, json={"name": "after"}), 400, "This field is required.", "destination")
    response = server.api("PUT", path, json={"name": "after", "destination": {"type": "NoOp", "config": {}}})
    error(response, 400, "This field is required.", "interval")
    response = server.api("PUT", path, json=body(name="after", interval="day"))
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["name"], updated["interval"], updated["offset_hour"]) == ("after", "day", 0)
    assert updated["paused"] is True  # not sent, so unchanged
    assert updated["created_at"] == created["created_at"]
    assert updated["last_updated_at"] > created["last_updated_at"]


def test_patch_changes_only_what_is_sent(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project, name="before")
    path = export_path(server.project, created["id"])
    response = server.api("PATCH", path, json={"name": "after", "end_at": "2030-01-01T00:00:00Z"})
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["name"], updated["end_at"], updated["interval"]) == ("after", "2030-01-01T00:00:00Z", "hour")
    assert server.api("GET", path).json() == updated
    error(server.api("PATCH", path, json={"name": None}), 400, "This field may not be null.", "name")


def test_patch_paused_does_not_set_last_paused_at(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project)
    updated = server.api("PATCH", export_path(server.project, created["id"]), json={"paused": True}).json()
    assert (updated["paused"], updated["last_paused_at"]) == (True, None)
    updated = server.api(
        "PATCH", export_path(server.project, created["id"]), json={"last_paused_at": "2024-05-01T10:00:00Z"}
    ).json()
    assert updated["last_paused_at"] == "2024-05-01T10:00:00Z"  # writable, as in PostHog


def test_pause_and_unpause_are_idempotent(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project)
    path = export_path(server.project, created["id"])
    response = server.api("POST", path + "pause/")
    assert (response.status_code, response.json()) == (200, {"paused": True})
    paused = server.api("GET", path).json()
    assert paused["paused"] is True and paused["last_paused_at"] is not None
    again = server.api("POST", path + "pause")
    assert (again.status_code, again.json()) == (200, {"paused": True})
    assert server.api("GET", path).json()["last_paused_at"] == paused["last_paused_at"]
    response = server.api("POST", path + "unpause/", json={})
    assert (response.status_code, response.json()) == (200, {"paused": False})
    unpaused = server.api("GET", path).json()
    assert unpaused["paused"] is False and unpaused["last_paused_at"] == paused["last_paused_at"]
    assert server.api("POST", path + "unpause").json() == {"paused": False}
    error(server.api("POST", export_path(server.project, str(uuid.uuid4())) + "pause"), 404, "Not found.")


def test_unpause_body_backfill_is_validated_as_boolean_in_latest(posthog_local: LocalServer) -> None:
    server = posthog_local
    created = create(server, server.project, paused=True)
    path = export_path(server.project, created["id"])
    response = server.api("POST", path + "unpause/", json={"backfill": "nope"})
    error(response, 400, "Must be a valid boolean.", "backfill", code="invalid_input")
    assert server.api("GET", path).json()["paused"] is True


def test_unpause_with_backfill_starts_one_from_last_paused_at(any_profile: LocalServer) -> None:
    server = any_profile
    project = server.new_project()
    created = create(server, project)
    path = export_path(project, created["id"])
    server.api("POST", path + "pause")
    paused_at = server.api("GET", path).json()["last_paused_at"]
    assert server.api("POST", path + "unpause", json={"backfill": True}).json() == {"paused": False}
    backfills = server.api("GET", path + "backfills/").json()["results"]
    assert len(backfills) == 1
    assert backfills[0]["start_at"] == paused_at
    assert backfills[0]["end_at"] == server.api("GET", path).json()["last_updated_at"]
    server.api("POST", path + "pause")
    server.api("POST", path + "unpause", json={"backfill": False})
    assert len(server.api("GET", path + "backfills/").json()["results"]) == 1


def test_delete_is_soft_pauses_and_cancels_running_backfills(any_profile: LocalServer) -> None:
    server = any_profile
    project = server.new_project()
    created = create(server, project, destination={"type": "HTTP", "config": HTTP_CONFIG})
    path = export_path(project, created["id"])
    response = server.api("POST", path + "backfills/", json={"start_at": "2024-01-01T00:00:00Z", "end_at": None})
    assert response.status_code in (200, 201), response.text
    backfill = server.api("GET", path + "backfills/").json()["results"][0]
    server.control("PATCH", f"backfills/{backfill['id']}", json={"status": "Running"})
    deleted = server.api("DELETE", path)
    assert (deleted.status_code, deleted.content) == (204, b"")
    error(server.api("GET", path), 404, "Not found.", code="not_found", type="invalid_request")
    error(server.api("PATCH", path, json={"name": "x"}), 404, "Not found.")
    error(server.api("DELETE", path), 404, "Not found.")
    error(server.api("POST", path + "pause"), 404, "Not found.")
    after = server.api("GET", path + "backfills/" + backfill["id"] + "/").json()
    assert after["status"] == "Cancelled" and after["finished_at"] is not None


def test_latest_runs_lists_the_ten_newest(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project)
    simulate_runs(server, created["id"], status="Completed", count=12)
    fetched = server.api("GET", export_path(server.project, created["id"])).json()
    runs = fetched["latest_runs"]
    assert len(runs) == 10
    assert [r["created_at"] for r in runs] == sorted((r["created_at"] for r in runs), reverse=True)
    assert all(r["batch_export"] == created["id"] for r in runs)


def test_three_failed_runs_pause_the_export(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project)
    simulate_runs(server, created["id"], status="Failed", count=3)
    fetched = server.api("GET", export_path(server.project, created["id"])).json()
    assert fetched["paused"] is True and fetched["last_paused_at"] is not None
    assert {r["status"] for r in fetched["latest_runs"]} == {"Failed"}


def test_unknown_and_malformed_ids(any_profile: LocalServer) -> None:
    server = any_profile
    error(server.api("GET", export_path(server.project, str(uuid.uuid4()))), 404, "Not found.")
    error(server.api("GET", export_path(server.project, "not-a-uuid")), 404, "Not found.")
    error(server.api("GET", exports_path(999999)), 404, "Project not found.")
    error(server.api("GET", "/api/projects/abc/batch_exports/"), 404, "Project not found.")


def test_wrong_project_in_same_org_is_404(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project)
    other = server.new_project()
    error(server.api("GET", export_path(other, created["id"])), 404, "Not found.")
    error(server.api("DELETE", export_path(other, created["id"])), 404, "Not found.")
    assert created["id"] not in [e["id"] for e in server.api("GET", exports_path(other)).json()["results"]]


def test_other_organization_is_403(any_profile: LocalServer) -> None:
    server = any_profile
    foreign = server.api("POST", "/api/organizations/", json={"name": "Foreign org"}).json()
    foreign_project = foreign["projects"][0]["id"]
    outsider = server.new_key(user_id=server.new_user("member"))
    message = "You don't have access to the project."
    error(server.api("GET", exports_path(foreign_project), key=outsider), 403, message, type="authentication_error")
    error(server.api("POST", exports_path(foreign_project), key=outsider, json=body()), 403, message)
    assert server.api("GET", exports_path(server.project), key=outsider).status_code == 200


def test_scopes_per_action(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project)
    path = export_path(server.project, created["id"])
    reader = server.new_key(scopes=["batch_export:read"])
    writer = server.new_key(scopes=["batch_export:write"])
    unrelated = server.new_key(scopes=["organization:read"])
    missing_write = "API key missing required scope 'batch_export:write'"
    assert server.api("GET", exports_path(server.project), key=reader).status_code == 200
    assert server.api("GET", path, key=reader).status_code == 200
    assert server.api("GET", path + "runs/", key=reader).status_code == 200
    assert server.api("GET", path + "backfills/", key=reader).status_code == 200
    for method, suffix, payload in [
        ("POST", "", body()),
        ("PATCH", created["id"] + "/", {"name": "x"}),
        ("PUT", created["id"] + "/", body()),
        ("DELETE", created["id"] + "/", None),
        ("POST", created["id"] + "/pause/", None),
        ("POST", created["id"] + "/unpause/", None),
        ("POST", created["id"] + "/backfills/", {"start_at": "2024-01-01T00:00:00Z"}),
    ]:
        response = server.api(method, exports_path(server.project) + suffix, key=reader, json=payload)
        error(response, 403, missing_write, type="authentication_error", code="permission_denied")
    error(server.api("GET", path, key=unrelated), 403, "API key missing required scope 'batch_export:read'")
    assert server.api("GET", path, key=writer).status_code == 200
    assert server.api("POST", path + "pause/", key=writer).json() == {"paused": True}
    scoped = server.new_key(scopes=["*"], scoped_teams=[server.new_project()])
    error(
        server.api("GET", path, key=scoped),
        403,
        f"API key does not have access to the requested project: ID {server.project}.",
    )
