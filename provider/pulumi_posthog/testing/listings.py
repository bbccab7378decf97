"""What a posthog-local holds, as tests count it: a project's batch exports, integrations, backfills; organizations."""

from __future__ import annotations

from typing import Any

from pulumi_posthog.testing.local_server import LocalServer


def listed(server: LocalServer, path: str, **params: Any) -> list[dict[str, Any]]:
    response = server.api("GET", path, params={"limit": 10000, **params})
    assert response.status_code == 200, response.text
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def exports_on(server: LocalServer, project: int) -> list[dict[str, Any]]:
    return listed(server, f"/api/projects/{project}/batch_exports/")


def integrations_on(server: LocalServer, project: int, kind: str) -> list[dict[str, Any]]:
    return listed(server, f"/api/projects/{project}/integrations/", kind=kind)


def backfills_on(server: LocalServer, project: int, export_id: str) -> list[dict[str, Any]]:
    return listed(server, f"/api/projects/{project}/batch_exports/{export_id}/backfills/")


def orgs_named(server: LocalServer, name: str) -> list[dict[str, Any]]:
    return [o for o in listed(server, "/api/organizations/") if o["name"] == name]
