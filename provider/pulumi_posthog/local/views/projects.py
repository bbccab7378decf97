"""``/api/projects/``: the project lookup (a project's id, name and organization)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from pulumi_posthog.local.mixins import resolve_team
from pulumi_posthog.local.models import OrganizationMembership, Project
from pulumi_posthog.local.permissions import APIScopePermission


class ProjectSerializer(serializers.ModelSerializer):
    organization = serializers.UUIDField(source="organization_id", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "organization", "name", "created_at"]


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProjectSerializer
    scope_object = "project"
    lookup_value_regex = "[^/]+"
    permission_classes = [IsAuthenticated, APIScopePermission]

    def get_queryset(self) -> Any:
        user = self.request.user
        qs = Project.objects.filter(organization__memberships__user=user).order_by("id")
        org = user.organization
        return qs.filter(organization=org) if org is not None else qs.none()

    def team_or_none(self) -> Any:
        if "pk" not in self.kwargs:
            return None
        return resolve_team(self.request.user, self.kwargs["pk"])

    def organization_or_none(self) -> Any:
        team = self.team_or_none()
        return team.organization if team is not None else None

    def get_object(self) -> Project:
        team = resolve_team(self.request.user, self.kwargs["pk"])
        if not OrganizationMembership.objects.filter(
            user=self.request.user, organization_id=team.organization_id
        ).exists():
            raise exceptions.PermissionDenied("You don't have access to the project.")
        return team.project
