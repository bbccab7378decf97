"""PostHog's batch-export endpoints: exports, backfills, runs, and an organization's exports."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from pulumi_posthog.client.core import JSON, log, seg
from pulumi_posthog.client.errors import EndpointNotFoundError, HTTPStatusError, NotFoundError, UnexpectedResponseError
from pulumi_posthog.client.organizations import OrganizationsAPI


class BatchExportsAPI(OrganizationsAPI):
    """PostHog's batch-export endpoints."""

    # -- batch exports (project routes: every write goes here) -----------------------------------------------
    @staticmethod
    def _exports(project_id: int | str, export_id: str | None = None, action: str | None = None) -> str:
        path = f"/api/projects/{seg(project_id)}/batch_exports/"
        if export_id is not None:
            path += f"{seg(export_id)}/"
        if action:
            path += f"{action}/"
        return path

    def list_batch_exports(self, project_id: int | str) -> list[JSON]:
        """``GET /api/projects/{id}/batch_exports/``, all pages (newest first; deleted ones excluded)."""
        return self.list_all(self._exports(project_id))

    def create_batch_export(self, project_id: int | str, body: Mapping[str, Any]) -> JSON:
        """``POST /api/projects/{id}/batch_exports/`` (201)."""
        return self._object("POST", self._exports(project_id), json=dict(body))

    def get_batch_export(self, project_id: int | str, batch_export_id: str) -> JSON:
        return self._object("GET", self._exports(project_id, batch_export_id))

    def update_batch_export(self, project_id: int | str, batch_export_id: str, body: Mapping[str, Any]) -> JSON:
        """``PATCH``: PostHog merges ``destination.config`` into the stored one (send null to clear a key)."""
        return self._object("PATCH", self._exports(project_id, batch_export_id), json=dict(body))

    def replace_batch_export(self, project_id: int | str, batch_export_id: str, body: Mapping[str, Any]) -> JSON:
        """``PUT``: name, destination, interval and all required config keys (config still merges)."""
        return self._object("PUT", self._exports(project_id, batch_export_id), json=dict(body))

    def delete_batch_export(self, project_id: int | str, batch_export_id: str) -> None:
        """``DELETE`` (204, a soft delete; the export reads as 404 afterwards)."""
        self.request("DELETE", self._exports(project_id, batch_export_id), gone_ok_after_retry=True)

    def pause_batch_export(self, project_id: int | str, batch_export_id: str) -> JSON:
        """``POST …/pause/`` → ``{"paused": true}``. Idempotent in PostHog, so retried like a PUT."""
        return self._object("POST", self._exports(project_id, batch_export_id, "pause"), json={}, idempotent=True)

    def unpause_batch_export(self, project_id: int | str, batch_export_id: str, backfill: bool = False) -> JSON:
        """``POST …/unpause/`` → ``{"paused": false}``; idempotent (a no-op when already running)."""
        return self._object(
            "POST",
            self._exports(project_id, batch_export_id, "unpause"),
            json={"backfill": backfill},
            idempotent=True,
        )

    # -- destination tests (products/batch_exports/backend/presentation/views/batch_export/exports.py) --------
    def describe_destination_test(self, project_id: int | str, destination_type: str) -> JSON | None:
        """``GET …/batch_exports/test/?destination=<type>`` → ``{"steps": [{name, description, result: null}]}``;
        None when PostHog has no test for the type (its 404 with an empty body). Scope ``batch_export:read``."""
        try:
            return self._object(
                "GET", self._exports(project_id, action="test"), params={"destination": destination_type}
            )
        except EndpointNotFoundError as exc:
            if exc.foreign and exc.detail is None:
                return None
            raise

    def run_destination_test_step(self, project_id: int | str, body: Mapping[str, Any], step: int) -> JSON:
        """``POST …/batch_exports/run_test_step_new/``: one step for a create body → ``{name, description,
        result: {status: Passed|Failed|Skipped, message}}`` (a failed step is a 200). It writes nothing in
        PostHog, so it is retried like a GET. Scope ``batch_export:write``."""
        path = self._exports(project_id, action="run_test_step_new")
        return self._object("POST", path, json={**dict(body), "step": step}, idempotent=True)

    def run_batch_export_test_step(
        self, project_id: int | str, batch_export_id: str, body: Mapping[str, Any], step: int
    ) -> JSON:
        """``POST …/batch_exports/{id}/run_test_step/``: the same for an existing export, whose stored config
        PostHog lays under ``body['destination']['config']``."""
        path = self._exports(project_id, batch_export_id, "run_test_step")
        return self._object("POST", path, json={**dict(body), "step": step}, idempotent=True)

    # -- backfills -------------------------------------------------------------------------------------------
    def create_backfill(
        self,
        project_id: int | str,
        batch_export_id: str,
        *,
        start_at: str | None = None,
        end_at: str | None = None,
    ) -> JSON:
        """Start a backfill; returns ``{"backfill_id", "endpoint", "retrievable"}`` whatever the server.

        Uses ``POST …/backfills/``: newest PostHog answers 201 ``{"backfill_id": <uuid>}`` (``retrievable``:
        ``get_backfill`` takes that id); 2024-2025 PostHog answers 200 with the Temporal workflow id
        (``<export>-Backfill-<start>-<end>``; not retrievable — find it in ``list_backfills``). PostHog older
        than that has no such route and answers 404 "Endpoint not found." (or 405): then the deprecated
        ``POST …/backfill/`` (200, workflow id) is used, and remembered for this client. A 404 about the export
        itself ("BatchExport not found.") is raised, never retried on the other route. PostHog does not
        deduplicate backfills: an ``AmbiguousWriteError`` here must be reconciled with ``list_backfills``.
        """
        body = {"start_at": start_at, "end_at": end_at}
        if self._plural_backfills is not False:
            try:
                result = self.request("POST", self._exports(project_id, batch_export_id, "backfills"), json=body)
            except HTTPStatusError as exc:
                if not self._route_missing(exc):
                    raise
                log.info("POST …/backfills/ is not on this server; using the deprecated …/backfill/")
                self._plural_backfills = False
            else:
                self._plural_backfills = True
                return self._backfill_result(result, "backfills")
        result = self.request("POST", self._exports(project_id, batch_export_id, "backfill"), json=body)
        return self._backfill_result(result, "backfill")

    @staticmethod
    def _route_missing(exc: HTTPStatusError) -> bool:
        return exc.endpoint_missing or exc.status == 405

    @staticmethod
    def _backfill_result(result: Any, endpoint: str) -> JSON:
        backfill_id = result.get("backfill_id") if isinstance(result, Mapping) else None
        if backfill_id is None:
            raise UnexpectedResponseError(f"the {endpoint} response has no backfill_id", method="POST")
        text = str(backfill_id)
        try:
            uuid.UUID(text)
            retrievable = True
        except ValueError:
            retrievable = False
        return {"backfill_id": text, "endpoint": endpoint, "retrievable": retrievable}

    def list_backfills(self, project_id: int | str, batch_export_id: str) -> list[JSON]:
        """``GET …/backfills/``, all cursor pages."""
        return self.list_all(self._exports(project_id, batch_export_id, "backfills"))

    def get_backfill(self, project_id: int | str, batch_export_id: str, backfill_id: str) -> JSON:
        return self._object("GET", self._exports(project_id, batch_export_id, f"backfills/{seg(backfill_id)}"))

    def cancel_backfill(self, project_id: int | str, batch_export_id: str, backfill_id: str) -> JSON:
        """``POST …/backfills/{id}/cancel/`` → ``{"cancelled": true}`` (400 unless Running/Starting)."""
        path = self._exports(project_id, batch_export_id, f"backfills/{seg(backfill_id)}/cancel")
        return self._object("POST", path, json={})

    # -- runs ------------------------------------------------------------------------------------------------
    def list_runs(
        self, project_id: int | str, batch_export_id: str, params: Mapping[str, Any] | None = None
    ) -> list[JSON]:
        """``GET …/runs/``, all cursor pages (PostHog shows the last 7 days unless after/before say)."""
        return self.list_all(self._exports(project_id, batch_export_id, "runs"), params)

    def get_run(self, project_id: int | str, batch_export_id: str, run_id: str) -> JSON:
        return self._object("GET", self._exports(project_id, batch_export_id, f"runs/{seg(run_id)}"))

    # -- batch exports across an organization ----------------------------------------------------------------
    def _org_exports(self, organization_id: str, export_id: str | None = None) -> str:
        path = f"/api/organizations/{seg(organization_id)}/batch_exports/"
        return path + (f"{seg(export_id)}/" if export_id is not None else "")

    def _project_ids(self, organization_id: str) -> list[int]:
        org = self.get_organization(organization_id)
        return [p["id"] for p in org.get("projects") or [] if isinstance(p, Mapping) and "id" in p]

    def list_organization_batch_exports(self, organization_id: str) -> list[JSON]:
        """Every batch export of an organization.

        Uses ``GET /api/organizations/{org}/batch_exports/`` where the server has it (PostHog ≤ mid-2026).
        Newer PostHog answers 404: then the organization's ``projects`` are walked (``GET
        /api/projects/{id}/batch_exports/`` each) and the route is remembered as missing.
        """
        if self._org_export_route is not False:
            try:
                result = self.list_all(self._org_exports(organization_id))
            except (NotFoundError, EndpointNotFoundError) as exc:
                if isinstance(exc, EndpointNotFoundError) and not exc.endpoint_missing:
                    raise  # not PostHog's answer (a proxy): no reason to think the route is missing
                project_ids = self._project_ids(organization_id)  # raises NotFoundError if the org is gone
                self._org_export_route = False
                log.info("organization batch-export route missing; listing per project instead")
                return [e for pid in project_ids for e in self.list_batch_exports(pid)]
            self._org_export_route = True
            return result
        return [e for pid in self._project_ids(organization_id) for e in self.list_batch_exports(pid)]

    def get_organization_batch_export(self, organization_id: str, batch_export_id: str) -> JSON:
        """One export of an organization (via the org route, or by searching its projects)."""
        if self._org_export_route is not False:
            try:
                result = self._object("GET", self._org_exports(organization_id, batch_export_id))
            except EndpointNotFoundError as exc:
                if not exc.endpoint_missing:
                    raise
                self._org_export_route = False
            else:
                self._org_export_route = True
                return result
        last: NotFoundError | None = None
        for pid in self._project_ids(organization_id):
            try:
                return self.get_batch_export(pid, batch_export_id)
            except NotFoundError as exc:
                last = exc
        raise last or NotFoundError(
            "BatchExport not found.",
            method="GET",
            path=self._org_exports(organization_id, batch_export_id),
            status=404,
        )

    def _project_of(self, organization_id: str, batch_export_id: str, project_id: int | str | None) -> int | str:
        if project_id is not None:
            return project_id
        return int(self.get_organization_batch_export(organization_id, batch_export_id)["team_id"])

    def create_organization_batch_export(
        self, organization_id: str, project_id: int | str, body: Mapping[str, Any]
    ) -> JSON:
        """Create an export in one of the organization's projects — through the project route, since PostHog's
        organization route cannot create (it has no team and fails with a 500)."""
        return self.create_batch_export(project_id, body)

    def update_organization_batch_export(
        self,
        organization_id: str,
        batch_export_id: str,
        body: Mapping[str, Any],
        project_id: int | str | None = None,
    ) -> JSON:
        """PATCH an organization's export via its project route (looked up unless ``project_id`` is given)."""
        pid = self._project_of(organization_id, batch_export_id, project_id)
        return self.update_batch_export(pid, batch_export_id, body)

    def delete_organization_batch_export(
        self, organization_id: str, batch_export_id: str, project_id: int | str | None = None
    ) -> None:
        pid = self._project_of(organization_id, batch_export_id, project_id)
        self.delete_batch_export(pid, batch_export_id)

    def backfill_organization_batch_export(
        self,
        organization_id: str,
        batch_export_id: str,
        *,
        start_at: str | None = None,
        end_at: str | None = None,
        project_id: int | str | None = None,
    ) -> JSON:
        pid = self._project_of(organization_id, batch_export_id, project_id)
        return self.create_backfill(pid, batch_export_id, start_at=start_at, end_at=end_at)
