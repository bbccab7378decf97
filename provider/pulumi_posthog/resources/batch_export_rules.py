"""PostHog's batch-export validation rules, checked offline (no network) so `pulumi preview` fails early."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import lru_cache
from typing import Any

from pulumi.dynamic import CheckFailure
from pulumi.output import Unknown

from pulumi_posthog.dates import parse_datetime as parse_datetime  # batch_export.py imports it from here
from pulumi_posthog.destinations import INTERVALS, MODELS, TYPES, DestinationType
from pulumi_posthog.posthog_words import WRONG_KIND
from pulumi_posthog.resources.values import is_unknown, plain

# Inline credentials that 2025-era PostHog accepted instead of an Integration, per destination type.
INLINE_CREDENTIALS: dict[str, tuple[str, ...]] = {
    "Snowflake": ("account", "user"),
    "Postgres": ("host", "user", "password"),
    "Redshift": ("host", "user", "password"),
    "BigQuery": ("private_key", "client_email"),
}
FILTER_TYPES = ("event", "hogql", "person")


@lru_cache(maxsize=1)
def timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


LEGACY_S3 = (
    "The legacy 'S3' destination type was removed from PostHog (a write with it fails with a server error). Use "
    "'AwsS3' (posthog.destinations.AwsS3) with a posthog.Integration of kind 'aws-s3' holding the access keys or an "
    "IAM role, or 'S3Compatible' (posthog.destinations.S3Compatible) with one of kind 's3-compatible' for other "
    "S3-compatible storage. For a self-hosted PostHog that still has 'S3', set allow_legacy_s3=True."
)


def check_destination(destination: Any, allow_legacy_s3: bool = False) -> list[str]:
    """Problems with ``destination`` in PostHog's words (reported on the ``destination`` property); a value not
    known yet (a preview) passes the rules that need it, and only those."""
    if isinstance(destination, Unknown):
        return []
    if not isinstance(destination, dict):
        return ['destination must be an object like {"type": "AwsS3", "config": {...}, "integration_id": 1}.']
    type_ = destination.get("type")
    if is_unknown(type_):
        return []
    if type_ == "S3" and not allow_legacy_s3:
        # products/batch_exports/backend/service.py: DESTINATION_WORKFLOWS has no "S3" any more (a KeyError, a 500)
        return [LEGACY_S3]
    spec = TYPES.get(type_) if isinstance(type_, str) else None
    if spec is None:
        listed = ", ".join(sorted(TYPES))
        return [f'"{type_}" is not a valid destination type. Use one of: {listed}.']
    from pulumi_posthog.schema.destinations import problems  # pydantic-core: loaded on the first check

    found = problems(destination)
    config = destination.get("config", {})
    if isinstance(config, dict) and not isinstance(config, Unknown):
        found += _integration_required(spec, destination, config)
    return found


def _integration_required(spec: DestinationType, destination: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """PostHog's "Integration is required", unless the type takes none or 2025's inline credentials stand in."""
    if destination.get("integration_id", destination.get("integration")) is not None or not spec.integration_required:
        return []
    inline = INLINE_CREDENTIALS.get(spec.name, ())
    if inline and all(config.get(k) is not None for k in inline):
        return []  # older (2025) PostHog: inline credentials instead of an Integration
    label = "Azure Blob" if spec.name == "AzureBlob" else spec.name
    return [
        f"Integration is required for {label} batch exports: create a posthog.Integration of kind "
        f"'{spec.integration_kind}' and pass its id as destination integration_id."
    ]


def check_schedule(news: dict[str, Any]) -> list[CheckFailure]:
    """Interval, offsets, timezone, model, dates and filters."""
    failures: list[CheckFailure] = []
    interval = news.get("interval")
    known = not is_unknown(interval)
    if known and interval is not None and interval not in INTERVALS:
        failures.append(
            CheckFailure("interval", f'"{interval}" is not a valid choice. Use one of: {", ".join(INTERVALS)}.')
        )
    for name, top, applies in (("offset_hour", 23, ("day", "week")), ("offset_day", 6, ("week",))):
        value = news.get(name)
        if value is None or is_unknown(value):
            continue
        value = plain(value)
        if isinstance(value, bool) or not isinstance(value, int):
            failures.append(CheckFailure(name, f"'{name}' must be an integer."))
        elif value < 0:
            failures.append(CheckFailure(name, "Ensure this value is greater than or equal to 0."))
        elif value > top:
            failures.append(CheckFailure(name, f"Ensure this value is less than or equal to {top}."))
        elif known and interval not in applies:
            if name == "offset_day" and interval == "day":
                reason = "offset_day should not be specified for daily intervals"
            elif name == "offset_day":
                reason = "offset_day is not applicable for non-weekly intervals"
            else:
                reason = "offset_hour is not applicable for non-daily/weekly intervals"
            failures.append(CheckFailure(name, reason))
    tz = news.get("timezone")
    if isinstance(tz, str) and timezones() and tz not in timezones():
        failures.append(CheckFailure("timezone", f'"{tz}" is not a valid choice (use an IANA time zone name).'))
    model = news.get("model")
    if isinstance(model, str) and model not in MODELS:
        failures.append(CheckFailure("model", f'"{model}" is not a valid choice. Use one of: {", ".join(MODELS)}.'))
    destination = news.get("destination")
    if (
        isinstance(destination, dict)
        and destination.get("type") == "HTTP"
        and isinstance(model, str)
        and model != "events"
    ):
        failures.append(CheckFailure("model", "HTTP batch exports only support the events model"))
    failures += _check_dates(news)
    problem = check_filters(news.get("filters"), model if isinstance(model, str) else "events")
    if problem:
        failures.append(CheckFailure("filters", problem))
    return failures


def _check_dates(news: dict[str, Any]) -> list[CheckFailure]:
    failures: list[CheckFailure] = []
    parsed: dict[str, datetime] = {}
    for name in ("start_at", "end_at"):
        value = news.get(name)
        if value is None or is_unknown(value):
            continue
        when = parse_datetime(value) if isinstance(value, str) else None
        if when is None:
            failures.append(CheckFailure(name, f"'{value}' is not an ISO 8601 datetime (e.g. 2026-01-01T00:00:00Z)."))
        else:
            parsed[name] = when if when.tzinfo else when.replace(tzinfo=zoneinfo.ZoneInfo("UTC"))
    if len(parsed) == 2 and parsed["start_at"] >= parsed["end_at"]:
        failures.append(CheckFailure("end_at", "end_at must be after start_at."))
    return failures


def check_filters(filters: Any, model: str) -> str | None:
    if filters is None or is_unknown(filters):
        return None
    if not isinstance(filters, list):
        return "'filters' should be an array of filters"
    for item in filters:
        if is_unknown(item):
            continue
        if not isinstance(item, dict):
            return "Each filter must be an object"
        if "data_interval_start" in item or "data_interval_end" in item:
            return (
                "'data_interval_start' and 'data_interval_end' are run attributes and not 'filters'. "
                "Trigger a backfill if you wish to manually control which periods to batch export."
            )
        if item.get("type") not in FILTER_TYPES:
            return "Each filter must have a 'type' of one of: 'event', 'hogql', 'person'"
    if filters and model != "events":
        return f"'filters' is only supported for 'events' not '{model}' model"
    return None


def integration_kind_problem(destination: Any, kind: Any) -> str | None:
    """PostHog's wrong-kind message, when the program passed a posthog.Integration of another kind."""
    if not isinstance(kind, str) or not isinstance(destination, dict):
        return None
    type_ = destination.get("type")
    spec = TYPES.get(type_) if isinstance(type_, str) else None
    if spec is None or not isinstance(type_, str) or spec.integration_kind in (None, kind):
        return None
    if type_ in ("AwsS3", "S3Compatible"):
        return f"Integration provided is not an AWS S3 integration (got kind='{kind}')"
    if type_ == "Snowflake":  # newest PostHog builds a SnowflakeIntegration from it, which says so
        return f"Integration provided is not a Snowflake integration (got kind='{kind}')"
    return f"{WRONG_KIND[type_]} (got kind='{kind}'; a {type_} export needs kind '{spec.integration_kind}')"


