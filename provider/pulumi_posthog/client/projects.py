"""PostHog's project endpoints: an organization's projects, one project by id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_posthog.client.core import JSON, ClientCore, seg


class ProjectsAPI(ClientCore):
    """PostHog's project endpoints."""

    # -- projects --------------------------------------------------------------------------------------------
    def get_project(self, project_id: int | str) -> JSON:
        """``GET /api/projects/{id}/``: the project, including its ``organization``."""
        return self._object("GET", f"/api/projects/{seg(project_id)}/")

    def list_organization_projects(self, organization_id: str) -> list[JSON]:
        """``GET /api/organizations/{id}/projects/``, all pages (PostHog's short project body)."""
        return self.list_all(f"/api/organizations/{seg(organization_id)}/projects/")

    def create_organization_project(self, organization_id: str, body: Mapping[str, Any]) -> JSON:
        """``POST /api/organizations/{id}/projects/`` (201, the full project body; ``@current`` moves to it)."""
        return self._object("POST", f"/api/organizations/{seg(organization_id)}/projects/", json=dict(body))

    def update_project(self, project_id: int | str, body: Mapping[str, Any]) -> JSON:
        """``PATCH /api/projects/{id}/``: a partial update (the full project body back)."""
        return self._object("PATCH", f"/api/projects/{seg(project_id)}/", json=dict(body))

    def delete_project(self, project_id: int | str) -> None:
        """``DELETE /api/projects/{id}/`` (204; admins; deletes its environments and their exports)."""
        self.request("DELETE", f"/api/projects/{seg(project_id)}/", gone_ok_after_retry=True)
