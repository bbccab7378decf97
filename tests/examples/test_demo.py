"""`make demo` / `make demo-down` (scripts/demo.sh) end to end, under a stand-in `pulumi` with the real CLI's rules.

The script runs from a copy of the repo's layout in a temporary directory (so its .posthog-local/ and .pulumi-state/
land there) and starts a real posthog-local in the background. The stand-in (tests/examples/fake_pulumi.py) resolves
the virtualenv as the language host and the dynamic-provider launcher do (project root vs. main's directory), keeps
stack config and encrypted state in the file backend, and runs the quickstart program through the engine harness with
a real plugin process, so the objects really appear on the server (and a wrong layout, URL or key fails the run).
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
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.prefix)
TOOLS = (
    "bash", "sh", "env", "dirname", "cat", "mkdir", "grep", "awk", "sleep", "rm", "tail", "tr", "seq", "ps",
    "setsid", "nohup", "make", "sed", "head",
)  # fmt: skip
PASSPHRASE = "posthog-local-demo"
DEV_KEY = "phx_posthog_local_development_key"

FAKE_PULUMI = textwrap.dedent(
    """\
    #!{python}
    import runpy, sys
    sys.argv[0] = "pulumi"
    runpy.run_path({fake!r}, run_name="__main__")
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
            command, cwd=cwd or self.root, env=env, capture_output=True, text=True, timeout=180, check=False
        )

    def calls(self) -> list[dict[str, Any]]:
        if not self.pulumi_log.exists():
            return []
        return [json.loads(line) for line in self.pulumi_log.read_text().splitlines()]

    def argvs(self) -> list[list[str]]:
        """The calls after the version check the script makes first (asserted once, in the end-to-end test)."""
        return [c["argv"] for c in self.calls() if c["argv"] != ["version"]]

    def pid(self) -> int | None:
        pid_file = self.root / ".posthog-local" / "server.pid"
        return int(pid_file.read_text()) if pid_file.exists() else None

    def url(self) -> str:
        return (self.root / ".posthog-local" / "server.url").read_text().strip()

    def api(self, path: str) -> Any:
        request = urllib.request.Request(self.url() + path, headers={"Authorization": f"Bearer {DEV_KEY}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

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


def copy_layout(root: Path) -> None:
    """What `make demo` needs of the repo, links kept as links (examples/quickstart/.venv-demo → ../../.venv-demo)."""
    (root / "scripts").mkdir(parents=True)
    for name in ("demo.sh", "get_pulumi.py"):
        shutil.copy2(ROOT / "scripts" / name, root / "scripts" / name)
    for name in ("Makefile", "Pulumi.yaml"):
        shutil.copy2(ROOT / name, root / name)
    shutil.copytree(ROOT / "examples" / "quickstart", root / "examples" / "quickstart", symlinks=True)
    (root / ".venv-demo").symlink_to(VENV)  # the demo's venv: here, the environment running the tests


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """The repo's demo files in ``tmp_path``, a PATH of plain tools (+ the stand-in `pulumi` when wanted), and the
    background server (if one was started) killed afterwards."""
    root = tmp_path / "repo"
    copy_layout(root)
    bin_dir = tmp_path / "bin"
    (bin_dir / "with-pulumi").mkdir(parents=True)
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    fake = ROOT / "tests" / "examples" / "fake_pulumi.py"
    _executable(bin_dir / "with-pulumi" / "pulumi", FAKE_PULUMI.format(python=sys.executable, fake=str(fake)))
    fake_make = _executable(tmp_path / "fake-make", FAKE_MAKE)
    env = {
        "HOME": str(tmp_path),
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


def test_without_pulumi_it_stops_at_once_offering_the_download_and_exit_code_2(demo: Demo) -> None:
    for result in (demo.run("up", pulumi=False), demo.run(pulumi=False)):  # the script, and `make demo`
        assert result.returncode == 2, result.stderr
        assert "https://www.pulumi.com/docs/iac/download-install/" in result.stderr
        assert "`make pulumi-cli` downloads Pulumi v3.272.0 into .pulumi-cli/" in result.stderr
        assert "Nothing was started." in result.stderr
    assert not (demo.root / ".posthog-local").exists() and not (demo.root / ".pulumi-state").exists()
    assert not demo.make_log.exists()  # not even the virtualenv bootstrap


def test_make_demo_in_the_repo_without_pulumi_exits_2_before_anything(demo: Demo) -> None:
    before = sorted(p.name for p in ROOT.iterdir())

    result = demo.run(pulumi=False, cwd=ROOT)

    assert result.returncode == 2 and "no `pulumi` on PATH" in result.stderr
    assert sorted(p.name for p in ROOT.iterdir()) == before


def test_a_cli_downloaded_into_the_repo_is_used_without_touching_path(demo: Demo) -> None:
    cli = demo.root / ".pulumi-cli" / "pulumi"
    cli.mkdir(parents=True)
    fake = ROOT / "tests" / "examples" / "fake_pulumi.py"
    _executable(cli / "pulumi", FAKE_PULUMI.format(python=sys.executable, fake=str(fake)))

    result = demo.run("up", pulumi=False)

    assert result.returncode == 0, result.stderr + result.stdout
    assert demo.argvs()[0] == ["stack", "select", "local"]


def test_the_old_layout_fails_as_under_the_real_cli(demo: Demo) -> None:
    # Pulumi.yaml `virtualenv: .venv-demo` + `main: examples/quickstart` without the link: the program finds the venv
    # at the root, the plugin looks in examples/quickstart/.venv-demo (pulumi/pulumi#7061) and exits.
    (demo.root / "examples" / "quickstart" / ".venv-demo").unlink()

    result = demo.run("up")

    assert result.returncode != 0
    expected = (
        f'is set to "{demo.root}/examples/quickstart/.venv-demo", but "{demo.root}/examples/quickstart/.venv-demo"'
    )
    assert expected in result.stdout + result.stderr
    assert "doesn't exist" in result.stdout + result.stderr


def test_demo_up_twice_then_down_end_to_end(demo: Demo) -> None:
    first = demo.run("up")

    assert first.returncode == 0, first.stderr + first.stdout
    url, pid = demo.url(), demo.pid()
    assert alive(pid) and url.startswith("http://127.0.0.1:")
    assert "pulumi_posthog.local" in Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    assert "posthog-local ready" in (demo.root / ".posthog-local" / "server.log").read_text()
    assert demo.make_log.read_text().split() == ["--no-print-directory", "-s", "PY=python3", ".venv-demo/.installed"]
    assert demo.calls()[0]["argv"] == ["version"]  # the CLI floor is checked before anything else
    assert demo.argvs() == [
        ["stack", "select", "local"],
        ["stack", "init", "local"],
        ["config", "set", "posthog:host", url],
        ["config", "set", "--secret", "posthog:apiKey", DEV_KEY],
        ["up", "--yes"],
        ["stack", "output", "--json"],
    ]
    for call in demo.calls()[1:]:  # after the one `pulumi version`, which reads no backend
        assert call["cwd"] == str(demo.root)
        assert call["env"]["PULUMI_BACKEND_URL"] == f"file://{demo.root}/.pulumi-state"
        assert call["env"]["PULUMI_CONFIG_PASSPHRASE"] == PASSPHRASE
    out = first.stdout
    assert "Resources:\n    + 4 created\n" in out, out
    exports = demo.api("/api/projects/@current/batch_exports/")["results"]
    assert [e["name"] for e in exports] == ["quickstart: events to PostHog US"]
    export_id, project_id = exports[0]["id"], exports[0]["team_id"]
    backfills = demo.api(f"/api/projects/{project_id}/batch_exports/{export_id}/backfills/")["results"]
    assert len(backfills) == 1
    assert f"project_id             {project_id}\n" in out
    assert f"batch_export_id        {export_id}\n" in out
    assert f'curl -s -H "Authorization: Bearer {DEV_KEY}" {url}/api/organizations/@current/' in out
    assert f"{url}/api/projects/{project_id}/batch_exports/{export_id}/backfills/" in out
    assert "make demo-down" in out
    config = (demo.root / "Pulumi.local.yaml").read_text()
    assert DEV_KEY not in config and "secure:" in config  # the key is stack config, encrypted
    assert DEV_KEY not in "".join(p.read_text() for p in (demo.root / ".pulumi-state").rglob("*.json"))

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
    assert "Resources:\n    4 unchanged\n" in second.stdout, second.stdout
    assert len(demo.api("/api/projects/@current/batch_exports/")["results"]) == 1

    demo.reset_logs()
    down = demo.run("down")

    assert down.returncode == 0, down.stderr + down.stdout
    assert demo.argvs() == [
        ["stack", "select", "local"],
        ["config", "set", "posthog:host", url],
        ["destroy", "--yes"],
    ]
    assert "- 4 deleted" in down.stdout, down.stdout
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
    for extra in (demo.root / ".posthog-local").glob("posthog-local.sqlite3-*"):
        extra.unlink()
    demo.reset_logs()

    again = demo.run("up")

    assert again.returncode == 0, again.stderr + again.stdout
    assert alive(demo.pid()) and demo.pid() != first_pid
    assert "started posthog-local" in again.stdout
    assert demo.argvs()[-3:] == [["refresh", "--yes"], ["up", "--yes"], ["stack", "output", "--json"]]
    assert len(demo.api("/api/projects/@current/batch_exports/")["results"]) == 1  # recreated once, on the new server


def test_demo_down_without_a_stack_only_stops_the_server(demo: Demo) -> None:
    result = demo.run("down")

    assert result.returncode == 0, result.stderr
    assert demo.argvs() == [["stack", "select", "local"]] and "nothing to destroy" in result.stdout
    assert not (demo.root / ".posthog-local").exists()


def test_a_pulumi_cli_older_than_3_139_is_refused_before_anything_starts(demo: Demo) -> None:
    # Dynamic providers receive the stack config in configure() from CLI 3.139 (pulumi/pulumi#17673).
    _executable(
        demo.bin / "with-pulumi" / "pulumi", '#!/bin/sh\n[ "$1" = version ] && echo v3.138.9 && exit 0\nexit 3\n'
    )

    result = demo.run("up")

    assert result.returncode == 2, result.stderr
    assert "Pulumi CLI v3.138.9 is older than 3.139" in result.stderr and "make pulumi-cli" in result.stderr
    assert not (demo.root / ".posthog-local").exists() and not demo.make_log.exists()
