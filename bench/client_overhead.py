"""Client overhead: N calls through PostHogClient vs the same N raw ``requests`` calls, interleaved, on posthog-local.

Run: ``.venv/bin/python bench/client_overhead.py [--n 300] [--block 10]``. It starts its own posthog-local
(latest profile, temporary database), then for each operation alternates blocks of client calls and raw calls
(same server, same kind of ``requests.Session``, same timeouts) and prints per-operation medians, the median
client/raw ratio (goal ≤ 1.05), and how many HTTP requests the server counted (``/_local/requests``) for one
call of each client operation.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "provider"))

from pulumi_posthog.client import PostHogClient  # noqa: E402

KEY = "phx_bench_client_overhead_0123456789"
GOAL = 1.05
HTTP_DEST = {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": "bench-token"}}


def start_server(db: Path) -> tuple[subprocess.Popen[str], str, str, int]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("POSTHOG_LOCAL_API_KEY", None)
    cmd = [sys.executable, "-m", "pulumi_posthog.local", "--port", "0", "--db", str(db), "--api-key", KEY]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("posthog-local ready "):
        process.kill()
        raise SystemExit(f"posthog-local did not start: {line!r}")
    parts = line.split()
    fields = dict(p.split("=", 1) for p in parts[3:])
    return process, parts[2], fields["organization"], int(fields["project"])


class Raw:
    """Plain requests, configured like the client's session (key header, JSON, timeouts, no redirects)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {KEY}", "Accept": "application/json"})

    def call(self, method: str, path: str, body: Any = None) -> Any:
        response = self.session.request(method, self.base + path, json=body, timeout=(5.0, 30.0), allow_redirects=False)
        response.raise_for_status()
        return response.json() if response.content else None


def control(base: str, method: str, path: str, body: Any = None) -> Any:
    response = requests.request(
        method, f"{base}/_local/{path}", json=body, headers={"Authorization": f"Bearer {KEY}"}, timeout=30
    )
    response.raise_for_status()
    return response.json()


def timed_block(fn: Callable[[], Any], count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="calls per side per operation (default 300)")
    parser.add_argument("--block", type=int, default=10, help="calls per interleaved block (default 10)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-client-") as tmp:
        process, base, org, project = start_server(Path(tmp) / "bench.sqlite3")
        try:
            return run(base, org, project, args.n, args.block)
        finally:
            process.terminate()
            process.wait(timeout=10)


