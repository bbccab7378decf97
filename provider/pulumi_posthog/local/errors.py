"""PostHog's error envelope: drf-exceptions-hog's ``{type, code, detail, attr}`` plus PostHog's 401 header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from exceptions_hog import exception_handler as hog_exception_handler
from rest_framework import exceptions, status
from rest_framework.response import Response


def www_authenticate(request: Any) -> str:
    """PostHog answers every 401 with an OAuth resource-metadata pointer."""
    host = request.build_absolute_uri("/").rstrip("/") if request is not None else ""
    return f'Bearer resource_metadata="{host}/.well-known/oauth-protected-resource"'


def exception_handler(exc: BaseException, context: dict[str, Any] | None = None) -> Response | None:
    response = hog_exception_handler(exc, context)
    if response is None:
        return None
    # PostHog's handler builds a fresh response: DRF's Retry-After on throttling is not sent (notes §1.5).
    if isinstance(exc, exceptions.Throttled) and "Retry-After" in response:
        del response["Retry-After"]
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        request = (context or {}).get("request")
        response["WWW-Authenticate"] = www_authenticate(request)
    return response


def envelope(status_code: int, code: str, detail: str, type_: str, attr: str | None = None) -> JsonResponse:
    return JsonResponse({"type": type_, "code": code, "detail": detail, "attr": attr}, status=status_code)


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown ``/api/`` paths, as PostHog's ``api_not_found``."""
    return envelope(404, "not_found", "Endpoint not found.", "invalid_request")


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return envelope(500, "error", "A server error occurred.", "server_error")


class ServerError(exceptions.APIException):
    """An unhandled server failure PostHog answers with a generic 500 (e.g. its KeyError on org-route create)."""

    status_code = 500
    default_detail = "A server error occurred."
    default_code = "error"


class TooManyConcurrentBackfills(exceptions.APIException):
    status_code = 429
    default_code = "too_many_concurrent_backfills"
