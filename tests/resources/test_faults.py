"""Fault injection during ``pulumi up``: PostHog failing, slow, or dropping the connection after it committed.

The tests run on a private posthog-local (``fault_server``: its own database, faults and request counters) and
count the objects on the server afterwards: an ``up`` must converge with **no duplicate and nothing lost**, and
the state must match what PostHog holds. Retries use the client's own rules with short waits (``fast_retries``).
The fault soak's rules, program and tallies are ``pulumi_posthog.testing.soak`` (``bench/fault_soak.py`` runs them too).
"""

from __future__ import annotations

import re
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi_posthog.resources.engine import PostHogProvider
from pulumi_posthog.testing.faults import fault, faults_pending
from pulumi_posthog.testing.listings import backfills_on, exports_on, integrations_on, orgs_named
from pulumi_posthog.testing.soak import HTTP, HTTP_SECRETS, ROLE_ARN, Soak, soak_program

from tests.conftest import LocalServer
from tests.resources.conftest import (
    Program,
    Register,
    Stack,
    backfill,
    batch_export,
    integration,
    organization,
    rollback,
)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def statuses(stack: Stack, method: str, pattern: str) -> list[int]:
    """Statuses of the last run's requests of ``method`` whose path matches ``pattern``."""
    return [status for m, path, status in stack.requests if m == method and re.search(pattern, path)]


def http_export(project: int, name: str, **inputs: Any) -> Any:
    return batch_export(
        "export", project_id=project, name=name, interval="hour", destination=HTTP, secret_keys=HTTP_SECRETS, **inputs
    )


# ----- one POST dropped after PostHog committed it, for every creatable resource --------------------------------


@dataclass
class Creatable:
    """A program creating one object, the POST path to break, and how to find the object(s) on the server."""

    label: str
    path: str
    build: Callable[[Stack, str], Program]
    found: Callable[[Stack, str], list[dict[str, Any]]]
    target: str


def _org_program(stack: Stack, name: str) -> Program:
    return [organization("org", name=name, deletion_protection=False)]


def _export_program(stack: Stack, name: str) -> Program:
    return [http_export(stack.server.project, name)]


def _named_integration(stack: Stack, name: str) -> Program:
    config = {"name": name, "aws_role_arn": ROLE_ARN}
    return [integration("lake", project_id=stack.server.project, kind="aws-s3", config=config)]


def _upsert_integration(stack: Stack, name: str) -> Program:
    config = {"host": f"{name}.db.example.com", "port": 5432, "user": "posthog", "password": "pg-fault-secret"}
    return [
        integration("db", project_id=stack.server.project, kind="postgresql", config=config, secret_keys=("password",))
    ]


def _backfill_program(stack: Stack, name: str) -> Program:
    def program(register: Register) -> None:
        export = register(http_export(stack.server.project, name))
        register(
            backfill(
                "fill",
                project_id=stack.server.project,
                batch_export_id=export.id,
                start_at="2026-01-01T00:00:00Z",
                end_at="2026-01-01T06:00:00Z",
            )
        )

    return program


def _export_id(stack: Stack) -> str:
    return stack.id("export")


CREATABLE = [
    Creatable("organization", r"^/api/organizations/$", _org_program, lambda s, n: orgs_named(s.server, n), "org"),
    Creatable(
        "batch-export",
        r"/batch_exports/$",
        _export_program,
        lambda s, n: [e for e in exports_on(s.server, s.server.project) if e["name"] == n],
        "export",
    ),
    Creatable(
        "integration-named",
        r"/integrations/$",
        _named_integration,
        lambda s, n: [
            i for i in integrations_on(s.server, s.server.project, "aws-s3") if i["config"]["name"].startswith(n + "-")
        ],
        "lake",
    ),
    Creatable(
        "integration-upsert",
        r"/integrations/$",
        _upsert_integration,
        lambda s, n: [
            i for i in integrations_on(s.server, s.server.project, "postgresql") if i["config"]["host"].startswith(n)
        ],
        "db",
    ),
    Creatable(
        "backfill",
        r"/backfills/$",
        _backfill_program,
        lambda s, n: backfills_on(s.server, s.server.project, _export_id(s)),
        "fill",
    ),
]


