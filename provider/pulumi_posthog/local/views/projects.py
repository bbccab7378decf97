"""``/api/projects/`` and ``/api/organizations/{id}/projects/``: PostHog's ProjectViewSet (list, retrieve, create)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from pulumi_posthog.local.mixins import NestedViewMixin, require_project_member, resolve_team
from pulumi_posthog.local.models import Organization, OrganizationMembership, Project, Team
from pulumi_posthog.local.permissions import LEVEL_INSUFFICIENT, APIScopePermission, features_of, membership_level
from pulumi_posthog.local.projects import create_project_with_team
from pulumi_posthog.local.serializers.batch_export import TIMEZONES

MORE_PROJECTS = "You must upgrade your PostHog plan to be able to create and manage more projects."
# ProjectBackwardCompatSerializer's passthrough fields posthog-local has no feature behind: what a new project
# reads (posthog/api/project.py). Writes to them are ignored.
TEAM_DEFAULTS: dict[str, Any] = {
    "slack_incoming_webhook": None,
    "completed_snippet_onboarding": False,
    "ingested_event": False,
    "test_account_filters": [],
    "test_account_filters_default_checked": None,
    "path_cleaning_filters": [],
    "is_demo": False,
    "data_attributes": ["data-attr"],
    "person_display_name_properties": None,
    "correlation_config": {},
    "autocapture_opt_out": None,
    "autocapture_exceptions_opt_in": None,
    "autocapture_web_vitals_opt_in": None,
    "autocapture_web_vitals_allowed_metrics": None,
    "autocapture_exceptions_errors_to_ignore": None,
    "capture_console_log_opt_in": None,
    "capture_performance_opt_in": None,
    "session_recording_opt_in": False,
    "session_recording_sample_rate": None,
    "session_recording_minimum_duration_milliseconds": None,
    "session_recording_linked_flag": None,
    "session_recording_network_payload_capture_config": None,
    "session_recording_masking_config": None,
    "session_replay_config": None,
    "survey_config": None,
    "access_control": False,
    "week_start_day": None,
    "primary_dashboard": None,
    "live_events_columns": None,
    "recording_domains": None,
    "person_on_events_querying_enabled": True,
    "inject_web_apps": None,
    "extra_settings": None,
    "modifiers": None,
    "default_modifiers": {},
    "has_completed_onboarding_for": None,
    "surveys_opt_in": None,
    "heatmaps_opt_in": None,
    "product_intents": [],
    "flags_persistence_default": False,
    "secret_api_token": None,
    "secret_api_token_backup": None,
}


def passthrough_team(project: Project) -> Team:
    """The project's default environment, which carries the project's id."""
    return project.teams.get(pk=project.pk)


class ProjectBasicSerializer(serializers.Serializer):
    """``ProjectBackwardCompatBasicSerializer`` (the list)."""

    def to_representation(self, instance: Project) -> dict[str, Any]:
        team = passthrough_team(instance)
        return {
            "id": instance.id,
            "uuid": str(team.uuid),
            "organization": str(instance.organization_id),
            "api_token": team.api_token,
            "name": instance.name,
            "completed_snippet_onboarding": False,
            "has_completed_onboarding_for": None,
            "ingested_event": False,
            "is_demo": False,
            "timezone": team.timezone,
            "access_control": False,
        }


class ProjectSerializer(serializers.Serializer):
    """``ProjectBackwardCompatSerializer``: the project and its passthrough team, as retrieve and create answer."""

    name = serializers.CharField(max_length=200, required=False)
    product_description = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    timezone = serializers.ChoiceField(choices=TIMEZONES, required=False)
    anonymize_ips = serializers.BooleanField(required=False)
    app_urls = serializers.ListField(child=serializers.CharField(allow_null=True), required=False)

    def to_representation(self, instance: Project) -> dict[str, Any]:
        team = passthrough_team(instance)
        user = self.context["request"].user
        return {
            "id": instance.id,
            "organization": str(instance.organization_id),
            "name": instance.name,
            "product_description": instance.product_description,
            "created_at": serializers.DateTimeField().to_representation(instance.created_at),
            "effective_membership_level": membership_level(user, instance.organization),
            "has_group_types": False,
            "group_types": [],
            "live_events_token": None,
            "updated_at": serializers.DateTimeField().to_representation(team.updated_at or team.created_at),
            "uuid": str(team.uuid),
            "api_token": team.api_token,
            "app_urls": team.app_urls,
            "anonymize_ips": team.anonymize_ips,
            "timezone": team.timezone,
            **TEAM_DEFAULTS,
        }

    def create(self, validated_data: dict[str, Any]) -> Project:
        org: Organization = self.context["organization"]
        user = self.context["request"].user
        team_fields = {
            "timezone": validated_data.get("timezone", "UTC"),
            "anonymize_ips": validated_data.get("anonymize_ips", org.default_anonymize_ips),
            "app_urls": validated_data.get("app_urls", []),
        }
        with transaction.atomic():
            team = create_project_with_team(org, name=validated_data.get("name", "Default project"))
            Team.objects.filter(pk=team.pk).update(**team_fields)
            Project.objects.filter(pk=team.project_id).update(
                product_description=validated_data.get("product_description")
            )
            user.current_organization = org
            user.current_team = team
            user.save(update_fields=["current_organization", "current_team"])
        return Project.objects.get(pk=team.project_id)

    def update(self, instance: Project, validated_data: dict[str, Any]) -> Project:
        """``PATCH /api/projects/{id}/``: project fields on the project, the rest on its passthrough team."""
        team = passthrough_team(instance)
        with transaction.atomic():
            for key in ("name", "product_description"):
                if key in validated_data:
                    setattr(instance, key, validated_data[key])
            instance.save()
            for key in ("timezone", "anonymize_ips", "app_urls"):
                if key in validated_data:
                    setattr(team, key, validated_data[key])
            team.save()
        return Project.objects.get(pk=instance.pk)


def check_can_create(user: Any, org: Organization) -> None:
    """Admins create projects, members too when the organization allows it (newest PostHog); and
    ``PremiumMultiProjectPermission``: the plan's ``organizations_projects`` limit, else one project."""
    level = membership_level(user, org)
    allowed = level is not None and (level >= OrganizationMembership.Level.ADMIN or org.members_can_create_projects)
    if not allowed:
        raise exceptions.PermissionDenied(LEVEL_INSUFFICIENT)
    count = org.projects.count()
    feature = next(
        (
            f
            for f in org.available_product_features or []
            if isinstance(f, dict) and f.get("key") == "organizations_projects"
        ),
        None,
    )
    limit = feature.get("limit") if feature is not None else 1
    if "organizations_projects" in features_of(org) and limit is None:
        return
    if count >= (limit or 1):
        raise exceptions.PermissionDenied(MORE_PROJECTS)


