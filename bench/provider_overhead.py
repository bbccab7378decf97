"""Provider overhead: ``up`` of 100 exports through the engine harness vs 100 raw ``requests`` POSTs of the same bodies.

Run: ``.venv/bin/python bench/provider_overhead.py [--n 100] [--rounds 3]``. Against one posthog-local, each round
interleaves, export by export (alternating which goes first), three ways of creating the same HTTP batch export:

* **engine** — ``MiniEngine.up`` registering the export: the SDK's own servicer answers Check and Create from real
  protobuf requests (Struct conversion, ``__provider`` lookup, a thread and an event loop per RPC, as in the plugin
  process), and the provider checks the inputs and POSTs through its client;
* **provider** — ``PostHogProvider.check`` + ``create`` called directly: the provider and client alone;
* **raw** — ``requests.Session.post`` of the body the provider sends (Bearer key, JSON, same timeouts).

The median time per export of each side gives the ratios: engine/raw (the goal, ≤ 1.10), provider/raw (what the
provider adds) and engine-provider (what the harness adds, which a real ``pulumi up`` replaces with its gRPC
round-trips). A cProfile of one extra engine round splits the engine side by component.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import requests
from _common import capture_provider_logs, header, keep_stack, local_server, record_secrets, summary, table
from pulumi.dynamic import Config, ConfigureRequest
from pulumi_posthog.resources.engine import PostHogProvider
from pulumi_posthog.testing.local_server import LocalServer
from pulumi_posthog.testing.stack import Stack, batch_export

BENCH = "provider_overhead"
GOAL = 1.10
TOKEN = "phc_bench_overhead_token_4242"
HTTP = {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": TOKEN}}


def body(name: str) -> dict[str, Any]:
    """What the provider POSTs for an export with these inputs (checked against it below)."""
    return {"name": name, "interval": "hour", "destination": HTTP}


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


class Sides:
    """The three ways to create one export, each timed per export."""

    def __init__(self, server: LocalServer, project: int) -> None:
        self.server, self.project = server, project
        self.stack = Stack(server)
        self.provider = PostHogProvider("BatchExport")
        config = {"posthog:host": server.url, "posthog:apiKey": server.api_key}
        self.provider.configure(ConfigureRequest(Config(config, "project")))
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {server.api_key}", "Accept": "application/json"})
        self.url = f"{server.url}/api/projects/{project}/batch_exports/"
        self.raw_ids: list[str] = []
        self.direct_ids: list[str] = []

    def engine(self, name: str) -> None:
        goal = batch_export(name, project_id=self.project, secret_keys=("token",), **body(name))
        self.stack.register(goal)

    def direct(self, name: str) -> None:
        checked = self.provider.check({}, {"project_id": float(self.project), **body(name)})
        assert checked.failures == [], checked.failures
        self.direct_ids.append(self.provider.create(checked.inputs).id)

    def raw(self, name: str) -> None:
        response = self.session.post(self.url, json=body(name), timeout=(5.0, 30.0), allow_redirects=False)
        response.raise_for_status()
        self.raw_ids.append(response.json()["id"])

    def round(self, n: int, tag: str) -> dict[str, list[float]]:
        """One ``up`` of n exports, interleaved with n direct and n raw creates; the objects are deleted after."""
        times: dict[str, list[float]] = {"engine": [], "provider": [], "raw": []}
        self.stack.engine.begin("up")
        started = time.perf_counter()
        for i in range(n):
            order = ["engine", "provider", "raw"]
            order = order[i % 3 :] + order[: i % 3]  # rotate, so no side always follows another
            for side in order:
                name = f"{tag}-{side}-{i:03d}"
                fn = {"engine": self.engine, "provider": self.direct, "raw": self.raw}[side]
                times[side].append(timed(lambda fn=fn, name=name: fn(name)))
        result = self.stack.engine.finish()
        result.expect_ok()
        times["_wall"] = [time.perf_counter() - started]
        keep_stack(BENCH, self.stack, f"round-{tag}")
        self.cleanup()
        return times

    def cleanup(self) -> None:
        self.stack.engine.destroy().expect_ok()
        for export_id in self.raw_ids + self.direct_ids:
            self.server.api("DELETE", f"/api/projects/{self.project}/batch_exports/{export_id}/")
        self.raw_ids.clear()
        self.direct_ids.clear()


def check_same_body(sides: Sides) -> None:
    """The raw side sends exactly what the provider sends."""
    spec = sides.provider.spec
    inputs = {"project_id": sides.project, **body("same-body")}
    assert spec.body(inputs) == body("same-body"), spec.body(inputs)


class Layers:
    """Per-layer timers for an engine-only up: each layer's wrapper adds its own wall time to a total."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.active = False
        self.profiler: cProfile.Profile | None = None

    def wrap(self, name: str, fn: Callable[..., Any], profile: bool = False) -> Callable[..., Any]:
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            if not self.active:
                return fn(*args, **kwargs)
            started = time.perf_counter()
            profiler = self.profiler if profile else None
            if profiler is not None:
                profiler.enable()
            try:
                return fn(*args, **kwargs)
            finally:
                if profiler is not None:
                    profiler.disable()
                self.totals[name] = self.totals.get(name, 0.0) + time.perf_counter() - started

        return timed_call


