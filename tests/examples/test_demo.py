"""`make demo` / `make demo-down` (scripts/demo.sh) with a recording fake `pulumi` on PATH.

The script runs from a copy of the repo's layout in a temporary directory (so its .posthog-local/ and .pulumi-state/
land there) and starts a real posthog-local in the background. The fake `pulumi` logs every call (argv, cwd and the
Pulumi environment), keeps stacks and config in the backend directory it is given, and its `up`/`destroy` call the
configured host with the configured key, so a wrong URL, key or a dead server fails the run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.prefix)
TOOLS = (
    "bash", "sh", "env", "dirname", "cat", "mkdir", "grep", "awk", "sleep", "rm", "tail", "tr", "seq", "ps",
    "setsid", "nohup", "make",
)  # fmt: skip
PASSPHRASE = "posthog-local-demo"
DEV_KEY = "phx_posthog_local_development_key"

FAKE_PULUMI = textwrap.dedent(
    """\
    #!{python}
    import json, os, pathlib, sys, urllib.request

    args = sys.argv[1:]
    env = {{k: v for k, v in os.environ.items() if k.startswith("PULUMI_")}}
    with open(os.environ["FAKE_PULUMI_LOG"], "a") as log:
        log.write(json.dumps({{"argv": args, "cwd": os.getcwd(), "env": env}}) + "\\n")
    backend = pathlib.Path(env["PULUMI_BACKEND_URL"].removeprefix("file://"))
    assert backend.is_dir(), backend
    stacks, config_file = backend / "fake-stacks", backend / "fake-config.json"
    config = json.loads(config_file.read_text()) if config_file.exists() else {{}}

    def call(path):
        request = urllib.request.Request(
            config["posthog:host"] + path, headers={{"Authorization": "Bearer " + config["posthog:apiKey"]}}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    if args[:2] == ["stack", "select"]:
        if not (stacks / args[2]).exists():
            print(f"error: no stack named '{{args[2]}}' found", file=sys.stderr)
            sys.exit(255)
    elif args[:2] == ["stack", "init"]:
        stacks.mkdir(exist_ok=True)
        (stacks / args[2]).touch()
        print(f"Created stack '{{args[2]}}'")
    elif args[:2] == ["config", "set"]:
        rest = [a for a in args[2:] if a != "--secret"]
        config[rest[0]] = rest[1]
        config_file.write_text(json.dumps(config))
    elif args[0] in ("up", "refresh", "destroy"):
        org = call("/api/organizations/@current/")
        (backend / "fake-org.json").write_text(json.dumps(org))
        print(f"{{args[0]}}: Resources: 3 unchanged")
    elif args[:3] == ["stack", "output", "--json"]:
        org = json.loads((backend / "fake-org.json").read_text())
        print(json.dumps({{
            "organization_id": org["id"], "organization_name": org["name"], "project_id": 1.0,
            "batch_export_id": "01900000-0000-7000-8000-000000000001", "backfill_status": "Running",
        }}))
    else:
        print("fake pulumi: unexpected call " + " ".join(args), file=sys.stderr)
        sys.exit(3)
    """
)

FAKE_MAKE = textwrap.dedent(
    """\
    #!/bin/sh
    echo "$*" >> "$FAKE_MAKE_LOG"
    """
)


def _executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@dataclass
class Demo:
    root: Path
    bin: Path
    pulumi_log: Path
    make_log: Path
    env: dict[str, str]

    def run(self, *args: str, pulumi: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = dict(self.env)
        env["PATH"] = f"{self.bin / 'with-pulumi'}:{self.bin}" if pulumi else str(self.bin)
        command = ["bash", str(self.root / "scripts" / "demo.sh"), *args] if args else ["make", "-s", "demo"]
        return subprocess.run(
            command, cwd=cwd or self.root, env=env, capture_output=True, text=True, timeout=120, check=False
        )

    def calls(self) -> list[dict[str, Any]]:
        if not self.pulumi_log.exists():
            return []
        return [json.loads(line) for line in self.pulumi_log.read_text().splitlines()]

    def argvs(self) -> list[list[str]]:
        return [c["argv"] for c in self.calls()]

    def pid(self) -> int | None:
        pid_file = self.root / ".posthog-local" / "server.pid"
        return int(pid_file.read_text()) if pid_file.exists() else None

    def url(self) -> str:
        return (self.root / ".posthog-local" / "server.url").read_text().strip()

    def reset_logs(self) -> None:
        for log in (self.pulumi_log, self.make_log):
            log.unlink(missing_ok=True)


def alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie (exited, not reaped yet) is not a live server
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """The repo's demo files in ``tmp_path``, a PATH of plain tools (+ the fake `pulumi` when wanted), and the
    background server (if one was started) killed afterwards."""
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts" / "demo.sh", root / "scripts" / "demo.sh")
    shutil.copy2(ROOT / "Makefile", root / "Makefile")
    shutil.copy2(ROOT / "Pulumi.yaml", root / "Pulumi.yaml")
    bin_dir = tmp_path / "bin"
    (bin_dir / "with-pulumi").mkdir(parents=True)
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    _executable(bin_dir / "with-pulumi" / "pulumi", FAKE_PULUMI.format(python=sys.executable))
    fake_make = _executable(tmp_path / "fake-make", FAKE_MAKE)
    env = {
        "HOME": str(tmp_path),
        "VENV": str(VENV),
        "MAKE": str(fake_make),
        "POSTHOG_LOCAL_PORT": "0",
        "PULUMI_CONFIG_PASSPHRASE": "the user's own passphrase",  # the demo must not use it
        "PULUMI_BACKEND_URL": "https://api.pulumi.com",  # nor the user's backend
        "FAKE_PULUMI_LOG": str(tmp_path / "pulumi.log"),
        "FAKE_MAKE_LOG": str(tmp_path / "make.log"),
    }
    state = Demo(root, bin_dir, tmp_path / "pulumi.log", tmp_path / "make.log", env)
    yield state
    pid = state.pid()
    if alive(pid):
        assert pid is not None
        os.kill(pid, signal.SIGKILL)


def test_without_pulumi_it_stops_at_once_with_the_install_link_and_exit_code_2(demo: Demo) -> None:
    for result in (demo.run("up", pulumi=False), demo.run(pulumi=False)):  # the script, and `make demo`
        assert result.returncode == 2, result.stderr
        assert "https://www.pulumi.com/docs/iac/download-install/" in result.stderr
        assert "Nothing was started." in result.stderr
    assert not (demo.root / ".posthog-local").exists() and not (demo.root / ".pulumi-state").exists()
    assert not demo.make_log.exists()  # not even the virtualenv bootstrap


def test_make_demo_in_the_repo_without_pulumi_exits_2_before_anything(demo: Demo) -> None:
    before = sorted(p.name for p in ROOT.iterdir())

    result = demo.run(pulumi=False, cwd=ROOT)

    assert result.returncode == 2 and "no `pulumi` on PATH" in result.stderr
    assert sorted(p.name for p in ROOT.iterdir()) == before


def test_demo_starts_the_server_creates_the_stack_runs_up_and_is_idempotent(demo: Demo) -> None:
    first = demo.run("up")

    assert first.returncode == 0, first.stderr + first.stdout
    url, pid = demo.url(), demo.pid()
    assert alive(pid) and url.startswith("http://127.0.0.1:")
    assert "pulumi_posthog.local" in Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    assert (demo.root / ".posthog-local" / "posthog-local.sqlite3").exists()
    assert "posthog-local ready" in (demo.root / ".posthog-local" / "server.log").read_text()
    assert demo.make_log.read_text().split() == [
        "--no-print-directory",
        "-s",
        f"VENV={VENV}",
        "PY=python3",
        f"{VENV}/.installed",
    ]
    assert demo.argvs() == [
        ["stack", "select", "local"],
        ["stack", "init", "local"],
        ["config", "set", "posthog:host", url],
        ["config", "set", "--secret", "posthog:apiKey", DEV_KEY],
        ["up", "--yes"],
        ["stack", "output", "--json"],
    ]
    for call in demo.calls():
        assert call["cwd"] == str(demo.root)
        assert call["env"]["PULUMI_BACKEND_URL"] == f"file://{demo.root}/.pulumi-state"
        assert call["env"]["PULUMI_CONFIG_PASSPHRASE"] == PASSPHRASE
    out = first.stdout
    assert "organization_id" in out and "project_id             1\n" in out
    assert f'curl -s -H "Authorization: Bearer {DEV_KEY}" {url}/api/organizations/@current/' in out
    assert f"{url}/api/projects/1/batch_exports/01900000-0000-7000-8000-000000000001/backfills/" in out
    assert "make demo-down" in out

    demo.reset_logs()
    second = demo.run("up")

    assert second.returncode == 0, second.stderr + second.stdout
    assert demo.pid() == pid and demo.url() == url and alive(pid)  # the running server is reused
    assert "already running" in second.stdout
    assert demo.argvs() == [
        ["stack", "select", "local"],
        ["config", "set", "posthog:host", url],
        ["config", "set", "--secret", "posthog:apiKey", DEV_KEY],
        ["up", "--yes"],
        ["stack", "output", "--json"],
    ]

    demo.reset_logs()
    down = demo.run("down")

    assert down.returncode == 0, down.stderr + down.stdout
    assert demo.argvs() == [
        ["stack", "select", "local"],
        ["config", "set", "posthog:host", url],
        ["destroy", "--yes"],
    ]
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pid) and demo.pid() is None
    assert (demo.root / ".posthog-local" / "posthog-local.sqlite3").exists()  # the data stays


def test_a_dead_server_is_restarted_and_a_new_database_refreshes_the_stack(demo: Demo) -> None:
    assert demo.run("up").returncode == 0
    first_pid = demo.pid()
    assert first_pid is not None
    os.kill(first_pid, signal.SIGKILL)
    for name in ("posthog-local.sqlite3", "server.url"):
        (demo.root / ".posthog-local" / name).unlink()
    demo.reset_logs()

    again = demo.run("up")

    assert again.returncode == 0, again.stderr + again.stdout
    assert alive(demo.pid()) and demo.pid() != first_pid
    assert "started posthog-local" in again.stdout
    assert demo.argvs()[-3:] == [["refresh", "--yes"], ["up", "--yes"], ["stack", "output", "--json"]]


def test_demo_down_without_a_stack_only_stops_the_server(demo: Demo) -> None:
    result = demo.run("down")

    assert result.returncode == 0, result.stderr
    assert demo.argvs() == [["stack", "select", "local"]] and "nothing to destroy" in result.stdout
    assert not (demo.root / ".posthog-local").exists()
