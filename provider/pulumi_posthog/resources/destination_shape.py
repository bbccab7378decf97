"""A BatchExport's nested ``destination``: how it changes, how PostHog's answer reads, where its secrets are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_posthog.client.normalize import coerce_types
from pulumi_posthog.destinations import TYPES
from pulumi_posthog.resources.export_secrets import paths_for
from pulumi_posthog.resources.nested import Change, Nested
from pulumi_posthog.resources.secret_paths import Path
from pulumi_posthog.resources.spec import Field
from pulumi_posthog.resources.values import is_unknown, plain, same


def integration_of(destination: dict[str, Any]) -> Any:
    """The destination's integration id as an int (programs pass an Integration's ``id`` output, a string)."""
    value = plain(destination.get("integration_id", destination.get("integration")))
    return int(value) if isinstance(value, str) and value.isdigit() else value


def normalized_config(type_: str, config: dict[str, Any] | None) -> dict[str, Any]:
    spec = TYPES.get(type_)
    declared = spec.all_fields() if spec else None
    return {k: v for k, v in plain(coerce_types(dict(config or {}), declared)).items() if v is not None}


def config_changes(type_: str, old: Any, new: Any) -> dict[str, Any]:
    """Keys to PATCH: changed values, and removed keys as PostHog's default or None (PostHog merges config, so
    an absent key keeps its value; older PostHog refuses a null for a typed key that has a default)."""
    spec = TYPES.get(type_)
    old_config = normalized_config(type_, old if isinstance(old, dict) else {})
    new_config = normalized_config(type_, new if isinstance(new, dict) else {})
    defaults = spec.server_defaults if spec else {}
    changes = {k: v for k, v in new_config.items() if not same(old_config.get(k, defaults.get(k)), v)}
    for key, value in old_config.items():
        if key in new_config or (key in defaults and same(defaults[key], value)):
            continue
        changes[key] = defaults.get(key)
    return changes


def with_integration(destination: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """``destination`` with ``integration_id`` from ``source`` when it names one."""
    integration = integration_of(source)
    return destination if integration is None else {**destination, "integration_id": integration}


def destination_patch(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A PATCH ``destination``: ``type`` and the changed ``config`` keys, and always the integration (PostHog
    drops it from Databricks/BigQuery/AzureBlob/Redshift exports on a PATCH without it)."""
    patch = {"type": new["type"], "config": config_changes(new["type"], old.get("config"), new.get("config"))}
    return with_integration(patch, new)


class Destination(Nested):
    """``{type, config, integration_id}``: another type is a replacement; the integration and the config (as
    PostHog reads it, its defaults included) change in place. The type's secrets are in ``config``."""

    def change(self, old: dict[str, Any], new: dict[str, Any], news: Mapping[str, Any]) -> Change:
        type_ = new.get("type")
        if is_unknown(type_) or not same(type_, old.get("type")):
            return "replace"
        if is_unknown(new) or not same(integration_of(new), integration_of(old)):
            return "update"
        return "update" if config_changes(new.get("type", ""), old.get("config"), new.get("config")) else "same"

    def normalize(self, server: dict[str, Any], configured: dict[str, Any]) -> Any:
        type_ = server.get("type") or configured.get("type", "")
        return with_integration({"type": type_, "config": normalized_config(type_, server.get("config"))}, server)

    def secret_paths(self, value: Any, context: Mapping[str, Any]) -> list[Path]:
        """The type's secrets under ``config``; a type not known yet: the whole config."""
        type_ = value.get("type") if isinstance(value, Mapping) else None
        if not isinstance(type_, str):
            return [("config",)]
        config = value.get("config") if isinstance(value, Mapping) else None
        return [("config", *p) for p in paths_for(type_, config)]

    def restore(self, value: Any, configured: dict[str, Any], context: Mapping[str, Any]) -> Any:
        """The secrets of the type PostHog answered with (it is the one that left them out)."""
        return super().restore(value, {**configured, "type": value.get("type")}, context)


DESTINATION = Destination()
DESTINATION_FIELD = Field(
    "destination",
    dict,
    required=True,
    nested=DESTINATION,
    doc="Where to write: {type, config, integration_id} — use posthog.destinations helpers. Changing its type "
    "replaces the export.",
)
"""A BatchExport's ``destination`` input."""
