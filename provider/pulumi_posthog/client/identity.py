"""Who the API key is: its scopes, its user."""

from __future__ import annotations

from pulumi_posthog.client.core import JSON, ClientCore


class IdentityAPI(ClientCore):
    """Who the API key is."""

    # -- who the key is --------------------------------------------------------------------------------------
    def get_current_personal_api_key(self) -> JSON:
        """``GET /api/personal_api_keys/@current/``: the key's scopes and scoped objects (never its value)."""
        return self._object("GET", "/api/personal_api_keys/@current/")

    def get_current_user(self) -> JSON:
        """``GET /api/users/@me/``: the key's user, its current organization and team (scope ``user:read``)."""
        return self._object("GET", "/api/users/@me/")
