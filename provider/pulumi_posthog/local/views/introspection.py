"""``/api/personal_api_keys/`` and ``/api/users/``: what a key is (``@current``) and who uses it (``@me``)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request

from pulumi_posthog.local.models import Organization, OrganizationMembership, PersonalAPIKey, User
from pulumi_posthog.local.permissions import APIScopePermission
from pulumi_posthog.local.serializers.constant import Constant
from pulumi_posthog.local.views.organizations import (
    OrganizationSerializer,
    OrganizationStatusFields,
    TeamBasicSerializer,
)

KEY_ACCESS = "This action does not support Personal API Key access"
ME_ONLY = "As a non-staff user you're only allowed to access the `@me` user instance."


class PersonalAPIKeySerializer(serializers.ModelSerializer):
    """PostHog's ``PersonalAPIKeySerializer`` on read: the value is only ever shown at creation (null here)."""

    value = Constant(None)
    user_id = serializers.IntegerField(read_only=True)
    last_rolled_at = Constant(None)

    class Meta:
        model = PersonalAPIKey
        fields = [
            "id",
            "label",
            "value",
            "mask_value",
            "created_at",
            "last_used_at",
            "user_id",
            "scopes",
            "scoped_teams",
            "scoped_organizations",
            "last_rolled_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: PersonalAPIKey) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["scopes"] = data["scopes"] or ["*"]  # a legacy unscoped key reads as full access
        return data


class PersonalApiKeySelfAccess(BasePermission):
    """``PersonalApiKeySelfAccessPermission``: a personal API key may only retrieve itself (any scopes)."""

    message = KEY_ACCESS

    def has_permission(self, request: Request, view: Any) -> bool:
        return not isinstance(request.auth, PersonalAPIKey) or view.action == "retrieve"

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        return not isinstance(request.auth, PersonalAPIKey) or request.auth == obj


class PersonalAPIKeyViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """``GET /api/personal_api_keys/@current/``: the authenticating key, its scopes and scoped objects."""

    serializer_class = PersonalAPIKeySerializer
    permission_classes = [IsAuthenticated, PersonalApiKeySelfAccess]
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> Any:
        return PersonalAPIKey.objects.filter(user=self.request.user).order_by("-created_at")

    def get_object(self) -> PersonalAPIKey:
        if self.kwargs.get("pk") == "@current":
            return self.request.auth
        return super().get_object()


class OrganizationBasicSerializer(OrganizationStatusFields, serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "logo_media_id",
            "membership_level",
            "members_can_use_personal_api_keys",
            "is_active",
            "is_not_active_reason",
            "is_pending_deletion",
        ]


# UserSerializer fields posthog-local has no feature behind, as a user who signed in with a key only reads them.
USER_DEFAULTS: dict[str, Any] = {
    "pending_email": None,
    "is_email_verified": True,
    "notification_settings": {},
    "notification_locks": [],
    "anonymize_data": False,
    "allow_impersonation": True,
    "toolbar_mode": None,
    "has_password": False,
    "is_staff": False,
    "is_impersonated": False,
    "is_impersonated_until": None,
    "is_impersonated_read_only": None,
    "is_impersonated_reason": None,
    "sensitive_session_expires_at": None,
    "fresh_reauth_expires_at": None,
    "events_column_config": {"active": "DEFAULT"},
    "is_2fa_enabled": False,
    "has_social_auth": False,
    "has_sso_enforcement": False,
    "has_seen_product_intro_for": {},
    "scene_personalisation": [],
    "theme_mode": None,
    "hedgehog_config": None,
    "allow_sidebar_suggestions": None,
    "shortcut_position": None,
    "role_at_organization": None,
    "passkeys_enabled_for_2fa": False,
    "hide_mcp_hints": False,
    "ui_configuration": None,
    "onboarding_skipped_at": None,
    "onboarding_skipped_reason": None,
    "onboarding_skipped_organization_id": None,
    "onboarding_delegated_to_invite": None,
    "onboarding_delegated_to_organization_id": None,
    "onboarding_delegation_accepted_at": None,
    "active_realtime_notification_types": [],
    "pending_invites": [],
}


class UserSerializer(serializers.Serializer):
    """``UserSerializer`` on read (``/api/users/@me/``): identity, current team and organization, memberships."""

    def to_representation(self, instance: User) -> dict[str, Any]:
        org = instance.organization
        team = instance.team
        organizations = Organization.objects.filter(memberships__user=instance).order_by("created_at")
        first_member = (
            OrganizationMembership.objects.filter(organization=org).order_by("joined_at").first() if org else None
        )
        return {
            "date_joined": serializers.DateTimeField().to_representation(instance.date_joined),
            "uuid": str(instance.uuid),
            "distinct_id": instance.distinct_id,
            "first_name": instance.first_name,
            "last_name": instance.last_name,
            "email": instance.email,
            "id": instance.id,
            "team": TeamBasicSerializer(team).data if team is not None else None,
            "organization": OrganizationSerializer(org, context=self.context).data if org is not None else None,
            "organizations": OrganizationBasicSerializer(organizations, many=True, context=self.context).data,
            "is_organization_first_user": None if first_member is None else first_member.user_id == instance.id,
            "requires_credential_review": instance.personal_api_keys.exists(),
            **USER_DEFAULTS,
        }


class UserViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """``GET /api/users/@me/`` (scope ``user:read``); other users only for staff, which posthog-local has none of."""

    serializer_class = UserSerializer
    scope_object = "user"
    permission_classes = [IsAuthenticated, APIScopePermission]
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> Any:
        return User.objects.filter(id=self.request.user.id)

    def get_object(self) -> User:
        if self.kwargs.get("pk") != "@me":
            raise exceptions.PermissionDenied(ME_ONLY)
        return self.request.user
