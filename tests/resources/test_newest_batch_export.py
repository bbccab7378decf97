"""BatchExport against the newest PostHog: a refused events query is one POST and a clear message, a grandfathered
export keeps working, the hogql model's new fields are managed without drift, and legacy S3 is refused offline."""

from __future__ import annotations

from typing import Any

import pytest

from tests.local.bx_helpers import grandfather
from tests.resources.conftest import Stack, batch_export

HTTP = {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": "phc_newest_token_1234"}}
QUERY = "SELECT uuid, event, timestamp AS ts FROM events WHERE timestamp >= {data_interval_start}"


def export(project: int, **inputs: Any) -> Any:
    base = {"project_id": project, "name": "newest", "interval": "hour", "destination": HTTP}
    return batch_export("export", secret_keys=("token",), **{**base, **inputs})


def test_hogql_query_on_events_is_one_post_and_a_clear_message(stack: Stack, project: int) -> None:
    result = stack.up([export(project, hogql_query="SELECT event FROM events")])
    assert not result.ok
    message = result.errors[0].summary
    assert "creating BatchExport 'newest' failed (property hogql_query)" in message
    assert "'hogql_query' is only supported for 'hogql' not 'events' model" in message  # PostHog's words
    assert "model='hogql'" in message and "hogql-batch-exports" in message  # what to do instead
    # one POST (refused), after the one listing a create makes for an interrupted run's export (reconcile.create_once)
    assert stack.calls == {"GET": 1, "POST": 1}
    assert stack.server.api("GET", f"/api/projects/{project}/batch_exports/").json()["count"] == 0


def test_a_grandfathered_project_keeps_its_events_query(stack: Stack, project: int) -> None:
    server = stack.server
    grandfather(server, project)
    query = "SELECT event, timestamp FROM events"
    body = {"name": "legacy", "interval": "hour", "destination": HTTP, "hogql_query": query}
    existing = server.api("POST", f"/api/projects/{project}/batch_exports/", json=body).json()
    adopted = export(project, name="legacy", hogql_query=query, adopt_id=existing["id"])
    stack.up([adopted]).expect_ok()
    assert stack.calls.get("POST", 0) == 0 and stack.calls.get("PATCH", 0) <= 1  # the token is re-sent, no POST
    assert stack.preview([adopted]).ops() == {"export": "same"}
    changed = export(project, name="legacy", hogql_query="SELECT event FROM events", adopt_id=existing["id"])
    stack.up([changed]).expect_ok()
    assert server.api("GET", f"/api/projects/{project}/batch_exports/{existing['id']}/").json()["hogql_query"] == (
        "SELECT event FROM events"
    )
    assert stack.refresh().expect_ok().ops() == {"export": "same"}


def test_the_hogql_models_new_fields_have_no_drift(stack: Stack, project: int) -> None:
    server = stack.server
    server.set_flags(project, **{"hogql-batch-exports": True})
    fields = {
        "model": "hogql",
        "hogql_query": QUERY,
        "incremental_mode": "MERGE",
        "primary_key": ["uuid"],
        "version_key": ["ts"],
        "hogql_modifiers": {"convertToProjectTimezone": False},
    }
    keys = {"name": f"keys-{project}", "aws_access_key_id": "AKIA", "aws_secret_access_key": "s3cr3t-value"}
    lake = server.api("POST", f"/api/projects/{project}/integrations/", json={"kind": "aws-s3", "config": keys})
    s3 = {"bucket_name": "lake", "region": "us-east-1", "prefix": "hogql/"}
    destination = {"type": "AwsS3", "config": s3, "integration_id": lake.json()["id"]}
    stack.up([export(project, destination=destination, **fields)]).expect_ok()
    live = server.api("GET", f"/api/projects/{project}/batch_exports/{stack.id('export')}/").json()
    assert {k: live[k] for k in fields} == fields
    assert stack.preview([export(project, destination=destination, **fields)]).ops() == {"export": "same"}
    assert stack.refresh().expect_ok().ops() == {"export": "same"}
    appended = {k: v for k, v in fields.items() if k != "incremental_mode"}  # unset: PostHog's default, APPEND
    plan = stack.preview([export(project, destination=destination, **appended)])
    assert plan.step("export").op == "update" and "incremental_mode" in plan.step("export").diffs
    stack.up([export(project, destination=destination, **appended)]).expect_ok()
    assert stack.calls == {"PATCH": 1}
    live = server.api("GET", f"/api/projects/{project}/batch_exports/{stack.id('export')}/").json()
    assert live["incremental_mode"] == "APPEND" and live["primary_key"] == ["uuid"]
    assert stack.outputs("export")["incremental_mode"] == "APPEND"


@pytest.mark.parametrize("legacy", [False, True])
def test_legacy_s3_is_refused_offline_unless_allowed(stack: Stack, project: int, legacy: bool) -> None:
    config = {
        "bucket_name": "b",
        "region": "us-east-1",
        "prefix": "p/",
        "aws_access_key_id": "AKIA",
        "aws_secret_access_key": "s3cr3t-key",
    }
    goal = batch_export(
        "export",
        secret_keys=("aws_access_key_id", "aws_secret_access_key"),
        project_id=project,
        name="legacy-s3",
        interval="hour",
        destination={"type": "S3", "config": config},
        allow_legacy_s3=legacy or None,
    )
    result = stack.up([goal])
    assert not result.ok
    if not legacy:
        assert "Use 'AwsS3'" in result.errors[0].reason and "aws-s3" in result.errors[0].reason
        assert stack.calls == {}
    else:  # allowed through check: the newest PostHog answers its server error, and nothing is created
        assert "→ 500" in result.errors[0].summary
        assert stack.server.api("GET", f"/api/projects/{project}/batch_exports/").json()["count"] == 0


def test_postgres_port_is_left_to_posthog_as_newest_posthog_does(stack: Stack, project: int) -> None:
    """``PostgresBatchExportInputs.port: int | None``: PostHog does not type-check it, so check does not either."""
    destination = {"type": "Postgres", "config": {"database": "d", "port": "5433x"}, "integration_id": 7}
    plan = stack.preview([export(project, destination=destination)])
    assert plan.ok, [e.message for e in plan.errors]
    redshift = {
        "type": "Redshift",
        "config": {"database": "d", "host": "h.example.com", "port": "x"},
        "integration_id": 7,
    }
    plan = stack.preview([export(project, destination=redshift)])
    assert not plan.ok and "expected 'int'" in plan.errors[0].reason  # Redshift's `port: int` is checked
