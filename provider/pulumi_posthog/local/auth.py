"""Personal API key authentication, as PostHog's ``PersonalAPIKeyAuthentication``."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from pulumi_posthog.local.models import PersonalAPIKey, hash_key_value

KEY_SOURCES = (
    ("Authorization header", "header"),
    ("body", "body"),
    ("query string", "query"),
)


def find_key(request: Request) -> tuple[str, str] | None:
    """Return (key, source) from the header, then the JSON body, then the query string."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token and not token.startswith("pha_"):
            return token, "Authorization header"
    if request.method not in ("GET", "HEAD", "OPTIONS", "DELETE"):
        data = request.data
        if isinstance(data, dict) and isinstance(data.get("personal_api_key"), str):
            return data["personal_api_key"], "body"
    value = request.query_params.get("personal_api_key")
    if value:
        return value, "query string"
    return None


class PersonalAPIKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, PersonalAPIKey] | None:
        found = find_key(request)
        if found is None:
            return None
        value, source = found
        key = PersonalAPIKey.objects.select_related("user").filter(secure_value=hash_key_value(value)).first()
        if key is None:
            raise exceptions.AuthenticationFailed(f"Personal API key found in request {source} is invalid.")
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
