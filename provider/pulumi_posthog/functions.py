"""Data lookups for programs: organizations and batch exports, read with the stack's PostHog credentials."""

from __future__ import annotations

from typing import Any, cast

import pulumi.runtime

from pulumi_posthog.resources.connection import CONNECTIONS_KEY, client_for
from pulumi_posthog.resources.engine import CONFIG_KEYS
from pulumi_posthog.results import BatchExportInfo, OrganizationInfo


def _stack_config() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in CONFIG_KEYS:
        try:
            value = pulumi.runtime.get_config(key)
        except Exception:  # outside a Pulumi program: environment only
            value = None
        if value is not None:
            values[key] = value
    return values


def _mocked_client() -> Any:
    """Under ``pulumi.runtime.set_mocks``: the mocks' ``posthog_client`` (pulumi_posthog.testing.PostHogMocks answers
    offline; the engine harness sets None: its provider talks to a real server), else a refusal to reach PostHog."""
    monitor = pulumi.runtime.settings.SETTINGS.monitor
    mocks = getattr(monitor, "mocks", None)  # pulumi.runtime.mocks.MockMonitor keeps the Mocks object there
    if mocks is None:
        return None
    if not hasattr(mocks, "posthog_client"):
        raise RuntimeError(
            "a posthog lookup (get_organization, get_organizations, get_batch_exports) ran under "
            "pulumi.runtime.set_mocks, where it would call PostHog: use pulumi_posthog.testing.PostHogMocks "
            "(it answers lookups offline), or give your mocks a posthog_client"
        )
    return mocks.posthog_client


def _client(connection: str | None) -> Any:
    return _mocked_client() or client_for(connection, _stack_config())


def get_organization(id: str = "@current", connection: str | None = None) -> OrganizationInfo:
    """One organization the API key's user belongs to (``"@current"``: the user's current one)."""
    return cast(OrganizationInfo, _client(connection).get_organization(id))


def get_organizations(connection: str | None = None) -> list[OrganizationInfo]:
    """Every organization the API key's user belongs to (narrowed by the key's scoped organizations)."""
    return cast("list[OrganizationInfo]", _client(connection).list_organizations())


def get_batch_exports(
    organization_id: str | None = None, project_id: int | None = None, connection: str | None = None
) -> list[BatchExportInfo]:
    """Batch exports of a project, or of every project of an organization (default: the current one)."""
    client = _client(connection)
    if project_id is not None:
        return cast("list[BatchExportInfo]", client.list_batch_exports(project_id))
    org = organization_id or client.get_organization("@current")["id"]
    return cast("list[BatchExportInfo]", client.list_organization_batch_exports(org))


__all__ = ["CONNECTIONS_KEY", "get_batch_exports", "get_organization", "get_organizations"]
