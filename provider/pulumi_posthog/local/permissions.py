"""PostHog's permission rules: API-key scopes, scoped organizations/projects, and membership levels."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from pulumi_posthog.local.models import OrganizationMembership, PersonalAPIKey

WRITE_ACTIONS = ("create", "update", "partial_update", "patch", "destroy")
READ_ACTIONS = ("list", "retrieve")
LEVEL_INSUFFICIENT = "Your organization access level is insufficient."


def required_scopes(request: Request, view: Any) -> list[str] | None:
    """The scopes an action needs; None when personal API keys may not use it at all."""
    declared = getattr(view, "required_scopes", None)
    if declared:
        return list(declared)
    scope_object = getattr(view, "scope_object", None)
    action = getattr(view, "action", None)
    if scope_object is None or scope_object == "INTERNAL":
        return None
    if action in WRITE_ACTIONS:
        return [f"{scope_object}:write"]
    if action in READ_ACTIONS or request.method == "OPTIONS":
        return [f"{scope_object}:read"]
    return None


def key_allows(key_scopes: list[str], scope: str) -> bool:
    if "*" in key_scopes or scope in key_scopes:
        return True
    obj, _, kind = scope.partition(":")
    return kind == "read" and f"{obj}:write" in key_scopes


class APIScopePermission(BasePermission):
    """Limits what a personal API key may do, as PostHog's ``APIScopePermission``."""

    def has_permission(self, request: Request, view: Any) -> bool:
        key = request.auth
        if not isinstance(key, PersonalAPIKey):
            return True
        self.check_team_and_org(key, view)
        if not key.scopes:
            return True  # legacy keys without scopes may do anything
        scopes = required_scopes(request, view)
        if not scopes:
            raise exceptions.PermissionDenied("This action does not support Personal API Key access")
        for scope in scopes:
            if not key_allows(key.scopes, scope):
                raise exceptions.PermissionDenied(f"API key missing required scope '{scope}'")
        return True

    @staticmethod
    def check_team_and_org(key: PersonalAPIKey, view: Any) -> None:
        if key.scoped_teams:
            team = view.team_or_none() if hasattr(view, "team_or_none") else None
            if team is None:
                raise exceptions.PermissionDenied(
                    "API keys with scoped projects are only supported on project-based endpoints."
                )
            if team.id not in [int(t) for t in key.scoped_teams]:
                raise exceptions.PermissionDenied(
                    f"API key does not have access to the requested project: ID {team.id}."
                )
        if key.scoped_organizations:
            org = view.organization_or_none() if hasattr(view, "organization_or_none") else None
            if org is not None and str(org.id) not in [str(o) for o in key.scoped_organizations]:
                raise exceptions.PermissionDenied(
                    f"API key does not have access to the requested organization: ID {org.id}."
                )


def membership_level(user: Any, organization: Any) -> int | None:
    membership = OrganizationMembership.objects.filter(user=user, organization=organization).first()
    return membership.level if membership else None


def require_level(user: Any, organization: Any, level: int) -> None:
    current = membership_level(user, organization)
    if current is None or current < level:
        raise exceptions.PermissionDenied(LEVEL_INSUFFICIENT)


class PersonalAPIKeysAllowed(BasePermission):
    """Organizations may forbid personal API keys for non-admins (members_can_use_personal_api_keys)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.auth, PersonalAPIKey):
            return True
        org = view.organization_or_none() if hasattr(view, "organization_or_none") else None
        if org is None or org.members_can_use_personal_api_keys:
            return True
        if "organization_security_settings" not in features_of(org):
            return True
        level = membership_level(request.user, org)
        if level is not None and level >= OrganizationMembership.Level.ADMIN:
            return True
        raise exceptions.PermissionDenied(
            f"Organization '{org.name}' does not allow using personal API keys. "
            "Contact an admin to enable personal API keys for this organization."
        )


def features_of(org: Any) -> set[str]:
    return {f.get("key") for f in (org.available_product_features or []) if isinstance(f, dict)}
