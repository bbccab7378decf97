"""Calls per operation: HTTP requests PostHog answers for each engine operation, per resource, counted by the server.

Run: ``.venv/bin/python bench/calls_per_op.py``. Every resource (every destination type of BatchExport, every
integration kind, Organization created and adopted, Project, BatchExportBackfill, EnvironmentsRollback) goes through
preview → up (create) → up without change → refresh (read) → preview and up of a change (update) → destroy, in the
engine harness (``MiniEngine``, the SDK's own servicer) against posthog-local, which counts every request it
answers (``/_local/requests``). Only requests on the resource's own API path are counted (a program that also holds
the export's Integration reads both on refresh).

Goals: check/diff/preview 0 · create 1 · read 1 · update 1 (+1 only for a pause change) · delete 1. Organizations,
projects, exports and backfills are allowed one more request on create: before its POST a create lists what exists
(the key's organizations, an organization's projects, a project's exports, an export's backfills; once per
``pulumi up``), so that an identical object an interrupted run left moments ago is adopted instead of doubled.
N exports in one project: N POSTs + 1 GET, not 2N. Every resource of the catalog must be measured (``MEASURED``).
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from _common import capture_provider_logs, header, keep_errors, keep_stack, local_server, summary, table
from pulumi_posthog import catalog
from pulumi_posthog.testing.engine import Result, Unknown
from pulumi_posthog.testing.local_server import LocalServer
from pulumi_posthog.testing.samples import destinations, kinds
from pulumi_posthog.testing.stack import (
    Register,
    Stack,
    backfill,
    batch_export,
    goal,
    integration,
    organization,
    rollback,
)

BENCH = "calls_per_op"
OPS = ("preview", "create", "same", "read", "update", "pause", "update+pause", "delete")
GOALS = {"preview": 0, "create": 1, "same": 0, "read": 1, "update": 1, "pause": 1, "update+pause": 2, "delete": 1}
LOOK_FIRST = "create = 1 GET (a look for an interrupted run's object, one listing per scope and `up`) + 1 POST"


@dataclass
class Row:
    resource: str
    variant: str
    calls: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    allowed: dict[str, int] = field(default_factory=dict)
    """Per-op exceptions to GOALS, explained in ``notes`` (e.g. an update that is a replace: create + delete)."""

    def total(self, op: str) -> int | None:
        return sum(self.calls[op].values()) if op in self.calls else None

    def cell(self, op: str) -> str:
        if op not in self.calls:
            return "-"
        methods = "+".join(f"{m}" if n == 1 else f"{n}x{m}" for m, n in sorted(self.calls[op].items()))
        return f"{self.total(op)}" + (f" {methods}" if methods else "")

    def misses(self) -> list[str]:
        found = []
        for op in self.calls:
            goal = self.allowed.get(op, GOALS[op])
            total = self.total(op) or 0
            # read/delete may need fewer (a rollback has nothing to read or delete in PostHog)
            if total > goal or (op in ("create", "update", "pause", "update+pause") and total < goal):
                found.append(f"{self.resource} {self.variant} {op}: {total} (goal {goal})")
        return found


class Measure:
    """Runs engine operations on a stack and records the target's calls (paths containing ``fragment``)."""

    def __init__(self, stack: Stack, row: Row, fragment: str) -> None:
        self.stack, self.row, self.fragment = stack, row, fragment
        self.results: list[Result] = []

    def __call__(self, op: str, run: Callable[[], Result], expect: str | None = None) -> Result:
        result = run()
        self.results.append(result)
        result.expect_ok()
        if expect is not None:
            ops = set(result.ops().values())
            assert expect in ops, f"{self.row.resource} {op}: {result.ops()}"
        calls = self.stack.calls_to(self.fragment)
        if op in self.row.calls and sum(calls.values()) <= sum(self.row.calls[op].values()):
            return result  # e.g. two previews: keep the larger count
        self.row.calls[op] = calls
        return result

    def lifecycle(self, build: Callable[[dict[str, Any]], Any], parts: dict[str, Any], change: dict[str, Any]) -> None:
        """preview, create, same, read, preview+up of ``change``, destroy."""
        stack = self.stack
        self("preview", lambda: stack.preview(build(parts)))
        self("create", lambda: stack.up(build(parts)))
        self("same", lambda: stack.up(build(parts)), expect="same")
        self("read", stack.refresh)
        changed = merge(parts, change)
        self("preview", lambda: stack.preview(build(changed)))
        self("update", lambda: stack.up(build(changed)))
        keep_stack(BENCH, stack, f"{self.row.resource}-{self.row.variant}")
        parts.clear()
        parts.update(changed)


