"""PostHog's organization endpoints: list, create, read, update, delete, environments rollback."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_posthog.client.core import JSON, ClientCore, seg


class OrganizationsAPI(ClientCore):
    """PostHog's organization endpoints."""

    # -- organizations ---------------------------------------------------------------------------------------
    def list_organizations(self) -> list[JSON]:
        """``GET /api/organizations/``, all pages: the organizations the key's user belongs to."""
        return self.list_all("/api/organizations/")

    def create_organization(self, body: Mapping[str, Any]) -> JSON:
        """``POST /api/organizations/`` (201). The key's user becomes owner and ``@current`` moves to it."""
        return self._object("POST", "/api/organizations/", json=dict(body))

    def get_organization(self, organization_id: str = "@current") -> JSON:
        """``GET /api/organizations/{id}/`` — a UUID or ``@current``."""
        return self._object("GET", f"/api/organizations/{seg(organization_id)}/")

    def update_organization(self, organization_id: str, body: Mapping[str, Any]) -> JSON:
        """``PATCH /api/organizations/{id}/``: change only the given fields."""
        return self._object("PATCH", f"/api/organizations/{seg(organization_id)}/", json=dict(body))

    def replace_organization(self, organization_id: str, body: Mapping[str, Any]) -> JSON:
        """``PUT /api/organizations/{id}/``: a full update (``name`` required)."""
        return self._object("PUT", f"/api/organizations/{seg(organization_id)}/", json=dict(body))

    def delete_organization(self, organization_id: str) -> None:
        """``DELETE /api/organizations/{id}/`` (204; owner only; hard-deletes its projects and exports)."""
        self.request("DELETE", f"/api/organizations/{seg(organization_id)}/", gone_ok_after_retry=True)

    def environments_rollback(self, organization_id: str, environment_mappings: Mapping[str, Any]) -> JSON:
        """``POST /api/organizations/{id}/environments_rollback/`` (202; PostHog accepts it once per org)."""
        body = {str(k): v for k, v in environment_mappings.items()}
        return self._object("POST", f"/api/organizations/{seg(organization_id)}/environments_rollback/", json=body)