def run(base: str, org: str, project: int, n: int, block: int) -> int:
    client = PostHogClient(base, KEY)
    raw = Raw(base)
    export = raw.call(
        "POST",
        f"/api/projects/{project}/batch_exports/",
        {"name": "bench", "interval": "hour", "destination": HTTP_DEST},
    )
    export_id = export["id"]
    exports = f"/api/projects/{project}/batch_exports/"

    org_path = f"/api/organizations/{org}/"
    export_path = f"{exports}{export_id}/"
    consent = {"is_ai_data_processing_approved": True}
    # (name, client call, the same request made with plain requests)
    ops: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        ("get_organization", lambda: client.get_organization(org), lambda: raw.call("GET", org_path)),
        (
            "update_organization",
            lambda: client.update_organization(org, consent),
            lambda: raw.call("PATCH", org_path, consent),
        ),
        ("get_project", lambda: client.get_project(project), lambda: raw.call("GET", f"/api/projects/{project}/")),
        ("get_batch_export", lambda: client.get_batch_export(project, export_id), lambda: raw.call("GET", export_path)),
        (
            "update_batch_export",
            lambda: client.update_batch_export(project, export_id, {"name": "bench-2"}),
            lambda: raw.call("PATCH", export_path, {"name": "bench-2"}),
        ),
        ("list_batch_exports", lambda: client.list_batch_exports(project), lambda: raw.call("GET", exports)["results"]),
    ]

    for _, client_call, raw_call in ops:  # warm up both paths (imports, first connections, DB caches)
        for _ in range(5):
            client_call()
            raw_call()

    print(f"posthog-local at {base}; N={n} calls per side per operation, interleaved in blocks of {block}")
    print(
        "(both sides: a requests.Session per side, Bearer key, JSON, (5, 30) s timeouts, no redirects; the client\n"
        " reads proxy/CA settings from the environment once, plain requests re-reads os.environ on every call)\n"
    )
    header = f"{'operation':<22}{'client ms':>11}{'raw ms':>9}{'ratio':>8}{'client p90':>12}{'raw p90':>9}"
    print(header)
    print("-" * len(header))
    block_ratios: list[float] = []
    op_ratios: list[float] = []
    for name, client_call, raw_call in ops:
        client_times: list[float] = []
        raw_times: list[float] = []
        done = 0
        first_client = True
        while done < n:
            size = min(block, n - done)
            # alternate which side goes first, so neither always follows the other
            if first_client:
                c = timed_block(client_call, size)
                r = timed_block(raw_call, size)
            else:
                r = timed_block(raw_call, size)
                c = timed_block(client_call, size)
            first_client = not first_client
            client_times += c
            raw_times += r
            block_ratios.append(statistics.median(c) / statistics.median(r))
            done += size
        cm, rm = statistics.median(client_times), statistics.median(raw_times)
        cq = statistics.quantiles(client_times, n=10)[-1]
        rq = statistics.quantiles(raw_times, n=10)[-1]
        op_ratios.append(cm / rm)
        print(f"{name:<22}{cm * 1000:>11.2f}{rm * 1000:>9.2f}{cm / rm:>8.3f}{cq * 1000:>12.2f}{rq * 1000:>9.2f}")
    overall = statistics.median(block_ratios)
    print(f"\nmedian client/raw ratio over {len(block_ratios)} interleaved block pairs: {overall:.3f} (goal ≤ {GOAL})")
    print(f"median of per-operation ratios: {statistics.median(op_ratios):.3f}")

    # HTTP requests per client operation, as counted by the server.
    second = control(base, "POST", "projects", {"organization_id": org})["id"]
    client.create_batch_export(second, {"name": "other", "interval": "hour", "destination": HTTP_DEST})
    start = "2026-01-01T00:00:00+00:00"
    end = "2026-01-01T02:00:00+00:00"
    counted: list[tuple[str, Callable[[], Any]]] = [
        ("list_organizations", client.list_organizations),
        ("create_organization", lambda: client.create_organization({"name": "bench org"})),
        ("get_organization", lambda: client.get_organization(org)),
        ("update_organization", lambda: client.update_organization(org, {"name": "bench"})),
        ("get_project", lambda: client.get_project(project)),
        ("create_batch_export", lambda: client.create_batch_export(project, {"name": "c", "interval": "hour",
                                                                             "destination": HTTP_DEST})),
        ("get_batch_export", lambda: client.get_batch_export(project, export_id)),
        ("update_batch_export", lambda: client.update_batch_export(project, export_id, {"name": "u"})),
        ("pause_batch_export", lambda: client.pause_batch_export(project, export_id)),
        ("unpause_batch_export", lambda: client.unpause_batch_export(project, export_id)),
        ("list_batch_exports", lambda: client.list_batch_exports(project)),
        ("create_backfill", lambda: client.create_backfill(project, export_id, start_at=start, end_at=end)),
        ("list_backfills", lambda: client.list_backfills(project, export_id)),
        ("list_runs", lambda: client.list_runs(project, export_id)),
        ("list_org_batch_exports (1st: route 404 → walk)", lambda: client.list_organization_batch_exports(org)),
        ("list_org_batch_exports (route remembered)", lambda: client.list_organization_batch_exports(org)),
        ("list_integrations", lambda: client.list_integrations(project)),
    ]  # fmt: skip
    print("\nHTTP requests per client operation (counted by the server via /_local/requests):")
    single_ok = True
    for name, call in counted:
        control(base, "DELETE", "requests")
        call()
        total = control(base, "GET", "requests")["counts"].get("total", 0)
        note = ""
        if not name.startswith("list_org") and total != 1:
            single_ok = False
            note = "  <-- expected 1"
        print(f"  {name:<50}{total:>3}{note}")
    client.close()

    verdict = "PASS" if overall <= GOAL and single_ok else "FAIL"
    print(
        f"\nSUMMARY: client/raw median ratio {overall:.3f} (goal ≤ {GOAL}); every single-object operation is 1 "
        f"HTTP request: {'yes' if single_ok else 'NO'} — {verdict}"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
