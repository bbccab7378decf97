"""Scale under the rate limit: 500 exports created in parallel while posthog-local enforces PostHog's 480/minute.

Run: ``.venv/bin/python bench/rate_limit_scale.py [--exports 500] [--workers 4,32]``. posthog-local throttles per
personal API key exactly as PostHog does (DRF's sliding window: ``burst`` 480/minute, ``sustained`` 4800/hour; a 429
says "Expected available in N seconds"). A thread pool drives ``PostHogProvider.check`` + ``create`` (what the engine
calls for each new resource) with the client's default retry policy, which waits what PostHog asks for.

Parallelism: Pulumi schedules resource steps in parallel (``--parallel`` is unbounded by default), but a Python
dynamic provider's plugin answers RPCs from a gRPC thread pool of 4 workers (``pulumi/dynamic/__main__.py``), so a
real ``pulumi up`` creates at most 4 exports at once; 32 workers models a provider without that cap. Each worker
count gets its own API key (its own throttle window) and project.

Figures: failures (goal 0), wall time ÷ the limit's floor of 500/480 minutes (goal ≤ 1.10), duplicates on the
server (goal 0). A sliding window lets the first 480 through at once and the rest ~60 s later, so the wall time
can come in slightly under the floor. The scaled-down variant is ``tests/resources/test_faults.py::
test_scale_under_the_rate_limit_has_no_failure_and_no_duplicate`` (40 exports at 10/second, part of ``make test``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from _common import capture_provider_logs, header, local_server, record_secrets, save, summary, table
from pulumi.dynamic import Config, ConfigureRequest
from pulumi_posthog.resources import connection
from pulumi_posthog.resources.engine import PostHogProvider
from pulumi_posthog.testing.local_server import LocalServer

BENCH = "rate_limit_scale"
GOAL = 1.10
SUSTAINED = "4800/hour"
TOKEN = "phc_bench_scale_token_7777"
HTTP = {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": TOKEN}}


def per_second(rate: str) -> float:
    count, period = rate.split("/")
    return int(count) / {"second": 1, "minute": 60, "hour": 3600, "day": 86400}[period]


def run(server: LocalServer, exports: int, workers: int, burst: str) -> dict[str, Any]:
    key = server.new_key(scopes=["*"])  # a fresh throttle window
    record_secrets(BENCH, [key])
    project = server.new_project()
    connection._clients.clear()  # a new client with the default retry policy
    provider = PostHogProvider("BatchExport")
    provider.configure(ConfigureRequest(Config({"posthog:host": server.url, "posthog:apiKey": key}, "project")))
    names = [f"scale-{workers}-{i:03d}" for i in range(exports)]

    def create(name: str) -> str | Exception:
        try:
            inputs = {"project_id": float(project), "name": name, "interval": "hour", "destination": HTTP}
            checked = provider.check({}, inputs)
            if checked.failures:
                return RuntimeError(f"check failed: {checked.failures}")
            return provider.create(checked.inputs).id
        except Exception as exc:  # counted as a failure
            return exc

    server.control("DELETE", "requests")
    server.control("PUT", "rate-limits", json={"enabled": True, "burst": burst, "sustained": SUSTAINED})
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(create, names))
    finally:
        elapsed = time.monotonic() - started
        server.control("PUT", "rate-limits", json={"enabled": False})
        connection._clients.clear()

    failures = [o for o in outcomes if isinstance(o, Exception)]
    response = server.api("GET", f"/api/projects/{project}/batch_exports/", params={"limit": 10000})
    listed = response.json()["results"]
    counts = Counter(e["name"] for e in listed)
    statuses = Counter(r["status"] for r in server.requests_seen()["recent"] if r["method"] == "POST")
    floor = exports / per_second(burst)
    if failures:
        save(BENCH, f"failures-{workers}.txt", "\n".join(f"{type(f).__name__}: {f}" for f in failures))
    return {
        "workers": workers,
        "failures": len(failures),
        "created": len(listed),
        "duplicates": sum(n - 1 for n in counts.values()),
        "missing": len(set(names) - set(counts)),
        "ids_match": sorted(e["id"] for e in listed) == sorted(o for o in outcomes if isinstance(o, str)),
        "throttled": statuses.get(429, 0),
        "posts": sum(statuses.values()),
        "elapsed": elapsed,
        "floor": floor,
        "ratio": elapsed / floor if floor else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", type=int, default=500, help="exports to create (default 500)")
    parser.add_argument("--workers", default="4,32", help="comma-separated worker counts (default 4,32)")
    parser.add_argument("--burst", default="480/minute", help="PostHog's burst limit (default 480/minute)")
    args = parser.parse_args()
    capture_provider_logs(BENCH)
    header(f"Scale under the rate limit: {args.exports} exports, burst {args.burst}, sustained {SUSTAINED}")
    record_secrets(BENCH, [TOKEN])

    with local_server(BENCH) as server:
        results = [run(server, args.exports, int(w), args.burst) for w in args.workers.split(",")]

    table(
        [
            [
                r["workers"],
                r["failures"],
                r["created"],
                r["duplicates"],
                r["missing"],
                "yes" if r["ids_match"] else "NO",
                f"{r['throttled']}/{r['posts']}",
                f"{r['elapsed']:.1f}",
                f"{r['floor']:.1f}",
                f"{r['ratio']:.3f}",
            ]
            for r in results
        ],
        [
            "workers",
            "failures",
            "created",
            "duplicates",
            "missing",
            "ids = state",
            "429s/POSTs",
            "wall s",
            "floor s",
            "÷ floor",
        ],
    )
    print("\n(4 workers = what the Python dynamic-provider plugin's gRPC pool allows; 32 = an uncapped provider)")
    ok = all(
        r["failures"] == 0 and r["duplicates"] == 0 and r["missing"] == 0 and r["ids_match"] and r["ratio"] <= GOAL
        for r in results
    )
    parts = [
        f"{r['workers']} workers: {r['failures']} failures, {r['duplicates']} duplicates, wall {r['elapsed']:.1f} s "
        f"= {r['ratio']:.3f} x floor"
        for r in results
    ]
    floor = results[0]["floor"]
    return summary(
        f"{args.exports} exports under {args.burst} (floor {floor:.1f} s): "
        + "; ".join(parts)
        + f" (goals 0, ≤ {GOAL}, 0)",
        ok,
    )


if __name__ == "__main__":
    sys.exit(main())
