"""Guards for ``bench/`` (``make bench``): the secret scan finds what it must, and the benchmarks still run.

The full-size figures come from ``make bench``; these run in seconds. The fast regular versions of the benchmarks'
reliability checks live with the resource tests: scale under the rate limit and the fault soak in
``tests/resources/test_faults.py``, the bad-input corpus in ``tests/resources/test_bad_input.py``, secrets in
checkpoints, errors and logs in ``tests/resources/test_faults_errors.py`` and every stack's teardown.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"


def bench_module(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


def test_the_secret_scan_finds_raw_and_json_escaped_secrets_but_not_public_constants(tmp_path: Path) -> None:
    scan = bench_module("secret_scan").scan
    (tmp_path / "secrets").mkdir()
    key, token_uri = "bench-admin-0123456789abcdef", "https://oauth2.googleapis.com/token"
    (tmp_path / "secrets" / "a.json").write_text(json.dumps([key, PEM, token_uri, "abc"]))
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "checkpoint-x.json").write_text(json.dumps({"private_key": PEM}))  # JSON-escaped newlines
    (tmp_path / "a" / "provider.log").write_text(f"GET /api/ with {key}\n")
    (tmp_path / "a" / "errors.txt").write_text(f"token_uri must be {token_uri}; 'abc' is short\n")
    (tmp_path / "a" / "clean.log").write_text("nothing here\n")

    secrets, files, hits = scan(tmp_path)

    assert secrets == {key, PEM}  # the token URI is in the provider's source (public); "abc" is too short
    assert len(files) == 4  # the secrets list itself is never scanned
    assert sorted((path.name, secret[:6]) for path, secret in hits) == [
        ("checkpoint-x.json", PEM[:6]),
        ("provider.log", key[:6]),
    ]


@pytest.mark.slow
def test_the_benchmarks_run_in_small_sizes_and_leak_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "BENCH_OUT": str(tmp_path)}
    runs = [
        ["state_size.py"],
        ["rate_limit_scale.py", "--exports", "20", "--burst", "10/second", "--workers", "4"],
        ["fault_soak.py", "--cycles", "2"],
        ["secret_scan.py"],
    ]
    for args in runs:
        done = subprocess.run(
            [sys.executable, *args], cwd=BENCH, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        summary = [line for line in done.stdout.splitlines() if line.startswith("SUMMARY:")]
        assert summary, done.stdout[-3000:] + done.stderr
        if args[0] == "rate_limit_scale.py":
            # Behaviour only: its wall-time ratio is a speed goal for `make bench` on an idle machine, not a test.
            assert re.search(r"4 workers: 0 failures, 0 duplicates", summary[-1]), summary[-1]
            continue
        assert done.returncode == 0 and summary[-1].endswith("PASS"), done.stdout[-3000:] + done.stderr
