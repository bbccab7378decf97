"""posthog-local's fault injection as tests drive it: add a fault rule, read the rules and how often each fired."""

from __future__ import annotations

from typing import Any

from pulumi_posthog.testing.local_server import LocalServer


def fault(server: LocalServer, **spec: Any) -> None:
    """Add a fault rule (``/_local/faults``: ``status``/``drop``/``latency_ms``, ``when``, ``path``, ``share``…)."""
    server.control("POST", "faults", json=spec)


def faults_pending(server: LocalServer) -> list[dict[str, Any]]:
    """The fault rules still in force, each with its ``hits``."""
    return server.control("GET", "faults")["faults"]
