"""Fixtures: a fresh analyzer per test, configured like the CLI with no policy config."""

from __future__ import annotations

import pytest

from tests.policies.analyzer import PolicyAnalyzer


@pytest.fixture
def analyzer() -> PolicyAnalyzer:
    """The PostHog policies at their default levels, for a stack whose ``aws:region`` is eu-west-1."""
    return PolicyAnalyzer(stack_config={"aws:region": "eu-west-1"})
