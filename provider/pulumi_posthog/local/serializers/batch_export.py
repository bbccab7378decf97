"""PostHog's ``BatchExportSerializer`` for both profiles: fields, validation order, create and update."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.db import transaction
from rest_framework import exceptions, serializers

from pulumi_posthog.local import hogql
from pulumi_posthog.local.destination_rules import validate_destination
from pulumi_posthog.local.destinations import catalogue
from pulumi_posthog.local.errors import ServerError
from pulumi_posthog.local.hogql import modifiers
from pulumi_posthog.local.models import BatchExport, BatchExportDestination, Team
from pulumi_posthog.local.serializers.config_values import encrypted_round_trip, recursive_dict_merge
from pulumi_posthog.local.serializers.destination import DestinationSerializer, profile
from pulumi_posthog.local.serializers.runs import BatchExportRunSerializer

INTERVALS = {
    "latest": ["hour", "day", "week", "every 5 minutes", "every 15 minutes"],
    "2025": ["hour", "day", "week", "every 5 minutes"],
}
MODELS = {"latest": ["events", "persons", "sessions", "hogql"], "2025": ["events", "persons", "sessions"]}
TIMEZONES = sorted(zoneinfo.available_timezones() | {"UTC"})
FILTER_TYPES = ("event", "hogql", "person")
HIGH_FREQUENCY = "Higher frequency batch exports are not enabled for this team."
DATA_INTERVAL_FILTER = (
    "'data_interval_start' and 'data_interval_end' are run attributes and not 'filters'. "
    "Trigger a backfill if you wish to manually control which periods to batch export."
)


class HogQLQuery2025Field(serializers.Field):
    """2025's ``HogQLSelectQueryField``: parses on write, has no read path, so is never in a response."""

    def to_internal_value(self, data: Any) -> Any:
        try:
            return hogql.parse_and_resolve(data)
        except hogql.HogQLError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value: Any) -> Any:  # pragma: no cover - write_only
        raise NotImplementedError


class HogQLModifiersField(serializers.JSONField):
    """PostHog's ``HogQLModifiersField``: validated as ``HogQLQueryModifiers``, stored without null entries."""

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        try:
            return modifiers.validate(value)
        except modifiers.ModifiersError as exc:
            raise serializers.ValidationError(exc.messages) from None


def key_columns(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(allow_null=False, allow_blank=False),
        required=False,
        allow_null=True,
        allow_empty=False,
        **kwargs,
    )


LATEST_ONLY_FIELDS = ("hogql_modifiers", "primary_key", "version_key", "incremental_mode")
INCREMENTAL_MODES = ("APPEND", "MERGE")


