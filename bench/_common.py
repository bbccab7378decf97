"""Shared by the benchmarks: posthog-local servers, the artifacts directory the secret scan reads, summaries.

Every benchmark writes what a user or an auditor could see — checkpoints, provider logs, error texts, its own
output (``run_all.py`` tees it) and the server's request log — into ``$BENCH_OUT`` (default: a fixed directory
under the system temp dir), and lists the secret values it used in ``$BENCH_OUT/secrets/<bench>.json``.
``secret_scan.py`` then searches every artifact for every secret.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for entry in (str(ROOT), str(ROOT / "provider")):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from pulumi_posthog.testing.local_server import LocalServer  # noqa: E402

OUT = Path(os.environ.get("BENCH_OUT") or Path(tempfile.gettempdir()) / "pulumi-posthog-bench")
SECRETS_DIR = OUT / "secrets"
READY_TIMEOUT = 30.0


def out_dir(bench: str) -> Path:
    """The directory for one benchmark's artifacts."""
    path = OUT / bench
    path.mkdir(parents=True, exist_ok=True)
    return path


def admin_key() -> str:
    """A fresh bootstrap key, not shaped like a PostHog key (``phx_…``): no pattern-based redaction can hide it."""
    return f"bench-admin-{uuid.uuid4().hex}"


@contextmanager
def local_server(bench: str, profile: str = "latest", api_key: str | None = None) -> Iterator[LocalServer]:
    """A private posthog-local (own database, ``--log-requests`` into the artifacts) for the block."""
    key = api_key or admin_key()
    directory = out_dir(bench)
    with tempfile.TemporaryDirectory(prefix=f"bench-{bench}-") as tmp:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("POSTHOG_LOCAL_API_KEY", None)
        cmd = [
            sys.executable, "-m", "pulumi_posthog.local", "--port", "0", "--db", str(Path(tmp) / "local.sqlite3"),
            "--profile", profile, "--api-key", key, "--log-requests",
        ]  # fmt: skip
        log = (directory / f"server-{profile}.log").open("a")
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("posthog-local ready "):
            process.kill()
            raise SystemExit(f"posthog-local did not start: {line!r} (see {log.name})")
        parts = line.split()
        fields = dict(p.split("=", 1) for p in parts[3:])
        server = LocalServer(
            process=process,
            url=parts[2],
            organization=fields["organization"],
            project=int(fields["project"]),
            db=Path(tmp) / "local.sqlite3",
            profile=profile,
            api_key=key,
        )
        record_secrets(bench, [key])
        try:
            yield server
        finally:
            server.stop()
            log.close()


def record_secrets(bench: str, values: Iterable[str]) -> None:
    """Add secret values this benchmark used to the list the secret scan looks for."""
    SECRETS_DIR.mkdir(parents=True, exist_ok=True)
    path = SECRETS_DIR / f"{bench}.json"
    known = set(json.loads(path.read_text())) if path.exists() else set()
    known |= {v for v in values if isinstance(v, str) and v}
    path.write_text(json.dumps(sorted(known)))


def save(bench: str, name: str, text: str) -> Path:
    """Keep an artifact (a checkpoint, error texts) for the secret scan."""
    path = out_dir(bench) / name
    path.write_text(text)
    return path


def capture_provider_logs(bench: str) -> None:
    """The provider's and client's log records (retries, warnings), at DEBUG, into the artifacts."""
    handler = logging.FileHandler(out_dir(bench) / "provider.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger = logging.getLogger("pulumi_posthog")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def machine() -> dict[str, str]:
    """Date, CPUs, memory and Python, as docs/performance.md records them."""
    memory = "?"
    try:
        free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout.splitlines()
        memory = " ".join(free[1].split()[1:2]) if len(free) > 1 else "?"
    except OSError:
        pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpus": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def header(title: str) -> None:
    info = machine()
    print(
        f"{title}\n{info['date']} · {info['cpus']} CPUs · {info['memory']} RAM · Python {info['python']} · "
        f"load average {info['load']}\n"
    )


def table(rows: list[list[Any]], headings: list[str]) -> None:
    """A plain text table (first column left-aligned, the others right-aligned)."""
    cells = [[str(c) for c in row] for row in [headings, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headings))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))


def summary(text: str, ok: bool) -> int:
    """Print the final SUMMARY line; the exit status says whether every goal of the benchmark was met."""
    print(f"\nSUMMARY: {text} — {'PASS' if ok else 'FAIL'}", flush=True)
    return 0 if ok else 1


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def keep_stack(bench: str, stack: Any, label: str) -> None:
    """Save a stack's checkpoint and error-free evidence for the scan, and record the secrets it has seen."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in label)
    save(bench, f"checkpoint-{safe}.json", stack.checkpoint())
    record_secrets(bench, stack.secrets)


def keep_errors(bench: str, label: str, results: Iterable[Any]) -> None:
    """Append the error texts of engine results (what `pulumi up` would print) to the artifacts."""
    texts = [f"[{label}] {error.message}" for result in results for error in result.errors]
    if texts:
        with (out_dir(bench) / "errors.txt").open("a") as handle:
            handle.write("\n".join(texts) + "\n")
