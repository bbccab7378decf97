"""``/api/projects/{id}/integrations/``: PostHog's IntegrationViewSet for the batch-export kinds."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.exceptions import ErrorDetail
from rest_framework.request import Request
from rest_framework.response import Response

from pulumi_posthog.local import integration_kinds
from pulumi_posthog.local.errors import ServerError
from pulumi_posthog.local.mixins import NestedViewMixin
from pulumi_posthog.local.models import BatchExport, Integration, OrganizationMembership, User
from pulumi_posthog.local.permissions import membership_level
from pulumi_posthog.local.serializers.constant import Constant

ADMIN = OrganizationMembership.Level.ADMIN
OVERWRITE_DENIED = "Editing an existing integration requires project admin access."
DELETE_DENIED = "You don't have sufficient permissions in the project."
DEPRECATED = "This integration kind is deprecated and can no longer be created."


class UserBasicSerializer(serializers.ModelSerializer):
    """PostHog's ``UserBasicSerializer`` (``created_by``); fields posthog-local lacks read as null."""

    is_email_verified = Constant(None)
    hedgehog_config = Constant(None)
    role_at_organization = Constant(None)

    class Meta:
        model = User
        fields = [
            "id",
            "uuid",
            "distinct_id",
            "first_name",
            "last_name",
            "email",
            "is_email_verified",
            "hedgehog_config",
            "role_at_organization",
        ]


class IntegrationSerializer(serializers.ModelSerializer):
    """What PostHog returns: never ``sensitive_config`` nor ``integration_id``."""

    created_by = UserBasicSerializer(read_only=True)
    display_name = serializers.SerializerMethodField()
    files_write_requestable = Constant(False)  # Slack only
    installation_shared = Constant(None)  # GitHub only
    installation_status = Constant(None)  # GitHub only

    class Meta:
        model = Integration
        fields = [
            "id",
            "kind",
            "config",
            "created_at",
            "created_by",
            "errors",
            "display_name",
            "files_write_requestable",
            "installation_shared",
            "installation_status",
        ]
        read_only_fields = fields

    def get_display_name(self, obj: Integration) -> str:
        return integration_kinds.display_name(obj)


class IntegrationCreateSerializer(serializers.Serializer):
    """The writable part of PostHog's serializer: ``kind`` (model choices) and ``config`` (JSON)."""

    kind = serializers.ChoiceField(choices=integration_kinds.ALL_KINDS)
    config = serializers.JSONField(required=False)

    def validate_kind(self, value: str) -> str:
        if value == integration_kinds.DEPRECATED_KIND:
            raise serializers.ValidationError(DEPRECATED)
        return value


def batch_exports_using(integration: Integration) -> list[BatchExport]:
    """PostHog's ``get_batch_exports_using_integration``: live exports of the team, paused ones included."""
    return list(
        BatchExport.objects.filter(
            team_id=integration.team_id, deleted=False, destination__integration_id=integration.id
        )
    )


class IntegrationViewSet(
    NestedViewMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    scope_object = "integration"
    serializer_class = IntegrationSerializer

    def get_queryset(self) -> QuerySet[Integration]:
        return Integration.objects.filter(team=self.team).select_related("created_by").order_by("created_at", "id")

    def filter_queryset(self, queryset: QuerySet[Integration]) -> QuerySet[Integration]:
        """``?kind=`` as django-filter's ChoiceFilter on the model's ``kind`` choices."""
        kind = self.request.query_params.get("kind")
        if self.action != "list" or not kind:
            return queryset
        if kind not in integration_kinds.ALL_KINDS:
            message = f"Select a valid choice. {kind} is not one of the available choices."
            raise exceptions.ValidationError({"kind": [ErrorDetail(message, code="invalid_choice")]})
        return queryset.filter(kind=kind)

    def _is_project_admin(self) -> bool:
        level = membership_level(self.request.user, self.team.organization)
        return level is not None and level >= ADMIN

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = IntegrationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kind: str = serializer.validated_data["kind"]
        config = serializer.validated_data.get("config", {})
        if not isinstance(config, dict):
            if config or kind in integration_kinds.BUILDERS:
                raise ServerError()  # PostHog calls config.get()/pop() on it: an AttributeError, a 500
            config = {}
        ctx = integration_kinds.BuildContext(
            team_id=self.team.id, organization_id=str(self.team.organization_id), user=request.user
        )
        with transaction.atomic():
            existing = set(
                Integration.objects.filter(team=self.team, kind=kind).values_list("integration_id", flat=True)
            )
            instance = integration_kinds.build(kind, dict(config), ctx)
            if instance is None:
                raise exceptions.ValidationError("Kind not supported")
            if instance.integration_id in existing and not self._is_project_admin():
                raise exceptions.PermissionDenied(OVERWRITE_DENIED)  # rolls the upsert back
        return Response(IntegrationSerializer(instance).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        if not self._is_project_admin():
            raise exceptions.PermissionDenied(DELETE_DENIED)
        with transaction.atomic():
            used_by = batch_exports_using(instance)
            if used_by:
                names = ", ".join(sorted(export.name or str(export.id) for export in used_by))
                raise exceptions.ValidationError(
                    f"This integration is used by batch exports: {names}. "
                    "Update them to use a different integration before disconnecting it."
                )
            instance.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
