"""postgresql and plain (Postgres-wire) aws-redshift: PostHog's ``models/integration/postgres.py``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_posthog.local.integration_kinds import network
from pulumi_posthog.local.integration_kinds.common import BuildContext, fail, required_str, upsert
from pulumi_posthog.local.models import Integration
from pulumi_posthog.posthog_words import host_not_valid

SSL_MODES = ("require", "verify-ca", "verify-full")
MAX_PORT = 65535


def _port(config: Mapping[str, Any], kind: str) -> int:
    """PostHog calls ``int(port)``: "5432", 5432.0 and true are accepted; there is no default."""
    try:
        port = int(config.get("port", None))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise fail("Port must be an integer") from None
    if port > MAX_PORT or port < 0:
        raise fail(f"A valid port is required for an {kind} integration")
    return port


def build_postgres(kind: str, config: Mapping[str, Any], ctx: BuildContext) -> Integration:
    """Upsert keyed on ``{team}-{host}-{port}-{user}``; only the password is secret; no connection test."""
    host = required_str(config, "host", "Host", kind)
    if network.host_block_reason(host) is not None:
        raise fail(host_not_valid(host))
    port = _port(config, kind)
    user = required_str(config, "user", "A username", kind)
    password = required_str(config, "password", "A password", kind)
    ssl_mode = config.get("ssl_mode", "require")
    if ssl_mode not in SSL_MODES:
        raise fail("SSL mode must be one of: require, verify-ca, verify-full")
    ssl_root_cert = config.get("ssl_root_cert", None)
    if ssl_mode in ("verify-ca", "verify-full"):
        if not ssl_root_cert:
            raise fail("SSL root certificate must be provided when verifying server certificates")
        if not isinstance(ssl_root_cert, str):
            raise fail("SSL root certificate must be a string")
    return upsert(
        ctx,
        kind,
        f"{ctx.team_id}-{host}-{port}-{user}",
        {"host": host, "port": port, "user": user, "ssl_mode": ssl_mode, "ssl_root_cert": ssl_root_cert},
        {"password": password},
    )
