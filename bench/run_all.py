"""``make bench``: every benchmark in turn, their output teed into ``$BENCH_OUT/logs``, then the secret scan.

Run: ``.venv/bin/python bench/run_all.py [--quick]``. Prints each benchmark's table and SUMMARY line as it runs,
then all SUMMARY lines together and the total wall time. ``--quick`` runs small sizes (a smoke test, minutes less).

Exit status: non-zero when a benchmark could not run, or missed a correctness goal (calls per operation, state
size, scale under the rate limit, fault soak, bad input, secret scan). Timing goals (cold start, provider and
client overhead) are reported PASS/FAIL in their SUMMARY lines but do not fail the run: on a shared 2-CPU machine
they move with the load (each benchmark prints the load average it started with).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _common import OUT, header, machine, record_secrets, table

HERE = Path(__file__).resolve().parent
TIMING = {"cold_start", "provider_overhead", "client_overhead"}
BENCHES = [  # (script, arguments, quick arguments); cold start first, while nothing else runs
    ("cold_start", [], ["--runs", "10"]),
    ("calls_per_op", [], []),
    ("state_size", [], []),
    ("bad_input", [], []),
    ("provider_overhead", [], ["--rounds", "1", "--n", "30", "--latency-ms", "0"]),
    ("client_overhead", [], ["--n", "50"]),
    ("rate_limit_scale", [], ["--exports", "60", "--burst", "30/second"]),
    ("fault_soak", [], ["--cycles", "10"]),
    ("secret_scan", [], []),
]


def run(name: str, args: list[str]) -> tuple[int, float, list[str]]:
    """Run one benchmark, teeing its merged stdout/stderr to the console and to logs/<name>.log."""
    log_dir = OUT / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BENCH_OUT": str(OUT), "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    summaries = []
    with (log_dir / f"{name}.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(HERE / f"{name}.py"), *args],
            cwd=HERE,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            log.write(line)
            if line.startswith("SUMMARY:"):
                summaries.append(line.strip())
        code = process.wait()
    return code, time.monotonic() - started, summaries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of every benchmark")
    args = parser.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    from client_overhead import KEY as CLIENT_OVERHEAD_KEY

    record_secrets("client_overhead", [CLIENT_OVERHEAD_KEY])  # it predates the artifacts; its output is scanned
    header("make bench" + (" --quick" if args.quick else ""))
    started = time.monotonic()
    results = []
    for name, full, quick in BENCHES:
        print(f"\n{'=' * 100}\n== {name}\n{'=' * 100}", flush=True)
        code, seconds, summaries = run(name, quick if args.quick else full)
        results.append({"bench": name, "exit": code, "seconds": round(seconds, 1), "summary": summaries})
    total = time.monotonic() - started

    print(f"\n{'=' * 100}\n== results\n{'=' * 100}")
    table(
        [
            [
                r["bench"],
                "PASS" if r["exit"] == 0 else ("FAIL" if r["exit"] == 1 else f"ERROR {r['exit']}"),
                f"{r['seconds']:.1f}",
            ]
            for r in results
        ],
        ["benchmark", "goals", "seconds"],
    )
    print()
    for r in results:
        for line in r["summary"] or [f"SUMMARY: {r['bench']} printed no summary (exit {r['exit']})"]:
            print(f"[{r['bench']}] {line}")
    print(f"\nmake bench: {total / 60:.1f} min wall time; artifacts and logs in {OUT}")
    (OUT / "results.json").write_text(json.dumps({"machine": machine(), "total_s": total, "results": results}))
    broken = [r["bench"] for r in results if r["exit"] not in (0, 1) or (r["exit"] == 1 and r["bench"] not in TIMING)]
    if broken:
        print(f"goals missed or benchmarks broken: {', '.join(broken)}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
