"""Resolves the project (team) and organization a nested PostHog route is about, with PostHog's 404s/403s."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import exceptions
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request

from pulumi_posthog.local.models import Organization, OrganizationMembership, Team
from pulumi_posthog.local.permissions import APIScopePermission, PersonalAPIKeysAllowed

PROJECT_NOT_FOUND = "Project not found."
ORGANIZATION_NOT_FOUND = "Organization not found."
M = TypeVar("M", bound=Model)


def resolve(
    raw: Any,
    current: Callable[[], M | None],
    parse: Callable[[str], Any],
    queryset: QuerySet[M],
    not_found: str | None = None,
    current_not_found: str | None = None,
) -> M:
    """The row a URL's id names: ``@current`` is the caller's own, else the row with the id ``parse`` reads
    (one it cannot read, or no row, is a 404 saying ``not_found``; no ``@current`` one says ``current_not_found``)."""
    if raw == "@current":
        found = current()
        if found is None:
            raise exceptions.NotFound(current_not_found or not_found)
        return found
    try:
        key = parse(raw)
    except (TypeError, ValueError):
        raise exceptions.NotFound(not_found) from None
    row = queryset.filter(id=key).first()
    if row is None:
        raise exceptions.NotFound(not_found)
    return row


def parse_uuid(raw: Any) -> uuid.UUID:
    return uuid.UUID(str(raw))


def resolve_team(user: Any, raw: str) -> Team:
    teams = Team.objects.select_related("organization")
    return resolve(raw, lambda: user.team, int, teams, PROJECT_NOT_FOUND)


def resolve_organization(user: Any, raw: str) -> Organization:
    return resolve(raw, lambda: user.organization, parse_uuid, Organization.objects.all(), ORGANIZATION_NOT_FOUND)


def require_project_member(user: Any, team: Team) -> None:
    """A 403 unless ``user`` belongs to the organization of ``team``."""
    if not OrganizationMembership.objects.filter(user=user, organization_id=team.organization_id).exists():
        raise exceptions.PermissionDenied("You don't have access to the project.")


class ParentMembershipPermission(BasePermission):
    """The caller must belong to the organization of the project (or organization) in the URL."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if "project_id" in view.kwargs:
            require_project_member(request.user, view.team)
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
