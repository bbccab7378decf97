"""Fixtures for the resource scenarios: stacks (a MiniEngine on a posthog-local), projects, goals, secret checks.

- ``Stack``: a MiniEngine whose stack config holds the server's URL and API key (as a secret), and which counts
  the HTTP calls the server answered during each run (``stack.calls``, ``stack.calls_to("batch_exports")``).
- Goal builders ``organization``/``batch_export``/``integration``/``backfill``/``rollback``: dynamic-resource
  goals exactly as the public classes register them (``secret_keys`` wraps values as ``Secret`` like the
  program-side classes do; the scenarios list their secret keys themselves, independently of the provider).
- ``stack`` / ``stack_2025`` / ``make_stack`` fixtures: every stack's checkpoint is checked for plaintext
  secrets (the API key and every ``Secret`` value a goal carried) when the test ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pulumi_posthog.testing.stack import (
    DYNAMIC_CALLS,
    FAST_RETRIES,
    Program,
    Register,
    Stack,
    assert_no_plaintext,
    backfill,
    batch_export,
    goal,
    integration,
    organization,
    plaintext_in,
    rollback,
    secret_strings,
    wrap_secrets,
)

from tests.conftest import LocalServer

__all__ = [
    "DYNAMIC_CALLS",
    "FAST_RETRIES",
    "Program",
    "Register",
    "Stack",
    "assert_no_plaintext",
    "backfill",
    "batch_export",
    "goal",
    "integration",
    "organization",
    "plaintext_in",
    "rollback",
    "secret_strings",
    "wrap_secrets",
]


@pytest.fixture
def make_stack() -> Iterator[Callable[..., Stack]]:
    """A factory of stacks (``make_stack(server, api_key=None)``); all are checked for plaintext secrets."""
    stacks: list[Stack] = []

    def factory(server: LocalServer, api_key: str | None = None, **engine_options: Any) -> Stack:
        created = Stack(server, api_key, **engine_options)
        stacks.append(created)
        return created

    yield factory
    for created in stacks:
        created.assert_no_plaintext()


@pytest.fixture
def stack(posthog_local: LocalServer, make_stack: Callable[..., Stack]) -> Stack:
    """A stack on the shared latest-profile server."""
    return make_stack(posthog_local)


@pytest.fixture
def stack_2025(posthog_local_2025: LocalServer, make_stack: Callable[..., Stack]) -> Stack:
    """A stack on the shared 2025-profile server."""
    return make_stack(posthog_local_2025)


@pytest.fixture
def project(posthog_local: LocalServer) -> int:
    """A fresh project (in the bootstrap organization) of the latest-profile server."""
    return posthog_local.new_project()


@pytest.fixture
def project_2025(posthog_local_2025: LocalServer) -> int:
    """A fresh project of the 2025-profile server."""
    return posthog_local_2025.new_project()


# ----- reliability (test_faults*, test_bad_input*, test_plugin*, test_program*, test_serialization*) -----------


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Clients the provider builds in this test retry exactly as usual, only with short backoffs."""
    import functools

    from pulumi_posthog.client import PostHogClient, RetryPolicy
    from pulumi_posthog.resources import connection

    fast = functools.partial(PostHogClient, retry=RetryPolicy(**FAST_RETRIES))
    monkeypatch.setattr(connection, "PostHogClient", fast)
    connection._clients.clear()
    yield
    connection._clients.clear()


@pytest.fixture(scope="module")
def fault_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """A private latest-profile posthog-local per test module (faults and rate limits never reach the shared one)."""
    from tests.conftest import start_server

    server = start_server(tmp_path_factory.mktemp("faults") / "latest.sqlite3", "latest")
    yield server
    server.stop()


@pytest.fixture
def fault_stack(fault_server: LocalServer, make_stack: Callable[..., Stack], fast_retries: None) -> Iterator[Stack]:
    """A stack on the module's private server, fast retries; faults and rate limits are cleared afterwards."""
    yield make_stack(fault_server)
    fault_server.clear_faults()
    fault_server.control("PUT", "rate-limits", json={"enabled": False})


# ----- waits (test_propagation*) -----------------------------------------------------------------------------


@pytest.fixture
def short_waits(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The provider's waits for IAM, DNS and backfill rows, bounded to about two seconds each."""
    from pulumi_posthog.resources import waiting

    short = waiting.Backoff(total=2.0, first=0.2, factor=1.5, cap=0.6)
    waits = waiting.Waits(role_propagation=short, dns=short, backfill_rows=short)
    monkeypatch.setattr(waiting, "WAITS", waits)
    return waits