HOGQL_ONLY = ("hogql_modifiers", "primary_key", "version_key")


def _only_for(news: dict[str, Any], name: str, wanted: str, model: str) -> CheckFailure | None:
    value = news.get(name)
    if value is None or is_unknown(value) or model == wanted:
        return None
    return CheckFailure(name, f"'{name}' is only supported for '{wanted}' not '{model}' model")


def _key_columns(name: str, value: Any) -> str | None:
    """PostHog's ``ListField(child=CharField(allow_blank=False), allow_empty=False)``."""
    if value is None or is_unknown(value):
        return None
    if not isinstance(value, list):
        return f"'{name}' must be a list of result column names."
    if not value:
        return "This list may not be empty."
    for item in value:
        if is_unknown(item):
            continue
        if not isinstance(item, str):
            return f"'{name}' must be a list of result column names."
        if not item.strip():
            return "This field may not be blank."
    return None


def check_model_fields(news: dict[str, Any]) -> list[CheckFailure]:
    """What newest PostHog's ``validate()`` decides from the inputs alone: the attributes only the ``hogql`` model
    takes, a query outside it (deterministic for persons/sessions; ``events`` depends on the project, so it is
    left to PostHog), the hogql model's query and MERGE's primary key."""
    model = news.get("model", "events")
    if is_unknown(model) or not isinstance(model, str) or model not in MODELS:
        return []
    failures = [f for name in HOGQL_ONLY if (f := _only_for(news, name, "hogql", model))]
    if model in ("persons", "sessions"):
        failures += [f for f in (_only_for(news, "hogql_query", "hogql", model),) if f]
    for name in ("primary_key", "version_key"):
        problem = _key_columns(name, news.get(name))
        if problem and not any(f.property == name for f in failures):
            failures.append(CheckFailure(name, problem))
    if model == "hogql":
        if news.get("hogql_query") is None:
            failures.append(CheckFailure("hogql_query", "'hogql_query' is required when 'model' is 'hogql'"))
        if news.get("incremental_mode") == "MERGE" and news.get("primary_key") is None:
            failures.append(CheckFailure("primary_key", "'primary_key' is required when 'incremental_mode' is 'MERGE'"))
    return failures
