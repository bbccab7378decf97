"""``HogQLQueryModifiers`` as newest PostHog validates ``hogql_modifiers``: pydantic's model, its messages."""

from __future__ import annotations

from typing import Any

# posthog/schema.py ``HogQLQueryModifiers`` (``extra="forbid"``, every field optional). Enums whose values are
# not listed here take any string (a known gap: posthog-local does not carry the whole schema).
ENUMS: dict[str, tuple[str, ...]] = {
    "bounceRatePageViewMode": ("count_pageviews", "uniq_urls"),
    "inCohortVia": ("auto", "leftjoin", "subquery", "leftjoin_conjoined"),
    "materializationMode": ("auto", "legacy_null_as_string", "legacy_null_as_null", "disabled"),
    "personsArgMaxVersion": ("auto", "v1", "v2"),
    "personsJoinMode": ("inner", "left"),
    "personsOnEventsMode": (
        "disabled",
        "person_id_no_override_properties_on_events",
        "person_id_override_properties_on_events",
        "person_id_override_properties_joined",
    ),
}
STRINGS = ("propertyGroupsMode", "sessionTableVersion", "sessionsV2JoinMode")
BOOLS = (
    "convertToProjectTimezone",
    "debug",
    "formatCsvAllowDoubleQuotes",
    "optimizeJoinedFilters",
    "optimizeProjections",
    "s3TableUseInvalidColumns",
    "useMaterializedViews",
    "usePresortedEventsTable",
    "useWebAnalyticsPreAggregatedTables",
)
NUMBERS = ("bounceRateDurationSeconds",)
LISTS = ("customChannelTypeRules", "dataWarehouseEventsModifiers")
# pydantic's lax boolean parsing
TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


class ModifiersError(Exception):
    """The messages pydantic gives, ``<field>: <message>`` each, as PostHog's ``HogQLModifiersField`` lists them."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages[0])
        self.messages = messages


def _bool(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value), None
    if isinstance(value, str) and value.lower() in TRUE | FALSE:
        return value.lower() in TRUE, None
    if isinstance(value, (str, int, float)):
        return value, "Input should be a valid boolean, unable to interpret input"
    return value, "Input should be a valid boolean"


def _number(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return value, "Input should be a valid number"
    try:
        return float(value), None
    except ValueError:
        return value, "Input should be a valid number, unable to parse string as a number"


def _choice(name: str, value: Any) -> tuple[Any, str | None]:
    choices = ENUMS[name]
    if value in choices:
        return value, None
    listed = ", ".join(f"'{c}'" for c in choices[:-1]) + f" or '{choices[-1]}'"
    return value, f"Input should be {listed}"


def validate(value: Any) -> dict[str, Any]:
    """The modifiers as PostHog stores them (``model_dump(mode="json", exclude_none=True)``), or ModifiersError."""
    if not isinstance(value, dict):
        raise ModifiersError(["Input should be a valid dictionary or instance of HogQLQueryModifiers"])
    result: dict[str, Any] = {}
    messages: list[str] = []
    for name, item in value.items():
        if item is None and name in (*ENUMS, *STRINGS, *BOOLS, *NUMBERS, *LISTS):
            continue
        problem: str | None = None
        if name in BOOLS:
            item, problem = _bool(item)
        elif name in NUMBERS:
            item, problem = _number(item)
        elif name in ENUMS:
            item, problem = _choice(name, item)
        elif name in STRINGS:
            problem = None if isinstance(item, str) else "Input should be a valid string"
        elif name in LISTS:
            problem = None if isinstance(item, list) else "Input should be a valid list"
        else:
            problem = "Extra inputs are not permitted"
        if problem:
            messages.append(f"{name}: {problem}")
        else:
            result[name] = item
    if messages:
        raise ModifiersError(messages)
    return result