class BatchExportSerializer(serializers.ModelSerializer):
    destination = DestinationSerializer()
    latest_runs = serializers.SerializerMethodField()
    interval = serializers.ChoiceField(choices=INTERVALS["latest"])
    hogql_query = serializers.CharField(required=False, allow_null=True)
    hogql_modifiers = HogQLModifiersField(required=False, allow_null=True)
    primary_key = key_columns()
    version_key = key_columns()
    incremental_mode = serializers.ChoiceField(
        choices=INCREMENTAL_MODES, default=serializers.CreateOnlyDefault("APPEND")
    )
    filters = serializers.JSONField(required=False, allow_null=True)
    timezone = serializers.ChoiceField(choices=TIMEZONES, required=False, allow_null=True)
    offset_day = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=6)
    offset_hour = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=23)

    class Meta:
        model = BatchExport
        fields = [
            "id",
            "team_id",
            "name",
            "model",
            "destination",
            "interval",
            "paused",
            "created_at",
            "last_updated_at",
            "last_paused_at",
            "start_at",
            "end_at",
            "latest_runs",
            "hogql_query",
            "hogql_modifiers",
            "primary_key",
            "version_key",
            "incremental_mode",
            "schema",
            "filters",
            "timezone",
            "offset_day",
            "offset_hour",
        ]
        read_only_fields = ["id", "team_id", "created_at", "last_updated_at", "latest_runs", "schema"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        current = profile()
        fields["interval"] = serializers.ChoiceField(choices=INTERVALS[current])
        if current == "latest":
            fields["model"] = serializers.ChoiceField(
                choices=MODELS["latest"], default=serializers.CreateOnlyDefault("events")
            )
        else:
            fields["model"] = serializers.ChoiceField(
                choices=MODELS["2025"], required=False, allow_null=True, allow_blank=True
            )
            fields["hogql_query"] = HogQLQuery2025Field(required=False, write_only=True)
            for name in LATEST_ONLY_FIELDS:
                del fields[name]
        return fields

    @property
    def team(self) -> Team | None:
        return self.context.get("team")

    def get_latest_runs(self, obj: BatchExport) -> list[dict[str, Any]]:
        runs = obj.runs.order_by("-created_at")[:10]
        return BatchExportRunSerializer(runs, many=True).data

    # -- field validation ------------------------------------------------------------------------------------
    def validate_model(self, model: str | None) -> str | None:
        if profile() != "latest":
            return model
        # check_hogql_batch_exports_enabled, a field-level PermissionDenied: a 403 before any 400
        if model == "hogql" and (self.team is None or not self.team.has_flag("hogql-batch-exports")):
            raise exceptions.PermissionDenied("HogQL batch exports are not enabled for this team.")
        if self.instance is not None and model != self.instance.model:
            raise serializers.ValidationError("Changing models is not supported. Create a new batch export instead.")
        return model

    def validate_destination(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return validate_destination(attrs, self.instance, self.team, profile())

    def validate_interval(self, interval: str) -> str:
        if profile() == "latest" and interval not in ("hour", "day", "week"):
            if self.team is None:
                raise ServerError()
            if not self.team.has_flag("high-frequency-batch-exports"):
                raise exceptions.PermissionDenied(HIGH_FREQUENCY)
        return interval

    def validate_hogql_query(self, query: Any) -> Any:
        if profile() == "2025" and query is not None:
            try:
                return hogql.check_batch_export_query(query, "2025")
            except hogql.HogQLError as exc:
                raise serializers.ValidationError(str(exc)) from None
        return query

    def validate_timezone(self, tz: str | None) -> str:
        return "UTC" if tz is None else tz

    def _interval_for_offsets(self) -> Any:
        interval = self.initial_data.get("interval") if isinstance(self.initial_data, dict) else None
        if interval is None and self.instance is not None:
            interval = self.instance.interval
        return interval

    def validate_offset_day(self, offset_day: int | None) -> int | None:
        if offset_day is not None and self._interval_for_offsets() != "week":
            raise serializers.ValidationError("offset_day is not applicable for non-weekly intervals")
        return offset_day

    def validate_offset_hour(self, offset_hour: int | None) -> int | None:
        if offset_hour is not None and self._interval_for_offsets() not in ("day", "week"):
            raise serializers.ValidationError("offset_hour is not applicable for non-daily/weekly intervals")
        return offset_hour

    def validate_filters(self, filters: Any) -> Any:
        if filters is None:
            return filters
        if not isinstance(filters, list):
            raise serializers.ValidationError("'filters' should be an array of filters")
        for item in filters:
            if profile() == "latest" and not isinstance(item, dict):
                raise serializers.ValidationError("Each filter must be an object")
            if isinstance(item, dict) and ("data_interval_start" in item or "data_interval_end" in item):
                raise serializers.ValidationError(DATA_INTERVAL_FILTER)
            if profile() == "latest" and item.get("type") not in FILTER_TYPES:
                types = ", ".join(f"'{t}'" for t in FILTER_TYPES)
                raise serializers.ValidationError(f"Each filter must have a 'type' of one of: {types}")
        return filters

    # -- object validation -----------------------------------------------------------------------------------
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if profile() == "latest":
            if attrs.get("interval") is not None:
                self._convert_offsets(attrs)
            self._validate_model_query(attrs)
            return attrs
        destination = attrs.get("destination")
        if destination and destination.get("type") == "HTTP":
            model = attrs.get("model")
            if model is not None and model != "events":
                raise serializers.ValidationError("HTTP batch exports only support the events model")
        if attrs.get("interval") is not None:
            self._convert_offsets(attrs)
        return attrs

    def _convert_offsets(self, attrs: dict[str, Any]) -> None:
        """``offset_day``/``offset_hour`` become ``interval_offset``; on PATCH absent keeps, null resets."""
        interval = attrs["interval"]
        day_given, hour_given = "offset_day" in attrs, "offset_hour" in attrs
        day, hour = attrs.pop("offset_day", None), attrs.pop("offset_hour", None)
        if interval == "day":
            if day_given and day is not None:
                raise self._offset_error("offset_day", "offset_day should not be specified for daily intervals")
            if hour_given:
                attrs["interval_offset"] = hour * 3600 if hour is not None else None
            elif not self.partial:
                attrs["interval_offset"] = None
        elif interval == "week":
            if day_given or hour_given:
                attrs["interval_offset"] = (day or 0) * 86400 + (hour or 0) * 3600
            elif not self.partial:
                attrs["interval_offset"] = None
        else:
            if day_given and day is not None:
                raise self._offset_error("offset_day", "offset_day is not applicable for non-daily/weekly intervals")
            if hour_given and hour is not None:
                raise self._offset_error("offset_hour", "offset_hour is not applicable for non-daily/weekly intervals")
            attrs["interval_offset"] = None

    @staticmethod
    def _offset_error(name: str, message: str) -> serializers.ValidationError:
        """Newest PostHog names the offset (``{name: message}``); 2025 raised the bare message."""
        return serializers.ValidationError({name: message} if profile() == "latest" else message)

    def _model(self, attrs: dict[str, Any]) -> str:
        """PostHog's ``_get_model``: the instance's model on update (it cannot change), else the request's."""
        return self.instance.model if self.instance is not None else attrs["model"]

    def _only_for(self, attrs: dict[str, Any], name: str, model: str) -> None:
        """``_validate_attribute_only_supported_for_model``: a non-null ``name`` needs ``model``."""
        if attrs.get(name) is None:
            return
        current = self._model(attrs)
        if current != model:
            raise serializers.ValidationError({name: f"'{name}' is only supported for '{model}' not '{current}' model"})

    def is_grandfathered(self) -> bool:
        """Teams that already have an export with a ``schema`` keep events queries (PostHog filters on
        ``BatchExport.objects``, so deleted exports count too)."""
        return self.team is not None and BatchExport.objects.filter(team=self.team, schema__isnull=False).exists()

    def _validate_model_query(self, attrs: dict[str, Any]) -> None:
        """The newest ``validate()`` after the offsets (products/batch_exports/backend/presentation/views/
        batch_export/exports.py): model-specific attributes, then the query of the events or hogql model."""
        model = self._model(attrs)
        destination = attrs.get("destination")
        if destination and destination.get("type") == "HTTP" and model != "events":
            raise serializers.ValidationError("HTTP batch exports only support the events model")
        self._only_for(attrs, "filters", "events")
        # Pre-defined models have these hard-coded; only the hogql model takes them.
        for name in ("hogql_modifiers", "primary_key", "version_key"):
            self._only_for(attrs, name, "hogql")
        query = attrs.get("hogql_query")
        if model == "events" and query is not None and self.is_grandfathered():
            try:
                self._parsed_query = hogql.validate_events_query(query, "latest")
            except hogql.HogQLError as exc:
                raise serializers.ValidationError(str(exc)) from None
        else:
            self._only_for(attrs, "hogql_query", "hogql")
        if model == "hogql":
            self._validate_hogql_query(attrs)

    def _saved(self, attrs: dict[str, Any], name: str) -> Any:
        return attrs.get(name, getattr(self.instance, name) if self.instance is not None else None)

    def _validate_hogql_query(self, attrs: dict[str, Any]) -> None:
        """The query, then its keys: ``MERGE`` needs a ``primary_key``, and keys must be result columns."""
        query = self._saved(attrs, "hogql_query")
        if query is None:
            raise serializers.ValidationError({"hogql_query": "'hogql_query' is required when 'model' is 'hogql'"})
        try:
            parsed = hogql.parse_and_resolve(query)
        except hogql.HogQLError as exc:
            raise serializers.ValidationError({"hogql_query": str(exc)}) from None
        columns = hogql.output_columns(parsed)
        primary_key = set(self._saved(attrs, "primary_key") or ())
        if not primary_key and self._saved(attrs, "incremental_mode") == "MERGE":
            raise serializers.ValidationError(
                {"primary_key": "'primary_key' is required when 'incremental_mode' is 'MERGE'"}
            )
        for name, keys in (("primary_key", primary_key), ("version_key", set(self._saved(attrs, "version_key") or ()))):
            missing = sorted(keys - columns) if columns is not None else []
            if missing:
                raise serializers.ValidationError(
                    {name: f"'{name}' contains columns that are not present in the query: {','.join(missing)}"}
                )

    # -- persistence -----------------------------------------------------------------------------------------
    def _schema_for(self, query: Any) -> dict[str, Any]:
        parsed = query if profile() == "2025" else self._parsed_query
        return hogql.events_schema(parsed)

    def create(self, validated_data: dict[str, Any]) -> BatchExport:
        team = self.team
        if team is None:
            raise ServerError()  # the organization route has no team_id: PostHog's KeyError → 500
        if profile() == "2025":
            if validated_data["interval"] not in ("hour", "day", "week") and not team.has_flag(
                "high-frequency-batch-exports"
            ):
                raise exceptions.PermissionDenied(HIGH_FREQUENCY)
            if validated_data.get("model", "events") == "sessions" and not team.has_flag("sessions-batch-exports"):
                raise exceptions.PermissionDenied("Sessions batch exports are not enabled for this team.")
        destination_data = validated_data.pop("destination")
        query = validated_data.pop("hogql_query", None)
        if query is not None and profile() == "latest":
            validated_data["hogql_query"] = query
            if validated_data.get("model") != "hogql":
                validated_data["schema"] = self._schema_for(query)
        elif query:
            validated_data["schema"] = self._schema_for(query)
        config = destination_data["config"]
        if profile() == "latest" and catalogue("latest")[destination_data["type"]].object_storage:
            config.setdefault("legacy_parquet_extension", False)
        destination = BatchExportDestination(
            type=destination_data["type"], config=config, integration=destination_data.get("integration")
        )
        user = self.context["request"].user
        with transaction.atomic():
            save_destination(destination)
            return BatchExport.objects.create(team=team, destination=destination, created_by=user, **validated_data)

    def update(self, instance: BatchExport, validated_data: dict[str, Any]) -> BatchExport:
        if "offset_day" in validated_data or "offset_hour" in validated_data:
            # Sent without ``interval``: PostHog's update() sets the read-only property and fails (500).
            raise ServerError()
        destination_data = validated_data.pop("destination", None)
        query_given = "hogql_query" in validated_data
        query = validated_data.pop("hogql_query", None)
        source_attrs = {
            k: validated_data.pop(k) for k in ("hogql_modifiers", "primary_key", "version_key") if k in validated_data
        }
        if instance.model == "hogql":
            validated_data.update(source_attrs)  # other models: validate() let only nulls through, and they are unused
        destination = instance.destination
        if destination_data:
            if profile() == "latest":
                pin_existing_parquet_extension(destination)
            destination.config = recursive_dict_merge(destination.config or {}, destination_data.get("config", {}))
            destination.integration = destination_data.get("integration", destination.integration)
        if profile() == "latest":
            if query is not None:
                instance.hogql_query = query
                if instance.model != "hogql":
                    validated_data["schema"] = self._schema_for(query)
            elif query_given and instance.model != "hogql":
                instance.hogql_query = None
                validated_data["schema"] = None
        elif query:
            validated_data["schema"] = self._schema_for(query)
        with transaction.atomic():
            save_destination(destination)
            for key, value in validated_data.items():
                setattr(instance, key, value)
            instance.save()
        return instance


def save_destination(destination: BatchExportDestination) -> None:
    """2025: the stored config goes through the EncryptedJSONField round trip (leaves become strings), while
    the in-memory object, which the create/update response is built from, keeps the request's types."""
    if profile() != "2025":
        destination.save()
        return
    typed = destination.config
    destination.config = encrypted_round_trip(typed)
    destination.save()
    destination.config = typed


def pin_existing_parquet_extension(destination: BatchExportDestination) -> None:
    if catalogue("latest").get(destination.type) is None or not catalogue("latest")[destination.type].object_storage:
        return
    config = dict(destination.config or {})
    config.setdefault(
        "legacy_parquet_extension",
        config.get("file_format") == "Parquet" and config.get("compression") is not None,
    )
    destination.config = config