def profile_round(server: LocalServer, project: int, n: int) -> tuple[list[tuple[str, float]], list[str]]:
    """An engine-only up of n exports with every layer timed: the engine's own logic, the RPC thread and protobuf
    requests (harness client), the SDK servicer, the provider, the HTTP request. Returns ms per export per layer
    and the servicer thread's top functions by own time (cProfile, RPC threads only)."""
    import pulumi_posthog.testing.engine.client as harness_client
    from pulumi_posthog.testing.engine.client import ProviderClient, in_process_transport

    layers = Layers()
    originals = (
        harness_client.run_isolated,
        PostHogProvider.check,
        PostHogProvider.create,
        requests.Session.request,
    )
    harness_client.run_isolated = layers.wrap("rpc thread + protobuf", harness_client.run_isolated)
    PostHogProvider.check = layers.wrap("provider check", PostHogProvider.check)  # type: ignore[method-assign]
    PostHogProvider.create = layers.wrap("provider create", PostHogProvider.create)  # type: ignore[method-assign]
    requests.Session.request = layers.wrap("http", requests.Session.request)  # type: ignore[method-assign]

    def plugin(record: Any) -> ProviderClient:
        transport = in_process_transport()
        return ProviderClient(layers.wrap("sdk servicer", transport, profile=True), record=record)

    def up(count: int, tag: str) -> None:
        stack = Stack(server, plugin=plugin)
        register = layers.wrap("engine register", stack.register)
        stack.engine.begin("up")
        layers.active = True
        for i in range(count):
            goal = batch_export(f"{tag}-{i:03d}", project_id=project, secret_keys=("token",), **body(f"{tag}-{i}"))
            register(goal)
        layers.active = False
        stack.engine.finish().expect_ok()
        keep_stack(BENCH, stack, tag)
        stack.engine.destroy().expect_ok()

    try:
        up(n, "layers")  # timed layers, no profiler
        timings = dict(layers.totals)
        layers.profiler = cProfile.Profile()
        up(max(n // 2, 1), "cprofile")  # the servicer threads under cProfile
    finally:
        (harness_client.run_isolated, PostHogProvider.check, PostHogProvider.create, requests.Session.request) = (
            originals
        )
    t = {k: v / n * 1000 for k, v in timings.items()}
    provider = t["provider check"] + t["provider create"]
    rows = [
        ("engine register (Check + Create RPCs), all", t["engine register"]),
        ("  HTTP POST (requests.Session.request)", t["http"]),
        ("  provider: check + create minus HTTP", provider - t["http"]),
        ("  SDK servicer: __provider lookup, Struct↔dict, event loop", t["sdk servicer"] - provider),
        ("  harness: RPC thread, protobuf request/response", t["rpc thread + protobuf"] - t["sdk servicer"]),
        ("  harness: engine step logic", t["engine register"] - t["rpc thread + protobuf"]),
    ]
    stats = pstats.Stats(layers.profiler)
    entries: dict[tuple[str, int, str], Any] = stats.stats  # type: ignore[attr-defined]
    waits = ("recv_into", "sendall", "connect", "'acquire'", "select", "poll")
    cpu = [(key, v) for key, v in entries.items() if not any(w in key[2] for w in waits)]
    top = sorted(cpu, key=lambda item: item[1][2], reverse=True)[:10]
    profiled = max(n // 2, 1)
    hot = [
        f"{v[2] / profiled * 1000:6.3f} ms  {fn} ({'/'.join(path.split('/')[-2:])}:{line})"
        for (path, line, fn), v in top
    ]
    return rows, hot


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="exports per up (default 100)")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds (default 3)")
    parser.add_argument(
        "--latency-ms", type=int, default=50, help="server latency of the extra round (default 50; 0 skips it)"
    )
    args = parser.parse_args()
    capture_provider_logs(BENCH)
    header(f"Provider overhead: up of {args.n} exports (engine harness) vs {args.n} raw POSTs, interleaved")

    with local_server(BENCH) as server:
        project = server.new_project()
        sides = Sides(server, project)
        record_secrets(BENCH, [TOKEN])
        check_same_body(sides)
        sides.round(10, "warmup")  # imports, first connections, SQLite caches
        rounds = [sides.round(args.n, f"r{r}") for r in range(args.rounds)]
        profile, hot = profile_round(server, project, args.n)
        slow: dict[str, list[float]] | None = None
        if args.latency_ms:
            latency = {"latency_ms": args.latency_ms, "share": 1.0, "method": "POST", "path": r"/batch_exports/$"}
            server.control("POST", "faults", json=latency)
            slow = sides.round(max(args.n // 2, 1), "latency")
            server.clear_faults()

    times = {side: [t for r in rounds for t in r[side]] for side in ("engine", "provider", "raw")}
    med = {side: statistics.median(values) for side, values in times.items()}
    p90 = {side: statistics.quantiles(values, n=10)[-1] for side, values in times.items()}
    per_round = [statistics.median(r["engine"]) / statistics.median(r["raw"]) for r in rounds]
    rows = [
        [side, f"{med[side] * 1000:.2f}", f"{p90[side] * 1000:.2f}", f"{med[side] / med['raw']:.3f}"]
        for side in ("engine", "provider", "raw")
    ]
    print(f"{args.rounds} rounds x {args.n} exports per side (raw = plain requests defaults, re-reading the env)\n")
    table(rows, ["side", "median ms", "p90 ms", "÷ raw"])
    print(f"\nengine/raw median ratio per round: {', '.join(f'{r:.3f}' for r in per_round)}")
    print(f"whole up of {args.n} exports (sum of the engine side's times, Configure included): "
          f"{statistics.median(sum(r['engine']) for r in rounds):.2f} s; "
          f"{args.n} raw POSTs {statistics.median(sum(r['raw']) for r in rounds):.2f} s")  # fmt: skip
    slow_ratio = statistics.median(slow["engine"]) / statistics.median(slow["raw"]) if slow is not None else None
    if slow is not None:
        print(
            f"\nthe same with {args.latency_ms} ms of server latency on every POST (a PostHog region farther away), "
            f"{len(slow['raw'])} exports per side: engine {statistics.median(slow['engine']) * 1000:.2f} ms, "
            f"provider {statistics.median(slow['provider']) * 1000:.2f} ms, raw "
            f"{statistics.median(slow['raw']) * 1000:.2f} ms → engine/raw {slow_ratio:.3f}"
        )
    print(f"\nwhere an engine-side export's time goes (one more engine-only up of {args.n}, every layer timed):")
    table([[label, f"{value:.2f}"] for label, value in profile], ["layer", "ms per export"])
    print("\nhottest functions in the RPC threads, socket waits left out (own time per export, under cProfile):")
    print("\n".join(f"  {line}" for line in hot))

    ratio = med["engine"] / med["raw"]
    provider_ratio = med["provider"] / med["raw"]
    harness_ms = (med["engine"] - med["provider"]) * 1000
    own_ms = dict(profile)["  provider: check + create minus HTTP"]
    return summary(
        f"engine up / raw POST median ratio {ratio:.3f} (goal ≤ {GOAL}); provider alone (check + create, no harness) "
        f"/ raw {provider_ratio:.3f}; per export the provider's own code takes {own_ms:.2f} ms, harness + SDK "
        f"servicer {harness_ms:.2f} ms (raw POST {med['raw'] * 1000:.2f} ms)"
        + (f"; with {args.latency_ms} ms server latency engine/raw {slow_ratio:.3f}" if slow_ratio else ""),
        ratio <= GOAL,
    )


if __name__ == "__main__":
    sys.exit(main())
