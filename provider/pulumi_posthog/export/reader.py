"""What the export reads from PostHog: a project's batch exports, the integrations they use, its organization."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pulumi_posthog.client import PostHogClient


@dataclass
class Snapshot:
    """One project as PostHog shows it (never a secret: PostHog keeps them in ``sensitive_config``)."""

    project_id: int
    host: str
    exports: list[dict[str, Any]]
    integrations: dict[int, dict[str, Any]]
    organization: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def integration_of(export: dict[str, Any]) -> int | None:
    destination = export.get("destination") or {}
    value = destination.get("integration", destination.get("integration_id"))
    if isinstance(value, dict):
        value = value.get("id")
    return int(value) if isinstance(value, (int, str)) and str(value).isdigit() else None


def read_project(client: PostHogClient, project_id: int, organization: bool = False) -> Snapshot:
    exports = sorted(client.list_batch_exports(project_id), key=lambda e: (str(e.get("name")), str(e.get("id"))))
    integrations: dict[int, dict[str, Any]] = {}
    for export in exports:
        used = integration_of(export)
        if used is not None and used not in integrations:
            integrations[used] = client.get_integration(project_id, used)
    snapshot = Snapshot(project_id, client.host, exports, integrations)
    if organization:
        org_id = client.get_project(project_id).get("organization")
        snapshot.organization = client.get_organization(str(org_id) if org_id else "@current")
    return snapshot
