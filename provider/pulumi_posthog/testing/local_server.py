"""posthog-local for tests: start it as users do (a subprocess on a free port) and call its API and ``/_local/``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

BOOTSTRAP_KEY = "phx_test_bootstrap_key_0123456789abcdef"
READY_TIMEOUT = 20.0


@dataclass
class LocalServer:
    """A running posthog-local: its URL, bootstrap ids and helpers for the API and /_local/."""

    process: subprocess.Popen[str]
    url: str
    organization: str
    project: int
    db: Path
    profile: str
    api_key: str = BOOTSTRAP_KEY
    session: requests.Session = field(default_factory=requests.Session)

    def api(self, method: str, path: str, key: str | None = None, **kwargs: Any) -> requests.Response:
        """Call the PostHog API with the bootstrap key (or ``key``); ``key=""`` sends no credentials."""
        headers = dict(kwargs.pop("headers", {}) or {})
        token = self.api_key if key is None else key
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.session.request(method, self.url + path, headers=headers, timeout=30, **kwargs)

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call /_local/ and return its JSON, failing the test on an error status."""
        response = self.api(method, "/_local/" + path.lstrip("/"), **kwargs)
        if response.status_code >= 400:
            raise AssertionError(response.text)  # fails the calling test
        return response.json()

    def new_key(self, scopes: list[str] | None = None, **kwargs: Any) -> str:
        body = {"scopes": ["*"] if scopes is None else scopes, **kwargs}
        return self.control("POST", "keys", json=body)["key"]

    def new_user(self, level: str = "member", organization: str | None = None) -> int:
        body = {"organization_id": organization or self.organization, "level": level}
        return self.control("POST", "users", json=body)["id"]

    def new_project(self, organization: str | None = None) -> int:
        return self.control("POST", "projects", json={"organization_id": organization or self.organization})["id"]

    def set_flags(self, project: int, **flags: bool) -> None:
        self.control("PUT", f"projects/{project}/feature-flags", json={"flags": flags})

    def clear_faults(self) -> None:
        self.control("DELETE", "faults")

    def requests_seen(self) -> dict[str, Any]:
        return self.control("GET", "requests")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.session.close()


def start_server(db: Path, profile: str = "latest", api_key: str = BOOTSTRAP_KEY, *extra: str) -> LocalServer:
    """Start ``python -m pulumi_posthog.local`` on a free port and wait for its ready line."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("POSTHOG_LOCAL_API_KEY", None)
    cmd = [
        sys.executable, "-m", "pulumi_posthog.local", "--port", "0", "--db", str(db),
        "--profile", profile, "--api-key", api_key, *extra,
    ]  # fmt: skip
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + READY_TIMEOUT
    line = process.stdout.readline() if process.stdout is not None else ""
    if not line.startswith("posthog-local ready ") or time.monotonic() > deadline:
        process.kill()
        _, err = process.communicate(timeout=5)
        raise RuntimeError(f"posthog-local did not start: {line!r} {err[-2000:]}")
    parts = line.split()
    fields = dict(p.split("=", 1) for p in parts[3:])
    return LocalServer(
        process=process,
        url=parts[2],
        organization=fields["organization"],
        project=int(fields["project"]),
        db=db,
        profile=profile,
        api_key=api_key,
    )
