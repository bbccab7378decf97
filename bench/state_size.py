"""State size: bytes of ``__provider`` and of each resource's entry in the checkpoint JSON.

Run: ``.venv/bin/python bench/state_size.py``. One stack (engine harness) holds every resource kind — an
Organization created, Organizations adopted with 1, 3 and 10 projects (their ``projects``/``teams`` outputs grow
with them), a BatchExport per destination type with the Integration it uses, a backfill and an environments
rollback — against posthog-local. The checkpoint is rendered as ``pulumi stack export`` does (secrets as
ciphertext) and each resource entry (urn, type, id, inputs, outputs, provider reference) is measured as compact
JSON; the indented size (4 spaces, as ``pulumi stack export`` prints it) is shown too.

Goals: ``__provider`` ≤ 200 B; a resource's entry ≤ 3 KB (compact JSON).
"""

from __future__ import annotations

import base64
import json
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

from _common import capture_provider_logs, header, keep_stack, local_server, summary, table
from pulumi_posthog import catalog
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

BENCH = "state_size"
PROVIDER_GOAL = 200
ENTRY_GOAL = 3 * 1024


def adoptable_org(server: LocalServer, projects: int, key: str | None = None) -> dict[str, Any]:
    created = server.api("POST", "/api/organizations/", key=key, json={"name": f"Org with {projects} projects"})
    assert created.status_code == 201, created.text
    org = created.json()
    for i in range(projects - 1):
        server.control("POST", "projects", json={"organization_id": org["id"], "name": f"Project {i + 2}"})
    return org


def days_ago(days: int) -> str:
    """A date: backfills of daily exports take dates only."""
    return (datetime.now(timezone.utc) - timedelta(days=days)).date().isoformat()


def program(server: LocalServer, project: int, orgs: dict[int, dict[str, Any]]) -> Any:
    all_kinds = kinds()

    def run(register: Register) -> None:
        register(organization("org-created", name="Created org", deletion_protection=False))
        for count, org in orgs.items():
            register(organization(f"org-{count}-projects", name=org["name"], adopt_id=org["id"]))
        home = orgs[min(orgs)]["id"]
        register(goal("Project", "project", {"organization_id": home, "name": "Web app", "timezone": "UTC"}))
        first_export = None
        for type_, destination in destinations().items():
            dest: dict[str, Any] = {"type": type_, "config": dict(destination.config)}
            if destination.kind:
                kind = all_kinds[destination.kind]
                step = register(
                    integration(
                        f"integration-{kind.kind}",
                        project_id=project,
                        kind=kind.kind,
                        config=dict(kind.config),
                        secret_keys=kind.secret,
                    )
                )
                dest["integration_id"] = step.id
            step = register(
                batch_export(
                    f"export-{type_}",
                    project_id=project,
                    name=f"{type_} nightly",
                    interval="day",
                    destination=dest,
                    secret_keys=destination.secret,
                )
            )
            first_export = first_export or step.id
        register(
            backfill(
                "backfill", project_id=project, batch_export_id=first_export, start_at=days_ago(3), end_at=days_ago(1)
            )
        )

    return run


def measure(checkpoint: str) -> list[dict[str, Any]]:
    rows = []
    for entry in json.loads(checkpoint)["deployment"]["resources"]:
        if not entry["type"].startswith("pulumi-python:dynamic"):
            continue
        blob = entry["inputs"].get("__provider")
        rows.append(
            {
                "name": entry["urn"].rsplit("::", 1)[-1],
                "type": entry["type"].rsplit(":", 1)[-1],
                "provider": len(blob) if isinstance(blob, str) else -1,
                "blob": blob,
                "compact": len(json.dumps(entry, separators=(",", ":"))),
                "indented": len(json.dumps(entry, indent=4)),
                "outputs": {k: len(json.dumps(v, separators=(",", ":"))) for k, v in entry["outputs"].items()},
            }
        )
    return rows


def main() -> int:
    capture_provider_logs(BENCH)
    header("State size (bytes in the checkpoint JSON, compact; indented = as `pulumi stack export` prints it)")
    with local_server(BENCH) as server:
        project = server.new_project()
        orgs = {count: adoptable_org(server, count) for count in (1, 3, 10)}
        stack = Stack(server)
        stack.up(program(server, project, orgs)).expect_ok()
        # the rollback needs an unscoped key of its organization's owner: its own stack
        user = server.new_user("owner")
        key = server.new_key(scopes=[], user_id=user)
        org = adoptable_org(server, 1, key)
        other = server.control("POST", "environments", json={"project_id": org["projects"][0]["id"]})["id"]
        legacy = Stack(server, key)
        mapping = {str(other): org["teams"][0]["id"]}
        legacy.up([rollback("rollback", organization_id=org["id"], environment_mappings=mapping)]).expect_ok()
        rows = measure(stack.checkpoint()) + measure(legacy.checkpoint())
        keep_stack(BENCH, stack, "all-resources")
        keep_stack(BENCH, legacy, "rollback")

    table(
        [
            [
                r["name"],
                r["type"],
                r["provider"],
                r["compact"],
                r["indented"],
                ", ".join(f"{k} {v}" for k, v in sorted(r["outputs"].items(), key=lambda kv: -kv[1])[:2]),
            ]
            for r in rows
        ],
        ["resource", "type", "__provider B", "entry B", "indented B", "largest outputs (B)"],
    )
    blobs = sorted({r["blob"] for r in rows if isinstance(r["blob"], str)}, key=len)
    print("\n__provider is a by-reference pickle of (resource, connection) — no client, host or key:")
    for blob in blobs[:1] + blobs[-1:]:
        decoded = base64.b64decode(blob)
        print(f"  {len(blob)} B base64 = {len(decoded)} B pickle: {decoded!r}")
    sizes = {r["name"]: r["compact"] for r in rows}
    slope = (sizes["org-10-projects"] - sizes["org-3-projects"]) / 7
    reach = 10 + (ENTRY_GOAL - sizes["org-10-projects"]) / slope
    print(f"\nan Organization grows {slope:.0f} B per project (its `projects` and `teams` entries): 3 KB is reached "
          f"at about {reach:.0f} projects")  # fmt: skip
    worst_provider = max(r["provider"] for r in rows)
    worst = max(rows, key=lambda r: r["compact"])
    over = [r for r in rows if r["compact"] > ENTRY_GOAL]
    if over:
        print("\nover 3 KB: " + ", ".join(f"{r['name']} ({r['compact']} B)" for r in over))
    missing = sorted(set(catalog.names()) - {r["type"] for r in rows})
    if missing:
        print("\nnot measured (add them to program()): " + ", ".join(missing))
    return summary(
        f"state size over {len(rows)} resources: __provider ≤ {worst_provider} B (goal ≤ {PROVIDER_GOAL} B); largest "
        f"entry {worst['name']} {worst['compact']} B (goal ≤ {ENTRY_GOAL} B); {len(over)} over 3 KB",
        worst_provider <= PROVIDER_GOAL and not over and not missing,
    )


if __name__ == "__main__":
    sys.exit(main())
