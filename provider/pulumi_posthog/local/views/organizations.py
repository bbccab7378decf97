"""``/api/organizations/``: PostHog's OrganizationViewSet rules (list, create, retrieve, update, delete, rollback)."""

from __future__ import annotations

import random
import string
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from pulumi_posthog.local.mixins import parse_uuid, resolve
from pulumi_posthog.local.models import Organization, OrganizationMembership, Team, User
from pulumi_posthog.local.permissions import (
    APIScopePermission,
    PersonalAPIKeysAllowed,
    features_of,
    membership_level,
    require_level,
)
from pulumi_posthog.local.projects import create_project_with_team
from pulumi_posthog.local.serializers.constant import Constant
from pulumi_posthog.local.settings import get_options

MAX_SLUG_LENGTH = 48
CURRENT_NOT_FOUND = "Current organization not found."
ALL_FEATURES = [
    {"key": "organization_invite_settings", "name": "Invite settings"},
    {"key": "2fa_enforcement", "name": "Enforce 2FA"},
    {"key": "organization_security_settings", "name": "Organization security settings"},
    {"key": "organizations_projects", "name": "Multiple organizations and projects"},
]
OBJECT_LEVELS = {
    "update": OrganizationMembership.Level.ADMIN,
    "partial_update": OrganizationMembership.Level.ADMIN,
    "destroy": OrganizationMembership.Level.OWNER,
    "environments_rollback": OrganizationMembership.Level.ADMIN,
}
GATED_FIELDS = {
    "members_can_invite": "organization_invite_settings",
    "enforce_2fa": "2fa_enforcement",
    "allow_publicly_shared_resources": "organization_security_settings",
    "members_can_use_personal_api_keys": "organization_security_settings",
}


# Fields of the newest OrganizationSerializer that the 2025 API did not have.
NEWEST_FIELDS = (
    "enforce_verified_domains",
    "members_can_create_projects",
    "members_can_see_org_members",
    "is_ai_training_opted_in",
    "is_ai_training_locked",
    "is_ai_training_cta_shown",
    "is_hipaa",
    "default_anonymize_ips",
    "is_pending_deletion",
)


def unique_slug(name: str) -> str:
    """PostHog's ``create_with_slug``: slugify, cut to 48, then up to 10 random 4-letter suffixes."""
    base = slugify(name)[:MAX_SLUG_LENGTH].lower()
    if not Organization.objects.filter(slug=base).exists():
        return base
    for _ in range(10):
        suffix = "".join(random.choices(string.ascii_letters, k=4))
        candidate = f"{base[: MAX_SLUG_LENGTH - 5]}-{suffix}".lower()
        if not Organization.objects.filter(slug=candidate).exists():
            return candidate
    raise RuntimeError("could not find a free slug")  # PostHog answers 500 here too


class TeamBasicSerializer(serializers.ModelSerializer):
    organization = serializers.UUIDField(source="organization_id", read_only=True)
    project_id = serializers.IntegerField(read_only=True)
    completed_snippet_onboarding = Constant(False)
    has_completed_onboarding_for = Constant({})
    ingested_event = Constant(False)
    is_demo = Constant(False)
    access_control = Constant(False)

    class Meta:
        model = Team
        fields = [
            "id",
            "uuid",
            "organization",
            "project_id",
            "api_token",
            "name",
            "completed_snippet_onboarding",
            "has_completed_onboarding_for",
            "ingested_event",
            "is_demo",
            "timezone",
            "access_control",
        ]


class OrganizationStatusFields(serializers.Serializer):
    """What every organization serializer tells: the caller's level in it, and that it is active."""

    membership_level = serializers.SerializerMethodField()
    is_active = Constant(True)
    is_not_active_reason = Constant(None)

    def get_membership_level(self, obj: Organization) -> int | None:
        return membership_level(self.context["request"].user, obj)


