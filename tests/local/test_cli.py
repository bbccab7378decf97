"""The posthog-local command line: ready line, loopback guard, persistence across restarts, no key in logs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from tests.conftest import start_server


def test_console_script_prints_one_ready_line_within_5_seconds(tmp_path: Path) -> None:
    exe = shutil.which("posthog-local", path=str(Path(sys.executable).parent))
    assert exe, "the posthog-local console script is installed with the package"
    started = time.monotonic()
    process = subprocess.Popen(
        [exe, "--port", "0", "--db", str(tmp_path / "db.sqlite3")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "POSTHOG_LOCAL_API_KEY": "phx_from_environment_123456"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        elapsed = time.monotonic() - started
        assert line.startswith("posthog-local ready http://127.0.0.1:"), line
        assert elapsed < 5, f"ready after {elapsed:.2f}s"
        fields = dict(p.split("=", 1) for p in line.split()[3:])
        assert set(fields) == {"organization", "project"}
        url = line.split()[2]
        response = requests.get(
            f"{url}/api/organizations/@current/",
            headers={"Authorization": "Bearer phx_from_environment_123456"},
            timeout=10,
        )
        assert response.status_code == 200 and response.json()["id"] == fields["organization"]
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=10)
    assert out == "", "exactly one line on stdout"


def test_refuses_non_loopback_bind_without_allow_remote(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_posthog.local", "--host", "0.0.0.0", "--port", "0", "--db", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "refusing to bind '0.0.0.0'" in result.stderr and "--allow-remote" in result.stderr
    assert not (tmp_path / "x").exists(), "nothing is created before the refusal"


def test_allow_remote_binds_any_address(fresh_local: Any) -> None:
    server = fresh_local("latest", None, "--host", "0.0.0.0", "--allow-remote")
    assert server.url.startswith("http://0.0.0.0:")
    port = server.url.rsplit(":", 1)[1]
    response = requests.get(f"http://127.0.0.1:{port}/api/organizations/", timeout=10)
    assert response.status_code == 401


def test_data_and_bootstrap_survive_a_restart(fresh_local: Any, tmp_path: Path) -> None:
    db = tmp_path / "persist.sqlite3"
    first = fresh_local("latest", db)
    created = first.api("POST", "/api/organizations/", json={"name": "Survivor"}).json()
    first.stop()
    second = fresh_local("latest", db)
    assert second.organization == first.organization
    assert second.project == first.project
    again = second.api("GET", f"/api/organizations/{created['id']}/")
    assert again.status_code == 200 and again.json()["name"] == "Survivor"
    assert again.json()["slug"] == created["slug"]
    # The creator's @current still follows the organization it created last.
    assert second.api("GET", "/api/organizations/@current/").json()["id"] == created["id"]


def test_changing_the_bootstrap_key_replaces_the_old_one(tmp_path: Path) -> None:
    db = tmp_path / "keys.sqlite3"
    first = start_server(db, "latest", "phx_first_key_0000000000")
    first.stop()
    second = start_server(db, "latest", "phx_second_key_000000000")
    try:
        assert second.api("GET", "/api/organizations/").status_code == 200
        assert second.api("GET", "/api/organizations/", key="phx_first_key_0000000000").status_code == 401
    finally:
        second.stop()


def test_request_log_never_contains_key_values(tmp_path: Path) -> None:
    key = "phx_secret_never_logged_42"
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_posthog.local", "--port", "0", "--db", str(tmp_path / "db"),
         "--api-key", key, "--log-requests"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[2]
        requests.get(f"{url}/api/organizations/", params={"personal_api_key": key}, timeout=10)
        requests.get(f"{url}/api/organizations/", headers={"Authorization": f"Bearer {key}"}, timeout=10)
        requests.post(f"{url}/api/organizations/", json={"name": "x", "personal_api_key": key}, timeout=10)
        requests.get(f"{url}/api/organizations/", params={"personal_api_key": key + "x"}, timeout=10)
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "GET /api/organizations/ 200" in err
    assert key not in err
    db_bytes = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert key.encode() not in db_bytes, "only a hash of the key is stored"
