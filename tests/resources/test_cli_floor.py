"""Stack config reaches a dynamic provider's ``configure()`` only from Pulumi CLI 3.139 (pulumi/pulumi#17673): when
the provider received no ``posthog:*`` config and the environment has no key, the error says so."""

from __future__ import annotations

import os
from typing import Any

import pytest
from pulumi_posthog import functions
from pulumi_posthog.client import ConfigurationError

from tests.conftest import LocalServer
from tests.harness import MiniEngine
from tests.resources.conftest import goal

FLOOR = "Pulumi CLI >= 3.139"


@pytest.fixture(autouse=True)
def no_posthog_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("POSTHOG_"):
            monkeypatch.delenv(name)


def org(connection: str | None = None) -> Any:
    return goal("Organization", "org", {"name": "Acme", "deletion_protection": False}, connection)


def failure(engine: MiniEngine, connection: str | None = None) -> str:
    assert engine.preview([org(connection)]).ok  # a preview calls nothing that needs the key
    result = engine.up([org(connection)])
    assert not result.ok and engine.resources == []
    return result.errors[0].summary


def test_no_stack_config_and_no_key_in_the_environment_names_the_cli_floor() -> None:
    message = failure(MiniEngine({}))
    assert FLOOR in message and "pulumi/pulumi#17673" in message, message
    assert "posthog:apiKey" in message and "POSTHOG_PERSONAL_API_KEY" in message, message


def test_a_named_connection_without_any_stack_config_names_the_cli_floor() -> None:
    message = failure(MiniEngine({}), "eu")
    assert FLOOR in message and "POSTHOG_EU_PERSONAL_API_KEY" in message, message
    assert "posthog:connections.eu.apiKey" in message, message


def test_stack_config_that_arrived_without_a_key_does_not_blame_the_cli() -> None:
    message = failure(MiniEngine({"posthog:host": "https://eu.posthog.com"}))
    assert "No PostHog personal API key found" in message and FLOOR not in message, message


def test_without_stack_config_the_environment_is_used(
    posthog_local: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an older CLI (no config for dynamic providers) works with."""
    monkeypatch.setenv("POSTHOG_HOST", posthog_local.url)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", posthog_local.new_key(user_id=posthog_local.new_user("owner")))
    engine = MiniEngine({"aws:region": "us-east-1"})
    engine.up([org()]).expect_ok()
    engine.destroy().expect_ok()


def test_program_side_lookups_are_not_told_about_dynamic_providers() -> None:
    """Functions run in the program, which always gets the stack config: the hint would mislead there."""
    with pytest.raises(ConfigurationError) as raised:
        functions.get_organization()
    assert FLOOR not in str(raised.value) and "No PostHog personal API key found" in str(raised.value)
