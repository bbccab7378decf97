"""Fault soak: 100 up / change / destroy cycles while posthog-local fails ~20% of API requests.

Run: ``.venv/bin/python bench/fault_soak.py [--cycles 100]``. This is the full-size run of
``tests/resources/test_faults.py::test_fault_soak_converges_without_duplicates_losses_or_mismatches`` (10 cycles in
``make test``), with the same program and fault rules (both from ``pulumi_posthog.testing.soak``): an aws-s3
Integration, an S3 export using it, an HTTP export and a backfill of it; each cycle creates them, changes them
(schedule and prefix, pause, and on odd cycles a model change that replaces the S3 export), then destroys them.
Fault rules on every ``/api/`` request: 500 before the view (6%), 502 after the commit (5%), connection dropped
after the commit (5%), 40 ms latency (5%).

A run that fails is run again, as a user re-runs ``pulumi up``; after every converged run the server is audited
(faults paused): duplicates (objects with no state, or two for one resource), losses (a resource whose object is
gone) and mismatches (a managed value that differs between state, server and program). The client's retry
decisions are its own; only its backoff waits are shortened (``FAST_RETRIES``), so the soak measures outcomes, not
sleeping.

Goals: every cycle converges; duplicates 0, lost 0, mismatches 0.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time

from _common import capture_provider_logs, header, keep_stack, local_server, save, summary, table
from pulumi_posthog.client import PostHogClient, RetryPolicy
from pulumi_posthog.resources import connection
from pulumi_posthog.testing.listings import exports_on, integrations_on
from pulumi_posthog.testing.soak import SOAK_RULES, Soak, soak_program
from pulumi_posthog.testing.stack import FAST_RETRIES, Stack

BENCH = "fault_soak"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=100, help="up/change/destroy cycles (default 100)")
    args = parser.parse_args()
    capture_provider_logs(BENCH)
    header(f"Fault soak: {args.cycles} up/change/destroy cycles, ~20% of API requests failing")
    connection.PostHogClient = functools.partial(  # type: ignore[misc]
        PostHogClient, retry=RetryPolicy(**FAST_RETRIES)
    )
    connection._clients.clear()

    unconverged: list[str] = []
    cycle_times: list[float] = []
    started = time.monotonic()
    with local_server(BENCH) as server:
        stack = Stack(server)
        project = server.new_project()  # the audit counts every object in it
        soak = Soak(stack, project)
        soak.faults_on()
        for cycle in range(args.cycles):
            began = time.monotonic()
            try:
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
                if cycle % 10 == 0:
                    keep_stack(BENCH, stack, f"cycle-{cycle:03d}")
                soak.converge(stack.destroy)
            except AssertionError as exc:  # did not converge in 8 runs: count it, clean up without faults
                unconverged.append(f"cycle {cycle}: {exc}")
                soak.faults_off()
                stack.destroy()
                soak.faults_on()
            else:
                soak.converged += 1
            soak.faults_off()
            if not stack.engine.resources:  # after a destroy, anything left in the project is a duplicate
                soak.duplicates += len(exports_on(server, project) + integrations_on(server, project, "aws-s3"))
            soak.faults_on()
            cycle_times.append(time.monotonic() - began)
        soak.faults_off()
        keep_stack(BENCH, stack, "final")
    elapsed = time.monotonic() - started

    if soak.errors:
        save(BENCH, "errors.txt", "\n".join(f"{n}x {text}" for text, n in soak.errors.most_common()))
    rules = ", ".join(
        f"{r.get('status') or ('dropped' if r.get('drop') else str(r.get('latency_ms')) + ' ms latency')} "
        f"{r.get('when', 'before')} {r['share']:.0%}"
        for r in SOAK_RULES
    )
    table(
        [
            ["cycles converged", f"{soak.converged}/{args.cycles}"],
            ["engine runs re-run after a failure", soak.failed_runs],
            ["API requests answered", soak.requests],
            ["faults injected", f"{soak.injected} ({soak.injected / max(soak.requests, 1):.1%} of requests)"],
            ["duplicates on the server", soak.duplicates],
            ["resources lost", soak.lost],
            ["state vs server mismatches", soak.mismatches],
            ["wall time", f"{elapsed:.1f} s ({sum(cycle_times) / len(cycle_times):.2f} s a cycle)"],
        ],
        ["figure", "value"],
    )
    print(f"\nfault rules: {rules}")
    if soak.errors:
        print("failures that made a re-run necessary (PostHog's words, as `pulumi up` shows them):")
        for text, n in soak.errors.most_common(5):
            print(f"  {n}x {text[:300]}")
    for line in unconverged:
        print(f"NOT CONVERGED: {line[:500]}")
    ok = soak.converged == args.cycles and (soak.duplicates, soak.lost, soak.mismatches) == (0, 0, 0)
    return summary(
        f"fault soak: {soak.converged}/{args.cycles} cycles converged with {soak.injected} faults in {soak.requests} "
        f"requests ({soak.injected / max(soak.requests, 1):.1%}), {soak.failed_runs} runs re-run; duplicates "
        f"{soak.duplicates}, lost {soak.lost}, mismatches {soak.mismatches} (goals: all, 0, 0, 0)",
        ok,
    )


if __name__ == "__main__":
    sys.exit(main())
