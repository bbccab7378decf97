"""The fault soak: its fault rules, the program it cycles (create / change / destroy) and the tallies of its runs.

``tests/resources/test_faults.py`` runs 10 cycles of it in ``make test``, ``bench/fault_soak.py`` the full size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pulumi_posthog.testing.faults import fault, faults_pending
from pulumi_posthog.testing.listings import backfills_on, exports_on, integrations_on
from pulumi_posthog.testing.stack import Register, Stack, backfill, batch_export, integration

ROLE_ARN = "arn:aws:iam::123456789012:role/posthog-batch-exports"
HTTP = {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": "phc_fault_token_1234"}}
HTTP_SECRETS = ("token",)

SOAK_RULES = [  # applied in order; each draws on its own: 1 - 0.94 * 0.95 * 0.95 * 0.95 ≈ 19.4% of requests
    {"status": 500, "when": "before", "share": 0.06},
    {"status": 502, "when": "after", "share": 0.05},
    {"drop": True, "when": "after", "share": 0.05},
    {"latency_ms": 40, "share": 0.05},
]


@dataclass
class Soak:
    """Tallies of a soak: runs that had to be repeated, and what the server showed after each converged run."""

    stack: Stack
    project: int
    failed_runs: int = 0
    duplicates: int = 0
    lost: int = 0
    mismatches: int = 0
    converged: int = 0
    injected: int = 0
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def faults_on(self) -> None:
        for rule in SOAK_RULES:
            fault(self.stack.server, path=r"^/api/", **rule)

    def faults_off(self) -> None:
        self.injected += sum(f["hits"] for f in faults_pending(self.stack.server))
        self.stack.server.clear_faults()

    def converge(self, run: Callable[[], Any], attempts: int = 8) -> None:
        """Run until it succeeds, as a user re-runs a failed ``pulumi up``/``destroy``."""
        for _ in range(attempts):
            result = run()
            self.requests += len(self.stack.requests)
            if result.ok:
                return
            self.failed_runs += 1
            self.errors.update(error.summary[:400] for error in result.errors)
        raise AssertionError(f"did not converge in {attempts} runs: {self.errors}")

    def audit(self, expected_exports: dict[str, dict[str, Any]]) -> None:
        """Compare the server with the state: one object per resource, none missing, values as in the state."""
        self.faults_off()
        server, project = self.stack.server, self.project
        state = {r.name: r for r in self.stack.engine.resources}
        exports = exports_on(server, project)
        names = Counter(e["name"] for e in exports)
        self.duplicates += sum(n - 1 for n in names.values() if n > 1)
        by_id = {e["id"]: e for e in exports}
        for resource, expected in expected_exports.items():
            if resource not in state or state[resource].id not in by_id:
                self.lost += 1
                continue
            live = by_id[state[resource].id]
            outputs = state[resource].plain_outputs
            for key, value in expected.items():
                if live.get(key) != value or outputs.get(key) != value:
                    self.mismatches += 1
        unknown = set(by_id) - {r.id for r in state.values()}
        self.duplicates += len(unknown - {e["id"] for e in exports if names[e["name"]] > 1})
        lakes = integrations_on(server, project, "aws-s3")
        self.duplicates += max(0, len(lakes) - ("lake" in state))
        if "lake" in state and state["lake"].id not in {str(i["id"]) for i in lakes}:
            self.lost += 1
        if "fill" in state:
            fills = backfills_on(server, project, state["mirror"].id)
            self.duplicates += max(0, len(fills) - 1)
            self.lost += state["fill"].id not in {f["id"] for f in fills}
        self.faults_on()


def soak_program(project: int, cycle: int, changed: bool) -> Callable[[Register], None]:
    """An S3 export (through an aws-s3 Integration) and an HTTP export with a backfill; ``changed`` updates the
    S3 export's schedule and prefix and pauses the HTTP one, and on odd cycles replaces the S3 export (model)."""

    def program(register: Register) -> None:
        lake = register(
            integration(
                "lake", project_id=project, kind="aws-s3", config={"name": f"lake-{cycle}", "aws_role_arn": ROLE_ARN}
            )
        )
        s3 = {"bucket_name": "soak", "region": "eu-west-1", "prefix": "v2/" if changed else "v1/"}
        register(
            batch_export(
                "s3",
                project_id=project,
                name=f"s3-{cycle}",
                interval="day" if changed else "hour",
                model="persons" if changed and cycle % 2 else "events",
                destination={"type": "AwsS3", "config": s3, "integration_id": int(lake.id)},
            )
        )
        mirror = register(
            batch_export(
                "mirror",
                project_id=project,
                name=f"mirror-{cycle}",
                interval="hour",
                paused=changed,
                destination=HTTP,
                secret_keys=HTTP_SECRETS,
            )
        )
        register(
            backfill(
                "fill",
                project_id=project,
                batch_export_id=mirror.id,
                start_at="2026-01-01T00:00:00Z",
                end_at="2026-01-01T02:00:00Z",
            )
        )

    return program