@pytest.mark.parametrize("case", CREATABLE, ids=lambda c: c.label)
def test_post_dropped_after_commit_converges_without_duplicate(case: Creatable, fault_stack: Stack) -> None:
    stack, name = fault_stack, unique(case.label)
    fault(stack.server, drop=True, when="after", method="POST", path=case.path, count=1)

    result = stack.up(case.build(stack, name))

    result.expect_ok()
    assert faults_pending(stack.server) == [], "the fault never fired"
    assert 499 in statuses(stack, "POST", case.path), stack.requests  # the dropped, committed POST
    found = case.found(stack, name)
    assert [str(o["id"]) for o in found] == [stack.id(case.target)], "duplicate or lost"
    again = stack.up(case.build(stack, name)).expect_ok()
    assert set(again.ops().values()) == {"same"} and stack.calls.get("POST", 0) == 0, (again.ops(), stack.requests)
    stack.destroy().expect_ok()
    if case.label != "backfill":  # a backfill's export is gone with the stack; there is nothing to list
        assert case.found(stack, name) == []


def test_rollback_dropped_after_commit_is_confirmed_not_repeated(
    fault_stack: Stack, make_stack: Callable[..., Stack]
) -> None:
    server = fault_stack.server
    created = server.api("POST", "/api/organizations/", json={"name": unique("rollback")})
    assert created.status_code == 201, created.text
    org = created.json()
    project = org["projects"][0]["id"]
    extra = server.control("POST", "environments", json={"project_id": project})["id"]
    legacy = make_stack(server, api_key=server.new_key(scopes=[]))  # PostHog allows it to unscoped keys only
    fault(server, drop=True, when="after", method="POST", path="environments_rollback", count=1)

    result = legacy.up([rollback("rb", organization_id=org["id"], environment_mappings={str(extra): project})])

    result.expect_ok()
    # The dropped request is logged when its connection is torn down, which can come after the retry's 400.
    assert sorted(statuses(legacy, "POST", "environments_rollback")) == [400, 499], legacy.requests
    assert legacy.outputs("rb")["message"]
    path = f"/api/organizations/{org['id']}/environments_rollback/"
    again = server.api("POST", path, key=legacy.api_key, json={str(extra): project})
    assert "already been requested" in again.text  # the first, dropped request was the one PostHog applied


# ----- 5xx on a POST: after the commit (adopt) and before it (POST again) -------------------------------------


def test_post_5xx_after_commit_is_adopted_not_duplicated(fault_stack: Stack) -> None:
    stack, name = fault_stack, unique("after")
    fault(stack.server, status=500, when="after", method="POST", path=r"/batch_exports/$", count=1)

    stack.up([http_export(stack.server.project, name)]).expect_ok()

    assert statuses(stack, "POST", r"/batch_exports/$") == [500]  # never replayed
    assert statuses(stack, "GET", r"/batch_exports/$") == [200, 200]  # before the POST, then one look after it
    found = [e for e in exports_on(stack.server, stack.server.project) if e["name"] == name]
    assert [e["id"] for e in found] == [stack.id("export")]
    assert stack.outputs("export")["created_at"] == found[0]["created_at"]


def test_post_5xx_before_commit_is_posted_again_exactly_once(fault_stack: Stack) -> None:
    stack, name = fault_stack, unique("before")
    fault(stack.server, status=503, when="before", method="POST", path=r"/batch_exports/$", count=1)

    stack.up([http_export(stack.server.project, name)]).expect_ok()

    assert statuses(stack, "POST", r"/batch_exports/$") == [503, 201]
    assert statuses(stack, "GET", r"/batch_exports/$") == [200, 200]  # nothing new after it → one more POST is safe
    found = [e for e in exports_on(stack.server, stack.server.project) if e["name"] == name]
    assert [e["id"] for e in found] == [stack.id("export")]


def test_the_last_ambiguous_attempt_is_reconciled_too(fault_stack: Stack) -> None:
    """Three failures before the commit, then one after it: the object exists, so the up must adopt it (an error
    would leave an object a re-run duplicates)."""
    stack, name = fault_stack, unique("last")
    fault(stack.server, status=500, when="before", method="POST", path=r"/batch_exports/$", count=3)
    fault(stack.server, status=500, when="after", method="POST", path=r"/batch_exports/$", count=1)

    stack.up([http_export(stack.server.project, name)]).expect_ok()

    assert statuses(stack, "POST", r"/batch_exports/$") == [500, 500, 500, 500]
    found = [e for e in exports_on(stack.server, stack.server.project) if e["name"] == name]
    assert [e["id"] for e in found] == [stack.id("export")]


