"""PostHog's ``BatchExportDestinationSerializer``: config checked against the destination's inputs, secrets
stripped on read, ``integration``/``integration_id`` resolved (team-scoped in the latest profile)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from pulumi_posthog.local.destinations import catalogue, secret_fields, type_choices
from pulumi_posthog.local.errors import ServerError
from pulumi_posthog.local.models import BatchExportDestination, Integration
from pulumi_posthog.local.serializers.config_values import coerce_declared, strip_secrets, try_convert
from pulumi_posthog.local.settings import get_options


def profile() -> str:
    return get_options().profile


class IntegrationField(serializers.PrimaryKeyRelatedField):
    """Latest: ``TeamScopedPrimaryKeyRelatedField`` (another team's id "does not exist"). 2025: any id."""

    def get_queryset(self) -> Any:
        queryset = Integration.objects.all()
        if profile() == "latest":
            team = self.context.get("team")
            return queryset.filter(team=team) if team is not None else queryset.none()
        return queryset


class DestinationSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=[])
    config = serializers.JSONField()
    integration = IntegrationField(required=False, allow_null=True)
    integration_id = IntegrationField(write_only=True, source="integration", required=False, allow_null=True)

    class Meta:
        model = BatchExportDestination
        fields = ["type", "config", "integration", "integration_id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = type_choices(profile())
        # Newest declares ``config`` (required); the 2025 serializer took the model field (``default=dict``).
        self.fields["config"].required = profile() == "latest"

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Unknown keys, missing required keys (not on PATCH), declared types with str→bool/int coercion."""
        if "type" not in attrs or "config" not in attrs or not isinstance(attrs["config"], dict):
            raise ServerError()  # PostHog indexes attrs["type"] / attrs["config"] directly: KeyError → 500
        destination = catalogue(profile()).get(attrs["type"])
        if destination is None:
            raise ServerError()  # newest PostHog: DESTINATION_WORKFLOWS["S3"], a KeyError → 500
        config: dict[str, Any] = attrs["config"]
        unknown = sorted(set(config) - destination.field_names() - set(destination.base_inputs))
        if unknown:
            listed = ", ".join(f"'{name}'" for name in unknown)
            raise serializers.ValidationError(f"Configuration has unknown field/s: {listed}")
        request = self.context.get("request")
        is_patch = request is not None and request.method == "PATCH"
        for field in destination.fields:
            if field.name not in config:
                if field.required and not is_patch:
                    raise serializers.ValidationError(f"Configuration missing required field: '{field.name}'")
                continue
            value = config[field.name]
            if field.kind is None or isinstance(value, field.kind):
                continue
            converted, ok = try_convert(value, field.kind)
            if not ok:
                raise serializers.ValidationError(
                    f"Configuration has invalid type: got '{type(value).__name__}', expected '{field.kind.__name__}'"
                )
            config[field.name] = converted
        return attrs

    def to_representation(self, instance: BatchExportDestination) -> dict[str, Any]:
        data = super().to_representation(instance)
        config = strip_secrets(data["config"] or {}, secret_fields(instance.type))
        if profile() == "latest":
            config = coerce_declared(config, catalogue("latest").get(instance.type))
        data["config"] = config
        return data