class OrganizationSerializer(OrganizationStatusFields, serializers.ModelSerializer):
    teams = serializers.SerializerMethodField()
    projects = serializers.SerializerMethodField()
    metadata = Constant({"instance_tag": "none"})
    member_count = serializers.SerializerMethodField()
    logo_media_id = serializers.UUIDField(required=False, allow_null=True)
    default_role_id = serializers.CharField(required=False, allow_null=True)
    default_experiment_stats_method = serializers.ChoiceField(
        choices=["bayesian", "frequentist"], required=False, allow_null=True, allow_blank=True
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "logo_media_id",
            "created_at",
            "updated_at",
            "membership_level",
            "plugins_access_level",
            "teams",
            "projects",
            "available_product_features",
            "is_member_join_email_enabled",
            "metadata",
            "customer_id",
            "enforce_2fa",
            "enforce_verified_domains",
            "members_can_invite",
            "members_can_create_projects",
            "members_can_use_personal_api_keys",
            "members_can_see_org_members",
            "allow_publicly_shared_resources",
            "member_count",
            "is_ai_data_processing_approved",
            "is_ai_training_opted_in",
            "is_ai_training_locked",
            "is_ai_training_cta_shown",
            "is_hipaa",
            "default_experiment_stats_method",
            "default_anonymize_ips",
            "default_role_id",
            "is_active",
            "is_not_active_reason",
            "is_pending_deletion",
        ]
        # PostHog's list also names its declared fields (membership_level, teams, projects, metadata, member_count);
        # DRF applies read_only_fields to generated fields only, so they are left out here.
        read_only_fields = [
            "id",
            "slug",
            "created_at",
            "updated_at",
            "plugins_access_level",
            "available_product_features",
            "customer_id",
            "is_ai_training_locked",
            "is_ai_training_cta_shown",
            "is_hipaa",
            "is_pending_deletion",
        ]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if get_options().profile == "latest":
            # "Legacy field; member-join emails are controlled per user in account notification settings": read
            # only, so a write is silently ignored (DRF drops read-only input).
            fields["is_member_join_email_enabled"] = serializers.BooleanField(read_only=True)
        else:
            for name in NEWEST_FIELDS:
                del fields[name]
        return fields

    def _user(self) -> User:
        return self.context["request"].user

    def get_teams(self, obj: Organization) -> list[dict[str, Any]]:
        return TeamBasicSerializer(obj.teams.order_by("id"), many=True).data

    def get_projects(self, obj: Organization) -> list[dict[str, Any]]:
        return [
            {"id": p.id, "organization_id": str(p.organization_id), "name": p.name} for p in obj.projects.order_by("id")
        ]

    def get_member_count(self, obj: Organization) -> int:
        return obj.memberships.count()

    def validate_logo_media_id(self, value: uuid.UUID | None) -> uuid.UUID | None:
        if value is not None:
            # posthog-local stores no uploaded media, so every id is unknown, as PostHog's related field says.
            raise serializers.ValidationError(f'Invalid pk "{value}" - object does not exist.', code="does_not_exist")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            features = features_of(self.instance)
            for field, feature in GATED_FIELDS.items():
                if field in attrs and feature not in features:
                    raise serializers.ValidationError(
                        {
                            field: f"This organization's plan does not include '{feature}'. "
                            "Please upgrade your plan to change this setting."
                        },
                        code="payment_required",
                    )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Organization:
        user = self._user()
        with transaction.atomic():
            org = Organization.objects.create(
                slug=unique_slug(validated_data.get("name", "")),
                available_product_features=ALL_FEATURES,
                **validated_data,
            )
            team = create_project_with_team(org)
            OrganizationMembership.objects.create(organization=org, user=user, level=OrganizationMembership.Level.OWNER)
            user.current_organization = org
            user.current_team = team
            user.save(update_fields=["current_organization", "current_team"])
        return org


class OrganizationViewSet(viewsets.ModelViewSet):
    serializer_class = OrganizationSerializer
    scope_object = "organization"
    lookup_field = "id"
    lookup_value_regex = "[^/]+"
    permission_classes = [IsAuthenticated, APIScopePermission, PersonalAPIKeysAllowed]

    def get_queryset(self) -> Any:
        qs = Organization.objects.filter(memberships__user=self.request.user).order_by("created_at")
        key = self.request.auth
        scoped = getattr(key, "scoped_organizations", None)
        if scoped:
            qs = qs.filter(id__in=scoped)
        return qs

    def _lookup(self) -> Organization:
        user = self.request.user
        mine = Organization.objects.filter(memberships__user=user)
        return resolve(self.kwargs.get("id"), lambda: user.organization, parse_uuid, mine, None, CURRENT_NOT_FOUND)

    def organization_or_none(self) -> Organization | None:
        if "id" not in self.kwargs:
            return None
        if not hasattr(self, "_org_cache"):
            self._org_cache = self._lookup()
        return self._org_cache

    def team_or_none(self) -> None:
        return None

    def get_object(self) -> Organization:
        org = self.organization_or_none()
        assert org is not None
        needed = OBJECT_LEVELS.get(self.action or "")
        if needed is not None:
            require_level(self.request.user, org, needed)
        return org

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not Organization.objects.filter(memberships__user=request.user).exists():
            raise exceptions.NotFound("You need to belong to an organization.")
        return super().list(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.auth
        if getattr(key, "scoped_teams", None):
            raise exceptions.PermissionDenied(
                "API keys with scoped projects are only supported on project-based endpoints."
            )
        return super().create(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        org = self.get_object()
        with transaction.atomic():
            org.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(methods=["POST"], detail=True)
    def environments_rollback(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        org = self.get_object()
        if org.environments_rollback_requested:
            raise exceptions.ValidationError("Environments rollback has already been requested for this organization.")
        mapping = request.data if isinstance(request.data, dict) else {}
        mapping = {k: v for k, v in mapping.items() if k != "personal_api_key"}
        if not mapping:
            raise exceptions.ValidationError("Environment mappings are required")
        # PostHog casts with int(); a non-numeric id is an unhandled ValueError there (500).
        ids = {int(k) for k in mapping} | {int(v) for v in mapping.values()}
        found = set(Team.objects.filter(organization=org, id__in=ids).values_list("id", flat=True))
        missing = ids - found
        if missing:
            raise exceptions.ValidationError(f"Environments not found: {missing}")
        try:
            Organization.objects.filter(id=org.id).update(environments_rollback_requested=True)
        except IntegrityError as exc:  # pragma: no cover - defensive
            raise exceptions.APIException() from exc
        return Response({"success": True, "message": "Migration started"}, status=status.HTTP_202_ACCEPTED)
