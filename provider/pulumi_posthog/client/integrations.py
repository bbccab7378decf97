"""PostHog's integration endpoints: create, list, read, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_posthog.client.core import JSON, ClientCore, seg


class IntegrationsAPI(ClientCore):
    """PostHog's integration endpoints."""

    # -- integrations ----------------------------------------------------------------------------------------
    def _integrations(self, project_id: int | str, integration_id: int | str | None = None) -> str:
        path = f"/api/projects/{seg(project_id)}/integrations/"
        return path + (f"{seg(integration_id)}/" if integration_id is not None else "")

    def create_integration(self, project_id: int | str, kind: str, config: Mapping[str, Any]) -> JSON:
        """``POST …/integrations/`` ``{"kind", "config"}`` (201; secrets go inside ``config``)."""
        return self._object("POST", self._integrations(project_id), json={"kind": kind, "config": dict(config)})

    def list_integrations(self, project_id: int | str, kind: str | None = None) -> list[JSON]:
        """``GET …/integrations/[?kind=]``, all pages."""
        return self.list_all(self._integrations(project_id), {"kind": kind} if kind else None)

    def get_integration(self, project_id: int | str, integration_id: int | str) -> JSON:
        return self._object("GET", self._integrations(project_id, integration_id))

    def delete_integration(self, project_id: int | str, integration_id: int | str) -> None:
        """``DELETE`` (204; 400 while a batch export still uses it)."""
        self.request("DELETE", self._integrations(project_id, integration_id), gone_ok_after_retry=True)
