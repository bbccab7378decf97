"""BatchExport lifecycle for every destination type, with its Integration created in the same run (latest profile),
and for the 2025 profile's inline-credential destinations (stored scalars read back as strings)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.local.bx_helpers import grandfather
from tests.resources.cases import Destination, Kind, destinations, destinations_2025, kinds
from tests.resources.conftest import Register, Stack, batch_export, integration
from tests.resources.lifecycle import Calls, Change, Parts, Scenario, id_of, items

COVERS = ("BatchExport",)
"""The resources whose lifecycle scenario this module runs (tests/test_catalog.py)."""

EXPORT = {"name": "nightly", "interval": "hour"}
FILTERS = [{"key": "$browser", "operator": "exact", "type": "event", "value": ["Firefox"]}]
QUERY = "SELECT event, timestamp, properties.$browser AS browser FROM events"
HIGH_FREQUENCY = {"high-frequency-batch-exports": True}


CREATE_CALLS = {"GET": 1, "POST": 1}
"""A create: one listing (an identical export an interrupted run made moments ago is adopted), then the POST."""


def export_changes(destination: Destination) -> list[Change]:
    """Every mutable property of an export, one change at a time (config changes from the destination case)."""
    changes = [
        Change("name", {"export": {"name": "nightly-2"}}, keys=("name",)),
        Change(
            "interval + offset", {"export": {"interval": "day", "offset_hour": 3}}, keys=("interval", "offset_hour")
        ),
        Change("offset_hour", {"export": {"offset_hour": 5}}, keys=("offset_hour",)),
        Change("weekly", {"export": {"interval": "week", "offset_day": 2}}, keys=("interval", "offset_day")),
        Change("timezone", {"export": {"timezone": "Europe/Berlin"}}, keys=("timezone",)),
        Change(
            "schedule bounds",
            {"export": {"start_at": "2026-01-01T00:00:00Z", "end_at": "2027-01-01T00:00:00+00:00"}},
            keys=("start_at", "end_at"),
        ),
        Change("filters", {"export": {"filters": FILTERS}}, keys=("filters",)),
        Change("hogql_query", {"export": {"hogql_query": QUERY}}, keys=("hogql_query",)),
        Change("every 5 minutes", {"export": {"interval": "every 5 minutes", "offset_day": None, "offset_hour": None}}),
        Change("pause", {"export": {"paused": True}}, keys=("paused",), calls={"POST": 1}),
        Change(
            "resume + rename",
            {"export": {"paused": False, "name": "nightly-3"}},
            keys=("paused", "name"),
            calls={"PATCH": 1, "POST": 1},
        ),
        Change("back to hourly", {"export": {"interval": "hour", "offset_hour": None, "offset_day": None}}),
    ]
    changes += [Change(f"config {sorted(c)}", {"config": c}, keys=("destination",)) for c in destination.changes]
    return changes


def export_replaces(destination: Destination, project: int) -> list[Change]:
    """Immutable properties: destination type, model, project_id."""
    other = (
        {"type": "AwsS3", "config": {"bucket_name": "b", "region": "r", "prefix": "p"}, "integration_id": 1}
        if destination.type == "HTTP"
        else {"type": "HTTP", "config": {"url": "https://eu.i.posthog.com/batch/", "token": "t0k3n-x"}}
    )
    replaces = [
        Change("destination type", {"export": {"destination": other}}, keys=("destination",)),
        Change("project_id", {"export": {"project_id": project + 1000}}, keys=("project_id",)),
    ]
    if destination.type != "HTTP":  # HTTP exports only support the events model
        replaces.append(
            Change("model", {"export": {"model": "persons", "filters": None, "hogql_query": None}}, keys=("model",))
        )
    return replaces


def program(project: int, destination: Destination, kind: Kind | None):
    """The program: the Integration (if the type needs one), then the export using its id."""

    def build(parts: Parts):
        def run(register: Register) -> None:
            dest = {"type": destination.type, "config": items(parts, "config")}
            if kind is not None:
                step = register(
                    integration(
                        "credentials",
                        project_id=project,
                        kind=kind.kind,
                        config=dict(kind.config),
                        secret_keys=kind.secret,
                    )
                )
                dest["integration_id"] = id_of(step)  # the Integration's `id` output, a string like every Pulumi id
            inputs: dict[str, Any] = {"project_id": project, "destination": dest, **items(parts, "export")}
            if "destination" in parts.get("export", {}):
                inputs["destination"] = parts["export"]["destination"]
            register(batch_export("export", secret_keys=destination.secret, **inputs))

        return run

    return build


def export_path(project: int, export_id: str) -> str:
    return f"/api/projects/{project}/batch_exports/{export_id}/"


def scenario(stack: Stack, project: int, destination: Destination, kind: Kind | None, **export: Any) -> Scenario:
    server = stack.server

    def current(s: Stack) -> dict[str, Any]:
        response = server.api("GET", export_path(project, s.id("export")))
        return response.json() if response.status_code == 200 else {}

    def edit(s: Stack) -> None:
        live = current(s)
        body: dict[str, Any] = {"name": "edited out of band", "interval": "week", "offset_day": 4}
        body["destination"] = {"type": destination.type, "config": destination.edit}
        if live["destination"].get("integration") is not None:
            body["destination"]["integration_id"] = live["destination"]["integration"]
        response = server.api("PATCH", export_path(project, s.id("export")), json=body)
        assert response.status_code == 200, response.text

    def edited(s: Stack) -> bool:
        live = current(s)
        config = live["destination"]["config"]
        return live["name"] == "edited out of band" or any(config.get(k) == v for k, v in destination.edit.items())

    def remove(s: Stack) -> None:
        assert server.api("DELETE", export_path(project, s.id("export"))).status_code == 204

    def exists(s: Stack, export_id: str) -> bool:
        return server.api("GET", export_path(project, export_id)).status_code != 404

    parts: Parts = {"export": {**EXPORT, **export}, "config": dict(destination.config)}
    return Scenario(
        stack=stack,
        build=program(project, destination, kind),
        target="export",
        parts=parts,
        # A create lists the project's exports once first: an export an interrupted `up` left is adopted, not doubled.
        calls=Calls("/batch_exports/", create=CREATE_CALLS),
        changes=export_changes(destination),
        replaces=export_replaces(destination, project),
        edit=edit,
        edited=edited,
        remove=remove,
        exists=exists,
    )


@pytest.mark.parametrize("type_", list(destinations()))
def test_batch_export_lifecycle(stack: Stack, project: int, type_: str) -> None:
    destination = destinations()[type_]
    kind = kinds()[destination.kind] if destination.kind else None
    stack.server.set_flags(project, **HIGH_FREQUENCY)
    grandfather(stack.server, project)  # the hogql_query change: newest PostHog allows it on such teams only
    report = scenario(stack, project, destination, kind).run()
    assert report["preview"] == {} and report["revert"] == {"PATCH": 1}
    # The integration lives through the export's whole lifecycle: destroy deletes it after the export.
    assert stack.calls_to("/integrations/") == ({"DELETE": 1} if kind else {})
    assert [m for m, p, _ in stack.requests if m == "DELETE"] == ["DELETE"] * (2 if kind else 1)


@pytest.mark.parametrize("type_", list(destinations_2025()))
def test_batch_export_lifecycle_2025(stack_2025: Stack, project_2025: int, type_: str) -> None:
    destination = destinations_2025()[type_]
    stack_2025.server.set_flags(project_2025, **HIGH_FREQUENCY)
    legacy = {"allow_legacy_s3": True} if type_ == "S3" else {}  # 2025-era PostHog still has the S3 type
    report = scenario(stack_2025, project_2025, destination, None, **legacy).run()
    assert report["preview"] == {} and report["revert"] == {"PATCH": 1}


def test_2025_string_scalars_are_no_diff(stack_2025: Stack, project_2025: int, posthog_local_2025: LocalServer) -> None:
    """The 2025 profile reads stored scalars back as strings ("True", "5432"): no diff, no refresh drift."""
    destination = destinations_2025()["Postgres"]
    build = program(project_2025, destination, None)
    parts: Parts = {"export": dict(EXPORT), "config": dict(destination.config)}
    stack_2025.up(build(parts)).expect_ok()
    live = posthog_local_2025.api("GET", export_path(project_2025, stack_2025.id("export"))).json()
    assert live["destination"]["config"]["port"] == "5432"
    assert live["destination"]["config"]["has_self_signed_cert"] == "True"
    refreshed = stack_2025.refresh().expect_ok()
    assert refreshed.ops() == {"export": "same"}
    assert stack_2025.outputs("export")["destination"]["config"]["port"] == 5432
    assert stack_2025.preview(build(parts)).ops() == {"export": "same"}


def test_2025_hogql_query_is_not_echoed_and_no_diff(
    stack_2025: Stack, project_2025: int, posthog_local_2025: LocalServer
) -> None:
    """2025 PostHog omits hogql_query on GET: the configured query stays in state, no diff, no drift."""
    destination = destinations_2025()["HTTP"]
    build = program(project_2025, destination, None)
    query = "SELECT event, timestamp FROM events"
    parts: Parts = {"export": {**EXPORT, "hogql_query": query}, "config": dict(destination.config)}
    stack_2025.up(build(parts)).expect_ok()
    live = posthog_local_2025.api("GET", export_path(project_2025, stack_2025.id("export"))).json()
    assert "hogql_query" not in live
    assert stack_2025.refresh().expect_ok().ops() == {"export": "same"}
    assert stack_2025.outputs("export")["hogql_query"] == query
    assert stack_2025.preview(build(parts)).ops() == {"export": "same"}
    parts["export"]["hogql_query"] = "SELECT event FROM events"
    plan = stack_2025.preview(build(parts))
    assert plan.step("export").op == "update" and "hogql_query" in plan.step("export").diffs
    stack_2025.up(build(parts)).expect_ok()
    assert stack_2025.calls == {"PATCH": 1}
    assert stack_2025.preview(build(parts)).ops() == {"export": "same"}


def listed(server: LocalServer, project: int) -> list[str]:
    return [e["id"] for e in server.api("GET", f"/api/projects/{project}/batch_exports/").json()["results"]]


@pytest.mark.parametrize(
    ("label", "change"),
    [
        ("model", {"export": {"model": "persons"}}),
        ("destination type", {"config": {"region": "auto"}, "type": "S3Compatible"}),
    ],
)
def test_replace_creates_the_new_export_before_deleting_the_old(
    stack: Stack, project: int, posthog_local: LocalServer, label: str, change: dict[str, Any]
) -> None:
    all_kinds = kinds()
    s3 = destinations()["AwsS3"]
    target = destinations()[change.get("type", "AwsS3")]
    kind = all_kinds[target.kind or ""]
    parts: Parts = {"export": dict(EXPORT), "config": dict(s3.config)}
    stack.up(program(project, s3, all_kinds["aws-s3"])(parts)).expect_ok()
    old = stack.id("export")

    parts["export"].update(change.get("export", {}))
    parts["config"].update(change.get("config", {}))
    build = program(project, target, kind)
    plan = stack.preview(build(parts))
    assert plan.step("export").op == "replace", (label, plan.ops())
    result = stack.up(build(parts)).expect_ok()
    assert [s.op for s in result.steps if s.name == "export"] == ["replace", "delete-replaced"]
    new = stack.id("export")
    assert new != old and listed(posthog_local, project) == [new]
    exports = [(m, p) for m, p, _ in stack.requests if "/batch_exports/" in p]
    assert exports == [
        ("GET", f"/api/projects/{project}/batch_exports/"),  # the look for an interrupted create's export
        ("POST", f"/api/projects/{project}/batch_exports/"),
        ("DELETE", f"/api/projects/{project}/batch_exports/{old}/"),
    ]
    assert stack.preview(build(parts)).ops() == {"credentials": "same", "export": "same"}
    stack.destroy().expect_ok()
    assert listed(posthog_local, project) == []


def test_hogql_model_query_updates_in_place(stack: Stack, project: int, posthog_local: LocalServer) -> None:
    """``model="hogql"`` (feature-flagged): the query is required and changes in place; latest PostHog echoes it."""
    posthog_local.set_flags(project, **{"hogql-batch-exports": True})
    destination = destinations()["HTTP"]
    build = program(project, destination, None)
    parts: Parts = {"export": {**EXPORT, "model": "hogql", "hogql_query": QUERY}, "config": dict(destination.config)}
    # HTTP supports only the events model: the check says so before anything is written.
    failed = stack.preview(build(parts))
    assert [e.property for e in failed.errors] == ["model"]
    s3 = destinations()["AwsS3"]
    build = program(project, s3, kinds()["aws-s3"])
    parts["config"] = dict(s3.config)
    stack.up(build(parts)).expect_ok()
    assert stack.outputs("export")["hogql_query"] == QUERY
    assert stack.refresh().expect_ok().ops() == {"credentials": "same", "export": "same"}
    parts["export"]["hogql_query"] = "SELECT event FROM events"
    plan = stack.preview(build(parts))
    assert plan.step("export").op == "update" and "hogql_query" in plan.step("export").diffs
    stack.up(build(parts)).expect_ok()
    assert stack.calls_to("/batch_exports/") == {"PATCH": 1}
    live = posthog_local.api("GET", export_path(project, stack.id("export"))).json()
    assert live["hogql_query"] == "SELECT event FROM events"
    assert stack.preview(build(parts)).ops() == {"credentials": "same", "export": "same"}
    stack.destroy().expect_ok()
