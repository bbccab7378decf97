"""databricks: PostHog's ``models/integration/databricks.py`` (OAuth M2M principal; upsert by host)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_posthog.local.integration_kinds import network
from pulumi_posthog.local.integration_kinds.common import BuildContext, fail, upsert
from pulumi_posthog.local.models import Integration


def build_databricks(config: Mapping[str, Any], ctx: BuildContext) -> Integration:
    """Only ``server_hostname`` is visible; ``client_id`` is stored as a secret with ``client_secret``."""
    hostname, client_id = config.get("server_hostname"), config.get("client_id")
    client_secret = config.get("client_secret")
    if not (hostname and client_id and client_secret):
        raise fail("Server hostname, client ID, and client secret must be provided")
    if not all(isinstance(value, str) for value in (hostname, client_id, client_secret)):
        raise fail("Server hostname, client ID, and client secret must be strings")
    if hostname.startswith("http"):
        raise fail("Databricks integration is not valid: 'server_hostname' should not be a full URL")
    if network.url_block_reason(f"https://{hostname}") is not None:
        raise fail(f"Databricks integration error: could not validate hostname '{hostname}'")
    secrets = {"client_id": client_id, "client_secret": client_secret}
    return upsert(ctx, "databricks", hostname, {"server_hostname": hostname}, secrets)
