"""Resolves the project (team) and organization a nested PostHog route is about, with PostHog's 404s/403s."""

from __future__ import annotations

import uuid
from functools import cached_property
from typing import Any

from rest_framework import exceptions
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request

from pulumi_posthog.local.models import Organization, OrganizationMembership, Team
from pulumi_posthog.local.permissions import APIScopePermission, PersonalAPIKeysAllowed

PROJECT_NOT_FOUND = "Project not found."
ORGANIZATION_NOT_FOUND = "Organization not found."


def resolve_team(user: Any, raw: str) -> Team:
    if raw == "@current":
        team = user.team
        if team is None:
            raise exceptions.NotFound(PROJECT_NOT_FOUND)
        return team
    try:
        team_id = int(raw)
    except (TypeError, ValueError):
        raise exceptions.NotFound(PROJECT_NOT_FOUND) from None
    team = Team.objects.select_related("organization").filter(id=team_id).first()
    if team is None:
        raise exceptions.NotFound(PROJECT_NOT_FOUND)
    return team


def resolve_organization(user: Any, raw: str) -> Organization:
    if raw == "@current":
        org = user.organization
        if org is None:
            raise exceptions.NotFound(ORGANIZATION_NOT_FOUND)
        return org
    try:
        org_id = uuid.UUID(str(raw))
    except ValueError:
        raise exceptions.NotFound(ORGANIZATION_NOT_FOUND) from None
    org = Organization.objects.filter(id=org_id).first()
    if org is None:
        raise exceptions.NotFound(ORGANIZATION_NOT_FOUND)
    return org


class ParentMembershipPermission(BasePermission):
    """The caller must belong to the organization of the project (or organization) in the URL."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if "project_id" in view.kwargs:
            team = view.team
            if not OrganizationMembership.objects.filter(
                user=request.user, organization_id=team.organization_id
            ).exists():
                raise exceptions.PermissionDenied("You don't have access to the project.")
        elif "organization_id" in view.kwargs:
            org = view.organization
            if not OrganizationMembership.objects.filter(user=request.user, organization=org).exists():
                raise exceptions.PermissionDenied()
        return True


class NestedViewMixin:
    """For viewsets under ``/api/projects/{project_id}/`` or ``/api/organizations/{organization_id}/``."""

    kwargs: dict[str, Any]
    request: Request
    permission_classes = [
        IsAuthenticated,
        APIScopePermission,
        PersonalAPIKeysAllowed,
        ParentMembershipPermission,
    ]

    @cached_property
    def team(self) -> Team:
        if "project_id" not in self.kwargs:
            raise KeyError("team_id")
        return resolve_team(self.request.user, self.kwargs["project_id"])

    @cached_property
    def organization(self) -> Organization:
        if "organization_id" in self.kwargs:
            return resolve_organization(self.request.user, self.kwargs["organization_id"])
        return self.team.organization

    def team_or_none(self) -> Team | None:
        return self.team if "project_id" in self.kwargs else None

    def organization_or_none(self) -> Organization | None:
        if "organization_id" in self.kwargs or "project_id" in self.kwargs:
            return self.organization
        return None
