"""Bad-input corpus: malformed inputs must be rejected at Check, naming the property, with no API write at all.

Run: ``.venv/bin/python bench/bad_input.py``. The corpus is ``pulumi_posthog.testing.bad_inputs.CASES`` (all five
resources: wrong types, unknown destination types and keys, bad dates, too-long names, injection-like strings,
wrong integration kinds, non-UUID ids, negative offsets…). Each case runs as ``pulumi preview`` and as ``pulumi up``
through the engine harness against posthog-local, on a fresh stack; a case counts as rejected when both runs fail
at Check with a failure on the expected property, the engine's message names it ("property 'x' … has a problem")
with the expected reason, and no Create was sent. Writes are the API requests posthog-local answered for the case
(any request counts, reads included).

Goals: rejected at check with the property named 100%; API writes 0.
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from _common import capture_provider_logs, header, keep_errors, keep_stack, local_server, summary, table
from pulumi_posthog.testing.bad_inputs import CASES, Bad
from pulumi_posthog.testing.stack import Stack

BENCH = "bad_input"


def run_case(stack: Stack, case: Bad) -> tuple[bool, int, str]:
    """(rejected as required, API requests made, why not)."""
    bad = case.goal(stack.server.project)
    requests = 0
    problems = []
    results = []
    for kind in ("preview", "up"):
        result = stack.run(kind, [bad])
        results.append(result)
        requests += len(stack.requests)
        failures = {e.property: e for e in result.errors if e.property}
        failure = failures.get(case.prop)
        if failure is None:
            problems.append(f"{kind}: no failure on '{case.prop}' ({[(e.property, e.summary) for e in result.errors]})")
            continue
        if f"property '{case.prop}'" not in failure.message or "has a problem" not in failure.message:
            problems.append(f"{kind}: the message does not name '{case.prop}': {failure.message}")
        if case.says.lower() not in (failure.reason or "").lower():
            problems.append(f"{kind}: reason {failure.reason!r} lacks {case.says!r}")
        if result.ops() or "Create" in result.calls():
            problems.append(f"{kind}: steps ran: {result.ops()} {result.calls()}")
    keep_errors(BENCH, case.id, results)
    return not problems and requests == 0, requests, "; ".join(problems)


def main() -> int:
    capture_provider_logs(BENCH)
    header(f"Bad-input corpus: {len(CASES)} malformed inputs, each as preview and as up")
    by_resource: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    writes = 0
    misses: list[str] = []
    started = time.monotonic()
    with local_server(BENCH) as server:
        for case in CASES:
            stack = Stack(server)
            ok, requests, why = run_case(stack, case)
            by_resource[case.resource] += 1
            rejected[case.resource] += ok
            writes += requests
            if not ok:
                misses.append(f"{case.id}: {why or f'{requests} API requests'}")
            if case.id.endswith(("-inline-keys", "-injection")):
                keep_stack(BENCH, stack, case.id)
    elapsed = time.monotonic() - started

    rows = [[name, n, rejected[name], f"{rejected[name] / n:.0%}"] for name, n in by_resource.most_common()]
    total, good = sum(by_resource.values()), sum(rejected.values())
    rows.append(["all", total, good, f"{good / total:.0%}"])
    table(rows, ["resource", "cases", "rejected at check, property named", "share"])
    print(f"\nAPI requests made by the {total} cases (preview + up each): {writes}; {elapsed:.1f} s")
    for miss in misses:
        print(f"MISSED: {miss[:400]}")
    return summary(
        f"bad input: {good}/{total} cases ({good / total:.1%}) rejected at check with the property named "
        f"(goal 100%); API writes {writes} (goal 0)",
        good == total and writes == 0,
    )


if __name__ == "__main__":
    sys.exit(main())
