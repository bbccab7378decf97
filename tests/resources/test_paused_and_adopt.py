"""``paused`` (unset: PostHog's auto-pause is no diff, only a warning; set: enforced) and BatchExport ``adopt_id``."""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.resources.cases import EU_URL, US_URL, token
from tests.resources.conftest import Stack, batch_export

WARNING = "is paused in PostHog"


def export_goal(project: int, http_token: str, **inputs: Any) -> Any:
    destination = {"type": "HTTP", "config": {"url": US_URL, "token": http_token}}
    fields = {"project_id": project, "name": "nightly", "interval": "hour", "destination": destination, **inputs}
    return batch_export("export", secret_keys=["token"], **fields)


def export_path(project: int, export_id: str) -> str:
    return f"/api/projects/{project}/batch_exports/{export_id}/"


def auto_pause(server: LocalServer, export_id: str) -> None:
    """Three failed runs in a row: PostHog pauses the export."""
    result = server.control("POST", f"batch-exports/{export_id}/runs", json={"status": "Failed", "count": 3})
    assert result["auto_paused"] is True


def is_paused(server: LocalServer, project: int, export_id: str) -> bool:
    return server.api("GET", export_path(project, export_id)).json()["paused"]


def test_unset_paused_follows_posthog_auto_pause(
    stack: Stack, project: int, posthog_local: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    secret = token("phc")
    goals = [export_goal(project, secret)]
    stack.up(goals).expect_ok()
    export_id = stack.id("export")
    auto_pause(posthog_local, export_id)

    with caplog.at_level(logging.WARNING, logger="pulumi_posthog"):
        refreshed = stack.refresh().expect_ok()
    assert refreshed.ops() == {"export": "same"}
    assert stack.outputs("export")["paused"] is True
    assert any(WARNING in r.getMessage() and export_id in r.getMessage() for r in caplog.records), caplog.text
    assert stack.preview(goals).ops() == {"export": "same"}
    assert stack.up(goals).expect_ok().ops() == {"export": "same"}
    assert stack.calls == {}
    assert is_paused(posthog_local, project, export_id)

    # Other changes leave the pause alone.
    renamed = [export_goal(project, secret, name="renamed")]
    stack.up(renamed).expect_ok()
    assert stack.calls == {"PATCH": 1}
    assert is_paused(posthog_local, project, export_id)

    # Setting it takes control: up resumes the export.
    resumed = [export_goal(project, secret, name="renamed", paused=False)]
    plan = stack.preview(resumed)
    assert plan.step("export").op == "update" and "paused" in plan.step("export").diffs
    stack.up(resumed).expect_ok()
    assert stack.calls == {"POST": 1}
    assert stack.calls_to("/unpause/") == {"POST": 1}
    assert not is_paused(posthog_local, project, export_id)
    assert stack.preview(resumed).ops() == {"export": "same"}
    stack.destroy().expect_ok()


def test_set_paused_is_enforced(
    stack: Stack, project: int, posthog_local: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    secret = token("phc")
    running = [export_goal(project, secret, paused=False)]
    stack.up(running).expect_ok()
    export_id = stack.id("export")
    auto_pause(posthog_local, export_id)
    with caplog.at_level(logging.WARNING, logger="pulumi_posthog"):
        refreshed = stack.refresh().expect_ok()
    assert refreshed.step("export").op == "update"  # drift from the configured paused=False
    assert any(WARNING in r.getMessage() for r in caplog.records), caplog.text
    plan = stack.preview(running)
    assert plan.step("export").op == "update" and "paused" in plan.step("export").diffs
    stack.up(running).expect_ok()
    assert stack.calls_to("/unpause/") == {"POST": 1} and stack.calls == {"POST": 1}
    assert not is_paused(posthog_local, project, export_id)
    assert stack.preview(running).ops() == {"export": "same"}

    paused = [export_goal(project, secret, paused=True)]
    stack.up(paused).expect_ok()
    assert stack.calls_to("/pause/") == {"POST": 1} and stack.calls == {"POST": 1}
    assert is_paused(posthog_local, project, export_id)
    assert stack.outputs("export")["last_paused_at"]
    # Resumed behind Pulumi's back: refresh shows it, up pauses it again.
    posthog_local.api("POST", export_path(project, export_id) + "unpause/", json={})
    assert stack.refresh().expect_ok().step("export").op == "update"
    stack.up(paused).expect_ok()
    assert is_paused(posthog_local, project, export_id)
    assert stack.preview(paused).ops() == {"export": "same"}
    stack.destroy().expect_ok()


def test_created_paused(stack: Stack, project: int, posthog_local: LocalServer) -> None:
    goals = [export_goal(project, token("phc"), paused=True)]
    stack.up(goals).expect_ok()
    assert stack.calls == {"GET": 1, "POST": 1}  # the listing before a create; paused sent in its body
    assert is_paused(posthog_local, project, stack.id("export"))
    assert stack.refresh().expect_ok().ops() == {"export": "same"}
    assert stack.preview(goals).ops() == {"export": "same"}
    stack.destroy().expect_ok()


def test_adopt_batch_export_by_id(stack: Stack, project: int, posthog_local: LocalServer) -> None:
    """``adopt_id`` takes over an export created elsewhere; the first up PATCHes what differs, nothing else."""
    secret = token("phc")
    body = {
        "name": "made in the UI",
        "interval": "day",
        "destination": {"type": "HTTP", "config": {"url": EU_URL, "token": secret}},
    }
    created = posthog_local.api("POST", f"/api/projects/{project}/batch_exports/", json=body)
    assert created.status_code == 201, created.text
    existing = created.json()
    goals = [export_goal(project, secret, adopt_id=existing["id"], interval="day", offset_hour=4)]
    plan = stack.preview(goals)
    assert plan.ops() == {"export": "create"}

    stack.up(goals).expect_ok()
    assert stack.calls == {"GET": 1, "PATCH": 1}
    assert stack.id("export") == existing["id"]
    live = posthog_local.api("GET", export_path(project, existing["id"])).json()
    assert (live["name"], live["offset_hour"], live["destination"]["config"]["url"]) == ("nightly", 4, US_URL)
    assert stack.outputs("export")["created_at"] == existing["created_at"]
    listed = posthog_local.api("GET", f"/api/projects/{project}/batch_exports/").json()["results"]
    assert [e["id"] for e in listed] == [existing["id"]]  # adopted, not duplicated
    assert stack.preview(goals).ops() == {"export": "same"}
    assert stack.refresh().expect_ok().ops() == {"export": "same"}

    stack.destroy().expect_ok()
    assert posthog_local.api("GET", export_path(project, existing["id"])).status_code == 404


def test_adopt_batch_export_that_already_matches(stack: Stack, project: int, posthog_local: LocalServer) -> None:
    secret = token("phc")
    body = {
        "name": "nightly",
        "interval": "hour",
        "destination": {"type": "HTTP", "config": {"url": US_URL, "token": secret}},
    }
    existing = posthog_local.api("POST", f"/api/projects/{project}/batch_exports/", json=body).json()
    goals = [export_goal(project, secret, adopt_id=existing["id"])]
    stack.up(goals).expect_ok()
    # Everything PostHog shows matches; the configured token is sent anyway, since PostHog never shows it.
    assert stack.calls == {"GET": 1, "PATCH": 1}
    assert stack.preview(goals).ops() == {"export": "same"}


def stored_token(server: LocalServer, export_id: str) -> str:
    """The token posthog-local stored (PostHog never returns it, so read the server's database)."""
    with sqlite3.connect(server.db) as db:
        row = db.execute(
            "SELECT d.config FROM posthog_batchexportdestination d JOIN posthog_batchexport e "
            "ON e.destination_id = d.id WHERE e.id = ?",
            (export_id.replace("-", ""),),
        ).fetchone()
    return json.loads(row[0])["token"]


def test_adopting_applies_the_configured_secret(stack: Stack, project: int, posthog_local: LocalServer) -> None:
    old, new = token("phc"), token("phc")
    body = {
        "name": "nightly",
        "interval": "hour",
        "destination": {"type": "HTTP", "config": {"url": US_URL, "token": old}},
    }
    existing = posthog_local.api("POST", f"/api/projects/{project}/batch_exports/", json=body).json()
    assert stored_token(posthog_local, existing["id"]) == old
    stack.up([export_goal(project, new, adopt_id=existing["id"])]).expect_ok()
    assert stored_token(posthog_local, existing["id"]) == new
