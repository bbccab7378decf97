"""``PostHogClient``: one method per PostHog endpoint the provider uses, returning plain JSON dicts."""

from __future__ import annotations

import json as jsonlib
import logging
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from pulumi_posthog.client.config import DEFAULT_HOST, ClientConfig, resolve_config
from pulumi_posthog.client.errors import (
    EndpointNotFoundError,
    HTTPStatusError,
    NotFoundError,
    PostHogError,
    UnexpectedResponseError,
    error_from_response,
)
from pulumi_posthog.client.pagination import iter_results
from pulumi_posthog.client.retry import Attempt, RetryPolicy, call_with_retries

if TYPE_CHECKING:
    import requests

__all__ = ["JSON", "PostHogClient"]

log = logging.getLogger("pulumi_posthog.client")

JSON = dict[str, Any]


def _seg(value: Any) -> str:
    """One URL path segment (ids are quoted so that they can never add path components)."""
    return quote(str(value), safe="@")


class PostHogClient:
    """A client for one PostHog host and personal API key.

    Every method makes its HTTP call(s) through one retry policy (see ``RetryPolicy``): GET, PUT, PATCH and
    DELETE retry on 429, 5xx and transport failures; a POST is retried only when it provably never reached
    PostHog, and otherwise raises ``AmbiguousWriteError`` for the caller to reconcile. Failures raise
    ``PostHogError`` subclasses. Methods return PostHog's JSON (``dict``; lists for list endpoints; ``None``
    for 204).

    ``transport_options`` go to the transport: ``max_response_bytes`` (the size cap) and ``notice_after``
    (seconds before a slow response is announced on stderr; None: never).

    Batch-export writes always go through ``/api/projects/{project_id}/batch_exports/``. Which optional routes
    the server has (the 2025 organization-scoped batch-export route, the plural ``/backfills/``) is learnt
    from the first 404 and remembered for the life of the client.
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        api_key: str = "",
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        allow_insecure_http: bool = False,
        ca_bundle: str | None = None,
        page_size: int | None = None,
        **transport_options: Any,
    ) -> None:
        # requests (and urllib3) load with the first client rather than with the package: a program only
        # registers resources, and the plugin answers Check without a client (~50 ms of every cold start).
        from pulumi_posthog.client.transport import Transport

        self._transport = Transport(
            host,
            api_key,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            allow_insecure_http=allow_insecure_http,
            ca_bundle=ca_bundle,
            **transport_options,  # max_response_bytes, notice_after (see Transport)
        )
        self.retry = retry or RetryPolicy()
        self.page_size = page_size
        # None: not learnt yet; True/False: the server has / lacks the route.
        self._org_export_route: bool | None = None
        self._plural_backfills: bool | None = None

    @classmethod
    def from_config(
        cls,
        config: ClientConfig | None = None,
        *,
        host: str | None = None,
        api_key: str | None = None,
        stack_config: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
        **options: Any,
    ) -> PostHogClient:
        """A client for ``config``, or for what ``resolve_config`` finds (arguments, stack config, env)."""
        resolved = config or resolve_config(host, api_key, stack_config, environ)
        return cls(resolved.host, resolved.api_key, **options)

    @property
    def host(self) -> str:
        return self._transport.base_url

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> PostHogClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostHogClient(host={self.host!r})"

    # -- the core --------------------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        gone_ok_after_retry: bool = False,
    ) -> Any:
        """One API call with retries; returns the JSON body (None for an empty body) or raises a PostHogError.

        ``path`` is relative to the host, or an absolute URL on the configured host (a pagination link).
        ``idempotent`` overrides the method's default (only for POST actions PostHog documents as idempotent).
        """
        method = method.upper()
        transport = self._transport
        url = transport.url_for(path)
        shown = urlsplit(url).path

        def attempt() -> Attempt:
            sent_at = datetime.now(timezone.utc)
            outcome = transport.send(method, url, params=params, json=json)
            if isinstance(outcome, PostHogError):
                return Attempt(error=outcome, sent_at=sent_at)
            return self._read(method, shown, outcome, sent_at)

        return call_with_retries(
            attempt,
            method=method,
            path=shown,
            policy=self.retry,
            idempotent=idempotent,
            body=json,
            host=transport.base_url,
            gone_ok_after_retry=gone_ok_after_retry,
        )

    def _object(self, method: str, path: str, **kwargs: Any) -> JSON:
        """``request`` for endpoints that answer with one JSON object."""
        result = self.request(method, path, **kwargs)
        if not isinstance(result, dict):
            raise UnexpectedResponseError(
                f"expected a JSON object, got {type(result).__name__}", method=method, path=path, host=self.host
            )
        return result

    def _read(self, method: str, path: str, response: requests.Response, sent_at: datetime) -> Attempt:
        status = response.status_code
        content = response.content
        body: Any = None
        if content:
            try:
                body = jsonlib.loads(content)
            except ValueError:
                body = None
        if 200 <= status < 300:
            if content and body is None:
                kind = response.headers.get("Content-Type", "unknown type")
                return Attempt(
                    error=UnexpectedResponseError(
                        f"a {status} response that is not JSON ({kind}, {len(content)} bytes)",
                        method=method,
                        path=path,
                        status=status,
                        host=self.host,
                    ),
                    sent_at=sent_at,
                )
            return Attempt(value=body, sent_at=sent_at)
        text_hint = None
        if body is None and content:
            kind = response.headers.get("Content-Type", "unknown type")
            text_hint = f"non-JSON {kind} response ({len(content)} bytes)"
        error = error_from_response(
            method=method,
            path=path,
            status=status,
            body=body,
            headers=response.headers,
            host=self.host,
            text_hint=text_hint,
        )
        return Attempt(error=error, sent_at=sent_at)

    def iterate(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[JSON]:
        """Every item of a paginated list (limit/offset or cursor), following ``next`` on this host only."""
        query: dict[str, Any] = dict(params or {})
        if self.page_size and "limit" not in query:
            query["limit"] = self.page_size
        return iter_results(
            lambda target, q: self.request("GET", target, params=q),
            path,
            query or None,
            owns=self._transport.origin.owns,
            base_url=self.host,
        )

    def list_all(self, path: str, params: Mapping[str, Any] | None = None) -> list[JSON]:
        return list(self.iterate(path, params))

    # -- organizations ---------------------------------------------------------------------------------------
    def list_organizations(self) -> list[JSON]:
        """``GET /api/organizations/``, all pages: the organizations the key's user belongs to."""
        return self.list_all("/api/organizations/")

    def create_organization(self, body: Mapping[str, Any]) -> JSON:
        """``POST /api/organizations/`` (201). The key's user becomes owner and ``@current`` moves to it."""
        return self._object("POST", "/api/organizations/", json=dict(body))

    def get_organization(self, organization_id: str = "@current") -> JSON:
        """``GET /api/organizations/{id}/`` — a UUID or ``@current``."""
        return self._object("GET", f"/api/organizations/{_seg(organization_id)}/")

    def update_organization(self, organization_id: str, body: Mapping[str, Any]) -> JSON:
        """``PATCH /api/organizations/{id}/``: change only the given fields."""
        return self._object("PATCH", f"/api/organizations/{_seg(organization_id)}/", json=dict(body))

    def replace_organization(self, organization_id: str, body: Mapping[str, Any]) -> JSON:
        """``PUT /api/organizations/{id}/``: a full update (``name`` required)."""
        return self._object("PUT", f"/api/organizations/{_seg(organization_id)}/", json=dict(body))

    def delete_organization(self, organization_id: str) -> None:
        """``DELETE /api/organizations/{id}/`` (204; owner only; hard-deletes its projects and exports)."""
        self.request("DELETE", f"/api/organizations/{_seg(organization_id)}/", gone_ok_after_retry=True)

    def environments_rollback(self, organization_id: str, environment_mappings: Mapping[str, Any]) -> JSON:
        """``POST /api/organizations/{id}/environments_rollback/`` (202; PostHog accepts it once per org)."""
        body = {str(k): v for k, v in environment_mappings.items()}
        return self._object("POST", f"/api/organizations/{_seg(organization_id)}/environments_rollback/", json=body)

    # -- projects --------------------------------------------------------------------------------------------
    def get_project(self, project_id: int | str) -> JSON:
        """``GET /api/projects/{id}/``: the project, including its ``organization``."""
        return self._object("GET", f"/api/projects/{_seg(project_id)}/")

    def list_organization_projects(self, organization_id: str) -> list[JSON]:
        """``GET /api/organizations/{id}/projects/``, all pages (PostHog's short project body)."""
        return self.list_all(f"/api/organizations/{_seg(organization_id)}/projects/")

    def create_organization_project(self, organization_id: str, body: Mapping[str, Any]) -> JSON:
        """``POST /api/organizations/{id}/projects/`` (201, the full project body; ``@current`` moves to it)."""
        return self._object("POST", f"/api/organizations/{_seg(organization_id)}/projects/", json=dict(body))

    def update_project(self, project_id: int | str, body: Mapping[str, Any]) -> JSON:
        """``PATCH /api/projects/{id}/``: a partial update (the full project body back)."""
        return self._object("PATCH", f"/api/projects/{_seg(project_id)}/", json=dict(body))

    def delete_project(self, project_id: int | str) -> None:
        """``DELETE /api/projects/{id}/`` (204; admins; deletes its environments and their exports)."""
        self.request("DELETE", f"/api/projects/{_seg(project_id)}/", gone_ok_after_retry=True)

    # -- who the key is --------------------------------------------------------------------------------------
    def get_current_personal_api_key(self) -> JSON:
        """``GET /api/personal_api_keys/@current/``: the key's scopes and scoped objects (never its value)."""
        return self._object("GET", "/api/personal_api_keys/@current/")

    def get_current_user(self) -> JSON:
        """``GET /api/users/@me/``: the key's user, its current organization and team (scope ``user:read``)."""
        return self._object("GET", "/api/users/@me/")

    # -- batch exports (project routes: every write goes here) -----------------------------------------------
    @staticmethod
    def _exports(project_id: int | str, export_id: str | None = None, action: str | None = None) -> str:
        path = f"/api/projects/{_seg(project_id)}/batch_exports/"
        if export_id is not None:
            path += f"{_seg(export_id)}/"
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
        return self._object("GET", self._exports(project_id, batch_export_id, f"backfills/{_seg(backfill_id)}"))

    def cancel_backfill(self, project_id: int | str, batch_export_id: str, backfill_id: str) -> JSON:
        """``POST …/backfills/{id}/cancel/`` → ``{"cancelled": true}`` (400 unless Running/Starting)."""
        path = self._exports(project_id, batch_export_id, f"backfills/{_seg(backfill_id)}/cancel")
        return self._object("POST", path, json={})

    # -- runs ------------------------------------------------------------------------------------------------
    def list_runs(
        self, project_id: int | str, batch_export_id: str, params: Mapping[str, Any] | None = None
    ) -> list[JSON]:
        """``GET …/runs/``, all cursor pages (PostHog shows the last 7 days unless after/before say)."""
        return self.list_all(self._exports(project_id, batch_export_id, "runs"), params)

    def get_run(self, project_id: int | str, batch_export_id: str, run_id: str) -> JSON:
        return self._object("GET", self._exports(project_id, batch_export_id, f"runs/{_seg(run_id)}"))

    # -- batch exports across an organization ----------------------------------------------------------------
    def _org_exports(self, organization_id: str, export_id: str | None = None) -> str:
        path = f"/api/organizations/{_seg(organization_id)}/batch_exports/"
        return path + (f"{_seg(export_id)}/" if export_id is not None else "")

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

    # -- integrations ----------------------------------------------------------------------------------------
    def _integrations(self, project_id: int | str, integration_id: int | str | None = None) -> str:
        path = f"/api/projects/{_seg(project_id)}/integrations/"
        return path + (f"{_seg(integration_id)}/" if integration_id is not None else "")

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
