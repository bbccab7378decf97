"""Which PostHog a resource talks to: the default connection or a named one, from stack config or env."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping
from typing import Any

from pulumi_posthog.client import PostHogClient
from pulumi_posthog.client.config import resolve_config
from pulumi_posthog.client.errors import ConfigurationError, register_secret

CONNECTIONS_KEY = "posthog:connections"
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")

_lock = threading.Lock()
_clients: dict[tuple[str, str], PostHogClient] = {}


def check_name(name: str | None) -> str | None:
    """A reason the connection name is invalid, or None."""
    if name is None or NAME_RE.match(name):
        return None
    return "must start with a letter and use only letters, digits, '-' and '_' (at most 32 characters)"


def env_prefix(name: str) -> str:
    return "POSTHOG_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper() + "_"


def _named(stack: Mapping[str, Any], name: str) -> dict[str, Any]:
    raw = stack.get(CONNECTIONS_KEY)
    if raw is None:
        return {}
    try:
        table = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise ConfigurationError(
            f"stack config {CONNECTIONS_KEY} is not valid JSON; set it with "
            f"`pulumi config set --path {CONNECTIONS_KEY}.{name}.host <url>` and "
            f"`pulumi config set --secret --path {CONNECTIONS_KEY}.{name}.apiKey <key>`."
        ) from None
    entry = table.get(name) if isinstance(table, dict) else None
    return entry if isinstance(entry, dict) else {}


def client_for(name: str | None, stack: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> PostHogClient:
    """The (cached) client of a connection.

    The default connection (``name=None``) reads ``posthog:host`` / ``posthog:apiKey``, then ``POSTHOG_HOST`` /
    ``POSTHOG_PERSONAL_API_KEY`` / ``POSTHOG_API_KEY``. A named connection ``eu`` reads
    ``posthog:connections.eu.host`` / ``.apiKey``, then ``POSTHOG_EU_HOST`` / ``POSTHOG_EU_PERSONAL_API_KEY``.
    """
    env = os.environ if environ is None else environ
    if name is None:
        config = resolve_config(None, None, stack, env)
    else:
        entry = _named(stack, name)
        prefix = env_prefix(name)
        host = entry.get("host") or env.get(prefix + "HOST")
        key = entry.get("apiKey") or env.get(prefix + "PERSONAL_API_KEY") or env.get(prefix + "API_KEY")
        if not key:
            raise ConfigurationError(
                f"no PostHog API key for connection '{name}': set stack config "
                f"{CONNECTIONS_KEY}.{name}.apiKey (`pulumi config set --secret --path "
                f"{CONNECTIONS_KEY}.{name}.apiKey phx_...`) or the environment variable "
                f"{prefix}PERSONAL_API_KEY."
            )
        if not host:
            raise ConfigurationError(
                f"no PostHog host for connection '{name}': set stack config {CONNECTIONS_KEY}.{name}.host "
                f"or the environment variable {prefix}HOST (e.g. https://eu.posthog.com)."
            )
        config = resolve_config(str(host), str(key), None, {})
    register_secret(config.api_key)
    cache_key = (config.host, config.api_key)
    with _lock:
        client = _clients.get(cache_key)
        if client is None:
            client = PostHogClient(config.host, config.api_key)
            _clients[cache_key] = client
    return client
