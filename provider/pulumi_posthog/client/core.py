"""The client's core: one PostHog host and key, requests with retries, JSON objects and paginated lists."""

from __future__ import annotations

import json as jsonlib
import logging
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlsplit

from pulumi_posthog.client.config import DEFAULT_HOST, ClientConfig, resolve_config
from pulumi_posthog.client.errors import (
    PostHogError,
    UnexpectedResponseError,
    error_from_response,
)
from pulumi_posthog.client.pagination import iter_results
from pulumi_posthog.client.retry import Attempt, RetryPolicy, call_with_retries

if TYPE_CHECKING:
    import requests

__all__ = ["JSON", "ClientCore", "seg"]

log = logging.getLogger("pulumi_posthog.client")

JSON = dict[str, Any]


def seg(value: Any) -> str:
    """One URL path segment (ids are quoted so that they can never add path components)."""
    return quote(str(value), safe="@")


_Client = TypeVar("_Client", bound="ClientCore")


class ClientCore:
    """What every API area's methods build on (see ``PostHogClient`` for the behaviour they share)."""

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
        cls: type[_Client],
        config: ClientConfig | None = None,
        *,
        host: str | None = None,
        api_key: str | None = None,
        stack_config: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
        **options: Any,
    ) -> _Client:
        """A client for ``config``, or for what ``resolve_config`` finds (arguments, stack config, env)."""
        resolved = config or resolve_config(host, api_key, stack_config, environ)
        return cls(resolved.host, resolved.api_key, **options)

    @property
    def host(self) -> str:
        return self._transport.base_url

    def close(self) -> None:
        self._transport.close()

    def __enter__(self: _Client) -> _Client:
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