def test_ambiguous_every_time_fails_cleanly_and_a_rerun_converges(fault_stack: Stack) -> None:
    stack, name = fault_stack, unique("never")
    fault(stack.server, status=502, when="before", method="POST", path=r"/batch_exports/$", count=4)

    failed = stack.up([http_export(stack.server.project, name)])

    assert not failed.ok and stack.engine.resources == []
    message = failed.errors[0].summary
    assert f"BatchExport '{name}'" in message and "502" in message, message
    assert [e for e in exports_on(stack.server, stack.server.project) if e["name"] == name] == []
    stack.up([http_export(stack.server.project, name)]).expect_ok()
    found = [e for e in exports_on(stack.server, stack.server.project) if e["name"] == name]
    assert [e["id"] for e in found] == [stack.id("export")]


def test_a_replacement_never_adopts_the_object_it_replaces(fault_stack: Stack) -> None:
    """Replacing (create-before-delete) under the same name: an ambiguous POST must not "find" the old export."""
    stack, project, name = fault_stack, fault_stack.server.project, unique("replace")

    def program(model: str) -> Program:
        def run(register: Register) -> None:
            lake = register(
                integration("lake", project_id=project, kind="aws-s3", config={"name": name, "aws_role_arn": ROLE_ARN})
            )
            destination = {
                "type": "AwsS3",
                "config": {"bucket_name": "b", "region": "us-east-1", "prefix": "p/"},
                "integration_id": int(lake.id),
            }
            register(
                batch_export(
                    "export", project_id=project, name=name, interval="day", model=model, destination=destination
                )
            )

        return run

    stack.up(program("events")).expect_ok()
    old = stack.id("export")
    fault(stack.server, status=500, when="before", method="POST", path=r"/batch_exports/$", count=1)

    result = stack.up(program("persons")).expect_ok()

    assert result.ops()["export"] == "replace"
    assert statuses(stack, "POST", r"/batch_exports/$") == [500, 201]
    found = [e for e in exports_on(stack.server, project) if e["name"] == name]
    assert [(e["id"], e["model"]) for e in found] == [(stack.id("export"), "persons")]
    assert stack.id("export") != old


# ----- idempotent calls are retried: GET, PATCH, DELETE, pause ------------------------------------------------


def test_5xx_and_drops_on_get_patch_pause_delete_are_retried(fault_stack: Stack) -> None:
    stack, project, name = fault_stack, fault_stack.server.project, unique("retry")
    stack.up([http_export(project, name)]).expect_ok()
    export_id = stack.id("export")

    fault(stack.server, status=500, when="before", method="GET", count=2)
    refreshed = stack.refresh().expect_ok()
    assert refreshed.ops() == {"export": "same"} and statuses(stack, "GET", export_id) == [500, 500, 200]

    fault(stack.server, status=502, when="after", method="PATCH", count=1)
    fault(stack.server, drop=True, when="before", method="PATCH", count=1)
    fault(stack.server, status=500, when="after", method="POST", path="/pause/$", count=1)
    stack.up([http_export(project, name, paused=True, timezone="Europe/Paris")]).expect_ok()
    assert statuses(stack, "PATCH", export_id) == [502, 499, 200]
    assert statuses(stack, "POST", "/pause/$") == [500, 200]
    server = stack.server.api("GET", f"/api/projects/{project}/batch_exports/{export_id}/").json()
    assert (server["timezone"], server["paused"]) == ("Europe/Paris", True)
    assert (stack.outputs("export")["timezone"], stack.outputs("export")["paused"]) == ("Europe/Paris", True)

    fault(stack.server, status=503, when="after", method="DELETE", count=1)
    stack.destroy().expect_ok()
    assert statuses(stack, "DELETE", export_id) == [503, 404]  # the first one did it
    assert stack.server.api("GET", f"/api/projects/{project}/batch_exports/{export_id}/").status_code == 404


def test_latency_is_tolerated(fault_stack: Stack) -> None:
    stack, project, name = fault_stack, fault_stack.server.project, unique("slow")
    fault(stack.server, latency_ms=300, count=2)

    started = time.monotonic()
    stack.up([http_export(project, name)]).expect_ok()
    stack.refresh().expect_ok()

    assert time.monotonic() - started >= 0.6  # the latency was really there
    assert faults_pending(stack.server) == []
    assert [e["id"] for e in exports_on(stack.server, project) if e["name"] == name] == [stack.id("export")]


