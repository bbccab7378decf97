"""Configuration resolution: explicit, then stack config, then environment; a clear error when no key."""

from __future__ import annotations

import pytest
from pulumi_posthog.client import ConfigurationError, PostHogClient, resolve_config

STACK = {"posthog:host": "https://eu.posthog.com", "posthog:apiKey": "phx_from_stack_config"}
ENV = {
    "POSTHOG_HOST": "https://posthog.example.com",
    "POSTHOG_PERSONAL_API_KEY": "phx_from_personal_env",
    "POSTHOG_API_KEY": "phx_from_generic_env",
}


def test_explicit_values_win() -> None:
    config = resolve_config("https://self.hosted/", "phx_explicit_key", STACK, ENV)
    assert (config.host, config.api_key) == ("https://self.hosted", "phx_explicit_key")
    assert (config.host_source, config.api_key_source) == ("argument", "argument")


def test_stack_config_comes_before_the_environment() -> None:
    config = resolve_config(None, None, STACK, ENV)
    assert (config.host, config.api_key) == ("https://eu.posthog.com", "phx_from_stack_config")
    assert config.api_key_source == "stack config posthog:apiKey"


def test_environment_personal_key_before_generic_key() -> None:
    config = resolve_config(environ=ENV)
    assert (config.host, config.api_key) == ("https://posthog.example.com", "phx_from_personal_env")
    generic = resolve_config(environ={"POSTHOG_API_KEY": "phx_from_generic_env"})
    assert generic.api_key == "phx_from_generic_env" and generic.api_key_source == "environment POSTHOG_API_KEY"


def test_each_value_is_resolved_independently_and_empty_means_unset() -> None:
    config = resolve_config(" ", None, {"posthog:host": "", "posthog:apiKey": "phx_stack_only"}, ENV)
    assert config.host == "https://posthog.example.com" and config.api_key == "phx_stack_only"


def test_default_host() -> None:
    assert resolve_config(api_key="phx_k1234567", environ={}).host == "https://us.posthog.com"


def test_host_without_scheme_means_https() -> None:
    assert resolve_config("eu.posthog.com", "phx_k1234567", environ={}).host == "https://eu.posthog.com"


def test_missing_key_names_all_three_places() -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve_config(None, None, {"posthog:host": "https://eu.posthog.com"}, {})
    message = str(info.value)
    for place in ("api_key argument", "posthog:apiKey", "POSTHOG_PERSONAL_API_KEY", "POSTHOG_API_KEY"):
        assert place in message


def test_a_project_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve_config(api_key="phc_projectTokenValue123", environ={})
    assert "personal API key" in str(info.value) and "phc_projectTokenValue123" not in str(info.value)


def test_the_key_is_not_in_the_repr() -> None:
    config = resolve_config(api_key="phx_secret_in_repr_test", environ={})
    assert "phx_secret_in_repr_test" not in repr(config)


def test_client_from_config() -> None:
    client = PostHogClient.from_config(stack_config=STACK, environ=ENV)
    try:
        assert client.host == "https://eu.posthog.com"
        assert "phx_from_stack_config" not in repr(client)
    finally:
        client.close()
