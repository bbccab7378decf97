"""BatchExportBackfill and EnvironmentsRollback lifecycles: one-off operations that PostHog cannot change or undo.

Every input of both resources forces a replacement; PostHog has no update or delete for either, so there is no
out-of-band edit to revert. A backfill's delete cancels it only while it runs; a rollback's delete is state-only.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.local.bx_helpers import backfill_settings
from tests.resources.cases import US_URL, token
from tests.resources.conftest import Register, Stack, backfill, batch_export, rollback
from tests.resources.lifecycle import id_of

COVERS = (
    "BatchExportBackfill",
    "EnvironmentsRollback",
)
"""The resources whose lifecycle scenario this module runs (tests/test_catalog.py)."""


def hours_ago(hours: int) -> str:
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return (now - timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


def backfill_program(project: int, http_token: str, **bounds: Any) -> Callable[[Register], None]:
    """An hourly HTTP export and a backfill of it (the backfill takes the export's id)."""

    def run(register: Register) -> None:
        destination = {"type": "HTTP", "config": {"url": US_URL, "token": http_token}}
        export = register(
            batch_export(
                "export",
                project_id=project,
                name="hourly",
                interval="hour",
                destination=destination,
                secret_keys=["token"],
            )
        )
        register(backfill("backfill", project_id=project, batch_export_id=id_of(export), **bounds))

    return run


def backfill_status(server: LocalServer, project: int, export_id: str, backfill_id: str) -> str:
    path = f"/api/projects/{project}/batch_exports/{export_id}/backfills/{backfill_id}/"
    return server.api("GET", path).json()["status"]


def force_status(server: LocalServer, backfill_id: str, status: str) -> None:
    server.control("PATCH", f"backfills/{backfill_id}", json={"status": status})


def test_backfill_lifecycle(stack: Stack, project: int, posthog_local: LocalServer) -> None:
    secret = token("phc")
    bounds = {"start_at": hours_ago(48), "end_at": hours_ago(24)}
    program = backfill_program(project, secret, **bounds)
    plan = stack.preview(program)
    assert plan.ops() == {"export": "create", "backfill": "create"}

    stack.up(program).expect_ok()
    assert stack.calls_to("/backfills/") == {"GET": 1, "POST": 1}  # a look for an interrupted run's backfill first
    first = stack.id("backfill")
    export_id = stack.id("export")
    assert stack.outputs("backfill")["backfill_id"] == first
    assert stack.outputs("backfill")["status"] in ("Starting", "Running")
    assert stack.preview(program).ops() == {"export": "same", "backfill": "same"}

    refreshed = stack.refresh().expect_ok()
    assert refreshed.ops() == {"export": "same", "backfill": "same"}
    assert stack.calls_to("/backfills/") == {"GET": 1}
    assert stack.outputs("backfill")["status"] == backfill_status(posthog_local, project, export_id, first)

    # Any change starts a new backfill (create before delete); the old one is cancelled while it still runs.
    force_status(posthog_local, first, "Running")
    moved = backfill_program(project, secret, start_at=bounds["start_at"], end_at=hours_ago(12))
    plan = stack.preview(moved)
    assert plan.step("backfill").op == "replace" and plan.step("backfill").replaces == ["end_at"]
    stack.up(moved).expect_ok()
    assert stack.calls_to("/backfills/") == {"GET": 1, "POST": 2}  # list, create, then cancel the old one
    second = stack.id("backfill")
    assert second != first
    assert backfill_status(posthog_local, project, export_id, first) == "Cancelled"
    assert stack.preview(moved).ops() == {"export": "same", "backfill": "same"}

    # A finished backfill is left alone on delete.
    force_status(posthog_local, second, "Completed")
    result = stack.destroy().expect_ok()
    assert result.ops() == {"backfill": "delete", "export": "delete"}
    assert stack.calls_to("/backfills/") == {"POST": 1}  # the cancel, refused: it already finished
    assert backfill_status(posthog_local, project, export_id, second) == "Completed"


def test_backfill_read_before_posthog_wrote_its_row_keeps_it(stack: Stack, project: int) -> None:
    """Newest PostHog creates the backfill row asynchronously: a 404 right after create is not "gone" (dropping it
    would make the next up start a duplicate backfill, which PostHog never deduplicates)."""
    program = backfill_program(project, token("phc"), start_at=hours_ago(30), end_at=hours_ago(6))
    stack.up(program).expect_ok()
    backfill_id = stack.id("backfill")
    stack.server.control("POST", "faults", json={"status": 404, "method": "GET", "path": f"backfills/{backfill_id}/"})
    try:
        refreshed = stack.refresh().expect_ok()
    finally:
        stack.server.clear_faults()
    assert refreshed.ops()["backfill"] == "same"
    assert stack.id("backfill") == backfill_id
    assert stack.preview(program).ops() == {"export": "same", "backfill": "same"}
    stack.destroy().expect_ok()


@pytest.mark.usefixtures("short_waits")
def test_an_ambiguous_backfill_post_waits_for_its_row_and_creates_one(stack: Stack, project: int) -> None:
    """Newest PostHog answers the POST at once and writes the row later. When the answer is lost (the connection
    dropped after PostHog accepted it), the list is empty at first: the provider looks again before it concludes
    nothing was created, so it adopts the one backfill instead of POSTing a second (which PostHog would refuse with
    a 500 while the first runs)."""
    server = stack.server
    program = backfill_program(project, token("phc"), start_at=hours_ago(20), end_at=hours_ago(10))
    with backfill_settings(server, row_delay_seconds=0.8, complete_after_seconds=60):
        server.control(
            "POST", "faults", json={"drop": True, "when": "after", "method": "POST", "path": "/backfills/?$"}
        )
        try:
            stack.up(program).expect_ok()
        finally:
            server.clear_faults()
    assert stack.calls_to("/backfills/")["POST"] == 1
    rows = server.api("GET", f"/api/projects/{project}/batch_exports/{stack.id('export')}/backfills/").json()["results"]
    assert [r["id"] for r in rows] == [stack.id("backfill")]


@pytest.fixture
def rollback_org(posthog_local: LocalServer) -> dict[str, Any]:
    """A fresh organization (own owner and key) whose project has a second environment."""
    user = posthog_local.new_user("owner")
    key = posthog_local.new_key(scopes=[], user_id=user)  # PostHog allows the rollback only to unscoped keys
    org = posthog_local.api("POST", "/api/organizations/", key=key, json={"name": f"Envs {secrets.token_hex(3)}"})
    body = org.json()
    project = body["projects"][0]["id"]
    main = body["teams"][0]["id"]
    other = posthog_local.control("POST", "environments", json={"project_id": project})["id"]
    return {"key": key, "id": body["id"], "main": main, "other": other}


def test_rollback_lifecycle(posthog_local: LocalServer, make_stack: Callable[..., Stack], rollback_org: dict) -> None:
    stack = make_stack(posthog_local, rollback_org["key"])
    mapping = {str(rollback_org["other"]): rollback_org["main"]}
    goals = [rollback("rollback", organization_id=rollback_org["id"], environment_mappings=mapping)]
    assert stack.preview(goals).ops() == {"rollback": "create"}

    stack.up(goals).expect_ok()
    assert stack.calls == {"POST": 1}
    assert stack.calls_to("/environments_rollback/") == {"POST": 1}
    assert stack.outputs("rollback")["message"] == "Migration started"
    assert stack.preview(goals).ops() == {"rollback": "same"}

    assert stack.refresh().expect_ok().ops() == {"rollback": "same"}
    assert stack.calls == {}  # PostHog has nothing to read back: the state is kept as it is
    assert stack.preview(goals).ops() == {"rollback": "same"}

    other_mapping = {str(rollback_org["main"]): rollback_org["other"]}
    changed = [rollback("rollback", organization_id=rollback_org["id"], environment_mappings=other_mapping)]
    plan = stack.preview(changed)
    assert plan.step("rollback").op == "replace" and plan.step("rollback").replaces == ["environment_mappings"]
    moved = [rollback("rollback", organization_id="@current", environment_mappings=mapping)]
    assert stack.preview(moved).step("rollback").replaces == ["organization_id"]
    # PostHog runs it once per organization: a second one is refused, and the first stays in state.
    failed = stack.up(changed)
    assert not failed.ok and "already been requested" in failed.errors[0].message
    assert stack.id("rollback") == f"{rollback_org['id']}/environments-rollback"

    assert stack.destroy().expect_ok().ops() == {"rollback": "delete"}
    assert stack.calls == {}  # nothing to undo in PostHog
    assert stack.engine.resources == []