# ----- the fault soak: up / change / destroy cycles with ~20% of requests failing -------------------------------

SOAK_CYCLES = 10


def test_fault_soak_converges_without_duplicates_losses_or_mismatches(fault_stack: Stack) -> None:
    stack = fault_stack
    project = stack.server.new_project()  # the audit counts every object in it
    soak = Soak(stack, project)
    soak.faults_on()
    started = time.monotonic()

    for cycle in range(SOAK_CYCLES):
        for changed in (False, True):
            soak.converge(lambda c=cycle, ch=changed: stack.up(soak_program(project, c, ch)))
            soak.audit(
                {
                    "s3": {
                        "interval": "day" if changed else "hour",
                        "model": "persons" if changed and cycle % 2 else "events",
                    },
                    "mirror": {"paused": changed},
                }
            )
        soak.converge(stack.destroy)
        soak.faults_off()
        assert stack.engine.resources == []
        leftovers = exports_on(stack.server, project) + integrations_on(stack.server, project, "aws-s3")
        soak.duplicates += len(leftovers)
        soak.faults_on()
        soak.converged += 1

    soak.faults_off()
    print(
        f"\nfault soak: {soak.converged}/{SOAK_CYCLES} cycles converged, {soak.injected} faults in "
        f"{soak.requests} requests, {soak.failed_runs} runs re-run, "
        f"duplicates {soak.duplicates}, lost {soak.lost}, mismatches {soak.mismatches}, "
        f"{time.monotonic() - started:.1f} s; failures that made a re-run necessary: {dict(soak.errors)}"
    )
    assert soak.injected >= 8, "too few faults fired to call this a soak"
    assert (soak.converged, soak.duplicates, soak.lost, soak.mismatches) == (SOAK_CYCLES, 0, 0, 0)


# ----- scale under the rate limit: concurrent creates, PostHog throttling per key -------------------------------

SCALE_EXPORTS = 40
SCALE_RATE = "10/second"  # 40 creates at 10/s: a floor of ~3 s (the first 10 pass at once)
SCALE_WORKERS = 10


def test_scale_under_the_rate_limit_has_no_failure_and_no_duplicate(fault_server: LocalServer) -> None:
    from pulumi_posthog.resources import connection

    server, project = fault_server, fault_server.new_project()
    connection._clients.clear()  # the client's default retry policy: it waits what PostHog asks for
    server.control("PUT", "rate-limits", json={"enabled": True, "burst": SCALE_RATE})
    provider = PostHogProvider("BatchExport")
    provider.configure(ConfigureRequest(Config({"posthog:host": server.url, "posthog:apiKey": server.api_key}, "p")))
    names = [f"scale-{i:03d}" for i in range(SCALE_EXPORTS)]

    def create(name: str) -> str:
        inputs = {"project_id": float(project), "name": name, "interval": "hour", "destination": HTTP}
        checked = provider.check({}, inputs)
        assert checked.failures == []
        return provider.create(checked.inputs).id

    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=SCALE_WORKERS) as pool:
            outcomes = list(pool.map(lambda n: _attempt(create, n), names))
    finally:
        elapsed = time.monotonic() - started
        server.control("PUT", "rate-limits", json={"enabled": False})
        connection._clients.clear()

    failures = [o for o in outcomes if isinstance(o, Exception)]
    exports = exports_on(server, project)
    counts = Counter(e["name"] for e in exports)
    throttled = sum(1 for r in server.requests_seen()["recent"] if r["status"] == 429)
    print(
        f"\nscale: {SCALE_EXPORTS} exports, {SCALE_WORKERS} concurrent, limit {SCALE_RATE}: {len(failures)} failures, "
        f"{sum(n - 1 for n in counts.values())} duplicates, {throttled} throttled answers, {elapsed:.1f} s"
    )
    assert failures == []
    assert throttled > 0, "the rate limit never applied: the test proves nothing"
    assert sorted(counts) == names and set(counts.values()) == {1}
    assert sorted(e["id"] for e in exports) == sorted(o for o in outcomes if isinstance(o, str))


def _attempt(create: Callable[[str], str], name: str) -> str | Exception:
    try:
        return create(name)
    except Exception as exc:  # counted as a failure by the test
        return exc
