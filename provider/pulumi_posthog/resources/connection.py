"""Which PostHog a resource talks to: the default connection or a named one, from stack config or env."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_posthog.client import PostHogClient
from pulumi_posthog.client.config import (
    DEFAULT_HOST,
    ENV_HOST,
    STACK_HOST,
    ClientConfig,
    normalize_host,
    resolve_config,
)
from pulumi_posthog.client.errors import ConfigurationError, register_secret

CONNECTIONS_KEY = "posthog:connections"
CLI_FLOOR = "3.139"
"""The first Pulumi CLI that passes the stack config to a dynamic provider's ``configure()`` (pulumi/pulumi#17673)."""
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


def label(name: str | None) -> str:
    """How messages name a connection."""
    return "the default connection" if name is None else f"connection '{name}'"


def host_for(name: str | None, stack: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> str | None:
    """The host a connection resolves to, offline and without needing its key; None if it names none.

    The same order as ``client_for``: the default connection reads ``posthog:host``, ``POSTHOG_HOST``, then the
    default host; a named one its own config entry, then ``POSTHOG_<NAME>_HOST``.
    """
    env = os.environ if environ is None else environ
    host: str | None
    try:
        if name is None:
            host = _text(stack.get(STACK_HOST)) or _text(env.get(ENV_HOST)) or DEFAULT_HOST
        else:
            host = _text(_named(stack, name).get("host")) or _text(env.get(env_prefix(name) + "HOST"))
    except ConfigurationError:
        return None
    return normalize_host(host) if host else None


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def client_for(name: str | None, stack: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> PostHogClient:
    """The (cached) client of a connection.

    The default connection (``name=None``) reads ``posthog:host`` / ``posthog:apiKey``, then ``POSTHOG_HOST`` /
    ``POSTHOG_PERSONAL_API_KEY`` / ``POSTHOG_API_KEY``. A named connection ``eu`` reads
    ``posthog:connections.eu.host`` / ``.apiKey``, then ``POSTHOG_EU_HOST`` / ``POSTHOG_EU_PERSONAL_API_KEY``.
    """
    config = _resolve(name, stack, os.environ if environ is None else environ)
    register_secret(config.api_key)
    cache_key = (config.host, config.api_key)
    with _lock:
        client = _clients.get(cache_key)
        if client is None:
            client = PostHogClient(config.host, config.api_key)
            _clients[cache_key] = client
    return client


def provider_client_for(
    name: str | None, stack: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> PostHogClient:
    """``client_for`` inside the dynamic provider, whose ``stack`` is what ``configure()`` received.

    A missing key with no ``posthog:*`` config received at all may be an old CLI: the Pulumi CLI passes stack config
    to dynamic providers from 3.139 on (pulumi/pulumi#17673; older ones send none), so the error says so.
    """
    env = os.environ if environ is None else environ
    try:
        return client_for(name, stack, env)
    except ConfigurationError as exc:
        if stack or not _key_missing(name, env):
            raise
        raise ConfigurationError(exc.summary().rstrip(". ") + ". " + NO_STACK_CONFIG) from None


NO_STACK_CONFIG = (
    "The provider received no posthog:* stack config: passing stack config to a dynamic provider needs Pulumi CLI "
    f">= {CLI_FLOOR} (pulumi/pulumi#17673; `pulumi version` shows yours), so with an older CLI upgrade it, or set "
    "the environment variable in the shell or CI job that runs `pulumi`."
)


def _key_missing(name: str | None, env: Mapping[str, str]) -> bool:
    """No API key in the environment for this connection (then, without stack config, none anywhere)."""
    prefix = "POSTHOG_" if name is None else env_prefix(name)
    return not any(_text(env.get(prefix + suffix)) for suffix in ("PERSONAL_API_KEY", "API_KEY"))


def _resolve(name: str | None, stack: Mapping[str, Any], env: Mapping[str, str]) -> ClientConfig:
    if name is None:
        return resolve_config(None, None, stack, env)
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
    return resolve_config(str(host), str(key), None, {})


@dataclass(frozen=True)
class Move:
    """A resource whose ``connection`` changed since its state was written."""

    old: str | None
    new: str | None
    old_host: str | None
    new_host: str | None

    @property
    def same_host(self) -> bool:
        """Both resolve to one PostHog: the object stays where it is, only the connection used to reach it moves."""
        return self.old_host is not None and self.old_host == self.new_host

    def describe(self, what: str) -> str:
        old = f"{label(self.old)} ({self.old_host or 'no host configured'})"
        new = f"{label(self.new)} ({self.new_host or 'no host configured'})"
        if self.same_host:
            return (
                f"{what} moves from {old} to {new}: the same PostHog, so it is updated, not replaced (one read "
                f"through {label(self.new)} confirms it can see the object)"
            )
        return (
            f"{what} moves from {old} to {new}: it is replaced, created through {label(self.new)}, then the "
            f"old one deleted through {label(self.old)} (keep that connection configured until `pulumi up` is done)"
        )


def move_of(
    old: str | None, new: str | None, stack: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> Move | None:
    """The move from connection ``old`` to ``new``, or None when they are the same connection."""
    if old == new:
        return None
    return Move(old, new, host_for(old, stack, environ), host_for(new, stack, environ))
