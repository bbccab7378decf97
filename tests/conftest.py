"""Shared fixtures: posthog-local started the way users start it (a subprocess on a free port)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi_posthog.testing.local_server import BOOTSTRAP_KEY, READY_TIMEOUT, LocalServer, start_server

__all__ = ["BOOTSTRAP_KEY", "READY_TIMEOUT", "LocalServer", "start_server"]


@pytest.fixture(scope="session")
def _server_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="posthog-local-") as tmp:
        yield Path(tmp)


@pytest.fixture(scope="session")
def posthog_local(_server_dir: Path) -> Iterator[LocalServer]:
    """One posthog-local (latest profile) shared by a test session; tests create what they need in it."""
    server = start_server(_server_dir / "latest.sqlite3", "latest")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def posthog_local_2025(_server_dir: Path) -> Iterator[LocalServer]:
    """One posthog-local in the 2025 profile (the seed's API)."""
    server = start_server(_server_dir / "2025.sqlite3", "2025")
    yield server
    server.stop()


@pytest.fixture(params=["latest", "2025"])
def any_profile(request: pytest.FixtureRequest) -> LocalServer:
    """Runs a test against both profiles."""
    name = "posthog_local" if request.param == "latest" else "posthog_local_2025"
    return request.getfixturevalue(name)


@pytest.fixture
def fresh_local(tmp_path: Path) -> Iterator[Any]:
    """A factory for private servers (own database) that are stopped after the test."""
    started: list[LocalServer] = []

    def factory(profile: str = "latest", db: Path | None = None, *extra: str) -> LocalServer:
        server = start_server(db or tmp_path / f"{profile}-{len(started)}.sqlite3", profile, BOOTSTRAP_KEY, *extra)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture
def no_faults(posthog_local: LocalServer) -> Iterator[LocalServer]:
    """The shared server, with faults and rate limits cleared after the test."""
    yield posthog_local
    posthog_local.clear_faults()
    posthog_local.control("PUT", "rate-limits", json={"enabled": False})


@pytest.fixture
def org_with_project(posthog_local: LocalServer) -> dict[str, Any]:
    """A new organization (owned by the bootstrap user) with its default project, isolated from other tests."""
    response = posthog_local.api("POST", "/api/organizations/", json={"name": "Test org"})
    assert response.status_code == 201, response.text
    body = response.json()
    return {"organization": body["id"], "project": body["projects"][0]["id"], "body": body}