def merge(parts: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(parts)
    for part, values in change.items():
        merged.setdefault(part, {}).update(copy.deepcopy(values))
    return merged


# ----- the resources ------------------------------------------------------------------------------------------


def organization_rows(server: LocalServer) -> list[Row]:
    rows = []
    created = Row("Organization", "created", allowed={"create": 2}, notes=[LOOK_FIRST])
    stack = Stack(server)
    m = Measure(stack, created, "/api/organizations/")
    parts = {"org": {"name": "Bench org", "deletion_protection": False}}
    m.lifecycle(lambda p: [organization("org", **p["org"])], parts, {"org": {"name": "Bench org 2"}})
    m("delete", stack.destroy)
    keep_errors(BENCH, "organization", m.results)
    rows.append(created)

    adopted = Row("Organization", "adopted (adopt_id)")
    adopted.notes.append("adopt = 1 GET of the organization (+1 PATCH only when its settings differ)")
    stack = Stack(server)
    m = Measure(stack, adopted, "/api/organizations/")
    existing = server.api("POST", "/api/organizations/", json={"name": "Adoptable org"}).json()
    parts = {"org": {"name": existing["name"], "adopt_id": existing["id"]}}
    m.lifecycle(lambda p: [organization("org", **p["org"])], parts, {"org": {"members_can_invite": False}})
    refused = stack.destroy()  # deletion_protection (the default) refuses before any request
    assert not refused.ok and stack.calls == {}, stack.requests
    adopted.notes.append("destroy while deletion_protection is on (the default) is refused offline: 0 requests")
    stack.up([organization("org", **parts["org"], deletion_protection=False)]).expect_ok()
    m("delete", stack.destroy)
    keep_errors(BENCH, "organization-adopted", [*m.results, refused])
    rows.append(adopted)
    return rows


def project_rows(server: LocalServer) -> list[Row]:
    row = Row("Project", "created", allowed={"create": 2}, notes=[LOOK_FIRST])
    user = server.new_user("owner")
    key = server.new_key(user_id=user)
    org = server.api("POST", "/api/organizations/", key=key, json={"name": "Project bench"}).json()["id"]
    stack = Stack(server, key)
    m = Measure(stack, row, "/projects/")
    parts = {"project": {"organization_id": org, "name": "Bench project", "deletion_protection": False}}
    m.lifecycle(lambda p: [goal("Project", "project", p["project"])], parts, {"project": {"name": "Renamed"}})
    m("delete", stack.destroy)
    keep_errors(BENCH, "project", m.results)
    return [row]


def batch_export_rows(server: LocalServer) -> list[Row]:
    rows = []
    all_kinds = kinds()
    for type_, destination in destinations().items():
        row = Row("BatchExport", type_, allowed={"create": 2}, notes=[LOOK_FIRST])
        stack = Stack(server)
        project = server.new_project()
        kind = all_kinds[destination.kind] if destination.kind else None

        def build(parts: dict[str, Any], kind: Any = kind, destination: Any = destination, project: int = project):
            def program(register: Register) -> None:
                dest: dict[str, Any] = {"type": destination.type, "config": dict(parts["config"])}
                if kind is not None:
                    lake = register(
                        integration(
                            "credentials",
                            project_id=project,
                            kind=kind.kind,
                            config=dict(kind.config),
                            secret_keys=kind.secret,
                        )
                    )
                    dest["integration_id"] = lake.id or Unknown()  # unknown in a preview of a create
                export = parts["export"]
                register(
                    batch_export(
                        "export", project_id=project, destination=dest, secret_keys=destination.secret, **export
                    )
                )

            return program

        m = Measure(stack, row, "/batch_exports/")
        parts = {"export": {"name": "nightly", "interval": "hour"}, "config": dict(destination.config)}
        m.lifecycle(build, parts, {"export": {"name": "nightly-2"}, "config": destination.changes[0]})
        paused = merge(parts, {"export": {"paused": True}})
        m("pause", lambda s=stack, b=build, p=paused: s.up(b(p)), expect="update")
        both = merge(parts, {"export": {"paused": False, "name": "nightly-3"}})
        m("update+pause", lambda s=stack, b=build, p=both: s.up(b(p)), expect="update")
        keep_stack(BENCH, stack, f"export-{type_}")
        m("delete", stack.destroy)
        keep_errors(BENCH, f"export-{type_}", m.results)
        rows.append(row)
    return rows


def integration_rows(server: LocalServer) -> list[Row]:
    rows = []
    for kind in kinds().values():
        row = Row("Integration", kind.kind)
        stack = Stack(server)
        project = server.new_project()

        def build(parts: dict[str, Any], kind: Any = kind, project: int = project) -> list[Any]:
            config = {k: v for k, v in parts["config"].items() if v is not None}
            return [integration("i", project_id=project, kind=kind.kind, config=config, secret_keys=kind.secret)]

        m = Measure(stack, row, "/integrations/")
        if kind.named:
            row.allowed["update"] = 2
            row.notes.append("named kind: a config change is a replace = create (POST) + delete of the old (DELETE)")
        m.lifecycle(build, {"config": dict(kind.config)}, {"config": kind.rotate})
        m("delete", stack.destroy)
        keep_errors(BENCH, f"integration-{kind.kind}", m.results)
        rows.append(row)
    return rows


def hours_ago(hours: int) -> str:
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return (now - timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


def backfill_rows(server: LocalServer) -> list[Row]:
    rows = []
    for final in ("Completed", "Running"):
        row = Row("BatchExportBackfill", f"delete while {final}", allowed={"create": 2}, notes=[LOOK_FIRST])
        stack = Stack(server)
        project = server.new_project()
        export = server.api(
            "POST",
            f"/api/projects/{project}/batch_exports/",
            json={"name": "hourly", "interval": "hour", "destination": {"type": "HTTP", "config": {
                "url": "https://us.i.posthog.com/batch/", "token": "bench-backfill-token-0000"}}},
        ).json()  # fmt: skip

        def build(parts: dict[str, Any], project: int = project, export_id: str = export["id"]) -> list[Any]:
            return [backfill("fill", project_id=project, batch_export_id=export_id, **parts["fill"])]

        m = Measure(stack, row, "/backfills/")
        parts = {"fill": {"start_at": hours_ago(48), "end_at": hours_ago(24)}}
        moved = merge(parts, {"fill": {"end_at": hours_ago(12)}})
        m("preview", lambda s=stack, b=build, p=parts: s.preview(b(p)))
        m("create", lambda s=stack, b=build, p=parts: s.up(b(p)))
        m("same", lambda s=stack, b=build, p=parts: s.up(b(p)), expect="same")
        m("read", stack.refresh)
        m("preview", lambda s=stack, b=build, p=moved: s.preview(b(p)))
        server.control("PATCH", f"backfills/{stack.id('fill')}", json={"status": final})
        keep_stack(BENCH, stack, f"backfill-{final}")
        m("delete", stack.destroy)
        keep_errors(BENCH, f"backfill-{final}", m.results)
        row.notes.append("no update: every change is a replace (a new backfill; PostHog cannot change one)")
        row.notes.append("delete = one cancel POST (PostHog answers 'Cannot cancel' once a backfill has stopped)")
        rows.append(row)
    return rows


def rollback_rows(server: LocalServer) -> list[Row]:
    row = Row("EnvironmentsRollback", "once per organization")
    user = server.new_user("owner")
    key = server.new_key(scopes=[], user_id=user)  # PostHog allows the rollback to unscoped keys only
    org = server.api("POST", "/api/organizations/", key=key, json={"name": "Rollback bench"}).json()
    other = server.control("POST", "environments", json={"project_id": org["projects"][0]["id"]})["id"]
    stack = Stack(server, key)
    m = Measure(stack, row, "/environments_rollback/")
    mapping = {str(other): org["teams"][0]["id"]}
    goals = [rollback("rollback", organization_id=org["id"], environment_mappings=mapping)]
    m("preview", lambda: stack.preview(goals))
    m("create", lambda: stack.up(goals))
    m("same", lambda: stack.up(goals), expect="same")
    m("read", stack.refresh)
    keep_stack(BENCH, stack, "rollback")
    m("delete", stack.destroy)
    keep_errors(BENCH, "rollback", m.results)
    row.notes.append("read and delete make no request: PostHog has nothing to read back or undo")
    return [row]


def _unmeasured(server: LocalServer) -> list[Row]:
    return []


MEASURED: dict[str, Callable[[LocalServer], list[Row]]] = {
    "Organization": organization_rows,
    "Project": project_rows,
    "BatchExport": batch_export_rows,
    "Integration": integration_rows,
    "BatchExportBackfill": backfill_rows,
    "EnvironmentsRollback": rollback_rows,
}
"""How each catalog resource is measured; a resource of the catalog missing here fails the benchmark."""


def main() -> int:
    capture_provider_logs(BENCH)
    header("Calls per operation (HTTP requests answered by posthog-local, per engine operation)")
    with local_server(BENCH) as server:
        rows = [row for entry in catalog.RESOURCES for row in MEASURED.get(entry.name, _unmeasured)(server)]
        unmeasured = [e.name for e in catalog.RESOURCES if e.name not in MEASURED]
    table(
        [[f"{r.resource} {r.variant}", *(r.cell(op) for op in OPS)] for r in rows],
        ["resource", "preview", "create", "up (same)", "read", "update", "pause", "rename+resume", "delete"],
    )
    print(
        "\ngoals: preview 0 · create 1 (+1 listing: organizations, exports, backfills) · up without change 0 · "
        "read 1 · update 1 (+1 only for a pause) · delete 1"
    )
    notes = sorted({f"{r.resource}: {n}" for r in rows for n in r.notes})
    print("notes:\n" + "\n".join(f"  - {n}" for n in notes))
    misses = [m for r in rows for m in r.misses()] + [
        f"{name}: not measured (add it to MEASURED)" for name in unmeasured
    ]
    if misses:
        print("missed:\n" + "\n".join(f"  - {m}" for m in misses))

    def worst(op: str) -> int:
        return max((r.total(op) or 0) for r in rows if op in r.calls and op not in r.allowed)

    def worst_allowed(op: str) -> int:
        return max((r.total(op) or 0) for r in rows if op in r.calls and op in r.allowed)

    return summary(
        f"calls per operation over {len(rows)} resource variants — preview {worst('preview')}, create "
        f"{worst('create')}, read {worst('read')}, update {worst('update')} (pause alone {worst('pause')}), "
        f"delete {worst('delete')}; exceptions: a named-integration change is a replace (POST+DELETE), an "
        f"organization, project, export or backfill create lists first (GET+POST: {worst_allowed('create')}); "
        f"goals 0/1/1/1(+1 pause)/1 met: {'yes' if not misses else 'NO'}",
        not misses,
    )


if __name__ == "__main__":
    sys.exit(main())
