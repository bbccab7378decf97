"""azure-blob: PostHog's ``models/integration/azure_blob.py`` (connection string parsed as the SDK does)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_posthog.local.integration_kinds import network
from pulumi_posthog.local.integration_kinds.common import BuildContext, fail, upsert
from pulumi_posthog.local.models import Integration

MISSING_ACCOUNT = (
    "Could not extract AccountName from connection string. Ensure it contains 'AccountName=<your-account-name>;'"
)
ENDPOINT_KEYS = ("BLOBENDPOINT", "BLOBSECONDARYENDPOINT", "FILEENDPOINT", "TABLEENDPOINT", "QUEUEENDPOINT")


def extract_account_name(connection_string: str) -> str | None:
    for part in connection_string.split(";"):
        part = part.strip()
        if part.startswith("AccountName="):
            return part.split("=", 1)[1]
    return None


def _settings(connection_string: str) -> dict[str, str]:
    """No stripping, keys upper-cased, later duplicates win; a padded key is malformed."""
    settings: dict[str, str] = {}
    for part in connection_string.rstrip(";").split(";"):
        key, sep, value = part.partition("=")
        if not sep or key != key.strip():
            raise fail("Malformed connection string")
        settings[key.upper()] = value
    return settings


def _endpoints(settings: dict[str, str], protocol: str, account: str) -> list[str]:
    endpoints = [settings[key] for key in ENDPOINT_KEYS if key in settings]
    if "BLOBENDPOINT" not in settings:
        suffix = settings.get("ENDPOINTSUFFIX") or "core.windows.net"
        endpoints += [f"{protocol}://{account}.blob.{suffix}", f"https://{account}-secondary.blob.{suffix}"]
    return endpoints


def validate_connection_string(connection_string: str) -> None:
    """PostHog Cloud's rules: no emulator, https only, every endpoint passes the SSRF check."""
    settings = _settings(connection_string)
    if settings.get("USEDEVELOPMENTSTORAGE", "").lower() == "true":
        raise fail("Emulator account not supported")
    protocol = settings.get("DEFAULTENDPOINTSPROTOCOL", "https").lower()
    if protocol not in ("http", "https"):
        raise fail("'DefaultEndpointsProtocol' must be 'http' or 'https'")
    if protocol != "https":
        raise fail("'DefaultEndpointsProtocol' must be 'https'")
    account = settings.get("ACCOUNTNAME")
    if not account:
        raise fail(MISSING_ACCOUNT)
    for endpoint in _endpoints(settings, protocol, account):
        if not endpoint.lower().startswith("https://"):
            raise fail("Endpoints in the connection string must use https")
        reason = network.url_block_reason(endpoint)
        if reason is not None:
            raise fail(f"Invalid endpoint found in connection string: {reason}")


def build_azure_blob(config: Mapping[str, Any], ctx: BuildContext) -> Integration:
    """Upsert keyed on AccountName; ``config`` stays empty, the whole connection string is the secret."""
    connection_string = config.get("connection_string")
    if not connection_string:
        raise fail("Connection string must be provided")
    if not isinstance(connection_string, str):
        raise fail("Connection string must be a string")
    account = extract_account_name(connection_string)
    if not account:
        raise fail(MISSING_ACCOUNT)
    validate_connection_string(connection_string)
    return upsert(ctx, "azure-blob", account, {}, {"connection_string": connection_string})