class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """``/api/projects/``: the current organization's projects; a project's full body by id or ``@current``;
    PATCH and DELETE (204) by id, as PostHog's ProjectViewSet (posthog/api/project.py) serves them."""

    serializer_class = ProjectSerializer
    scope_object = "project"
    lookup_value_regex = "[^/]+"
    permission_classes = [IsAuthenticated, APIScopePermission]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return ProjectBasicSerializer if self.action == "list" else ProjectSerializer

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
        require_project_member(self.request.user, team)
        return team.project

    def perform_destroy(self, instance: Project) -> None:
        """Admins delete a project (PostHog: TeamMemberStrictManagementPermission), with its environments."""
        level = membership_level(self.request.user, instance.organization)
        if level is None or level < OrganizationMembership.Level.ADMIN:
            raise exceptions.PermissionDenied(LEVEL_INSUFFICIENT)
        instance.delete()


class OrganizationProjectViewSet(
    NestedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """``/api/organizations/{id}/projects/``: list (basic), retrieve and create (the full body)."""

    scope_object = "project"
    lookup_value_regex = "[^/]+"
    serializer_class = ProjectSerializer

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return ProjectBasicSerializer if self.action == "list" else ProjectSerializer

    def get_queryset(self) -> Any:
        return Project.objects.filter(organization=self.organization).order_by("id")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "organization": self.organization}

    def get_object(self) -> Project:
        raw = self.kwargs["pk"]
        try:
            int(raw)
        except ValueError:  # PostHog's Django get_object_or_404 raises it, and the view answers a 400
            raise exceptions.ValidationError(f"Field 'id' expected a number but got {raw!r}.") from None
        return super().get_object()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        check_can_create(request.user, self.organization)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = serializer.save()
        return Response(self.get_serializer(project).data, status=status.HTTP_201_CREATED)
