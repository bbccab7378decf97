"""Where the host and the API key come from: explicit values, then stack config, then the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_posthog.client.errors import ConfigurationError, register_secret

__all__ = [
    "DEFAULT_HOST",
    "ENV_API_KEYS",
    "ENV_HOST",
    "STACK_API_KEY",
    "STACK_HOST",
    "ClientConfig",
    "normalize_host",
    "resolve_config",
]

DEFAULT_HOST = "https://us.posthog.com"
STACK_HOST = "posthog:host"
STACK_API_KEY = "posthog:apiKey"
ENV_HOST = "POSTHOG_HOST"
ENV_API_KEYS = ("POSTHOG_PERSONAL_API_KEY", "POSTHOG_API_KEY")


@dataclass(frozen=True)
class ClientConfig:
    """A resolved host and key, and where each came from (for messages). The key is never in ``repr``."""

    host: str
    api_key: str = field(repr=False)
    host_source: str = "default"
    api_key_source: str = "argument"


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def normalize_host(host: str) -> str:
    """``us.posthog.com`` → ``https://us.posthog.com``; trailing slashes removed."""
    text = host.strip()
    if "://" not in text:
        text = "https://" + text
    return text.rstrip("/")


def resolve_config(
    host: str | None = None,
    api_key: str | None = None,
    stack_config: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> ClientConfig:
    """Resolve host and key, each from the first place that has it.

    1. the explicit ``host`` / ``api_key`` arguments;
    2. ``stack_config`` — a mapping with the keys ``posthog:host`` and ``posthog:apiKey``;
    3. the environment (``environ``, default ``os.environ``): ``POSTHOG_HOST``; ``POSTHOG_PERSONAL_API_KEY``,
       then ``POSTHOG_API_KEY``;
    4. the host defaults to ``https://us.posthog.com``; a missing key is a ``ConfigurationError`` that names
       all three places. Empty values count as unset.
    """
    env = os.environ if environ is None else environ
    stack = stack_config or {}

    host_value, host_source = _clean(host), "argument"
    if host_value is None:
        host_value, host_source = _clean(stack.get(STACK_HOST)), f"stack config {STACK_HOST}"
    if host_value is None:
        host_value, host_source = _clean(env.get(ENV_HOST)), f"environment {ENV_HOST}"
    if host_value is None:
        host_value, host_source = DEFAULT_HOST, "default"

    key_value, key_source = _clean(api_key), "argument"
    if key_value is None:
        key_value, key_source = _clean(stack.get(STACK_API_KEY)), f"stack config {STACK_API_KEY}"
    for name in ENV_API_KEYS:
        if key_value is None:
            key_value, key_source = _clean(env.get(name)), f"environment {name}"
    if key_value is None:
        raise ConfigurationError(
            "No PostHog personal API key found. Give it in one of three places: (1) explicitly as the "
            f"api_key argument, (2) the stack config '{STACK_API_KEY}' (pulumi config set --secret "
            f"{STACK_API_KEY} <key>), or (3) the environment variable {ENV_API_KEYS[0]} (or "
            f"{ENV_API_KEYS[1]}). Create a personal API key in PostHog → Settings → Personal API keys"
        )
    register_secret(key_value)
    if key_value.startswith("phc_"):
        raise ConfigurationError(
            f"The API key from {key_source} is a project API key (phc_…), which only sends events. The "
            "PostHog management API needs a personal API key (phx_…): PostHog → Settings → Personal API keys"
        )
    return ClientConfig(normalize_host(host_value), key_value, host_source, key_source)
