"""How destination config leaves read back: PostHog's EncryptedJSONField round trip (2025) and the newest
``coerce_config_to_declared_types`` (latest), plus recursive secret stripping and config merging."""

from __future__ import annotations

from typing import Any

from pulumi_posthog.local.destinations import Destination


def encrypted_round_trip(value: Any) -> Any:
    """What ``EncryptedJSONField`` gives back after a save: every leaf ``str(value)``, ``None`` kept."""
    if isinstance(value, dict):
        return {key: encrypted_round_trip(item) for key, item in value.items()}
    if isinstance(value, list):
        return [encrypted_round_trip(item) for item in value]
    return None if value is None else str(value)


def str_to_bool(value: Any) -> bool:
    """``posthog.utils.str_to_bool``."""
    if not value:
        return False
    return str(value).lower() in ("y", "yes", "t", "true", "on", "1")


def try_convert(value: Any, target: type) -> tuple[Any, bool]:
    """PostHog's ``try_convert_to_type``: only str→bool and str→int are attempted."""
    if type(value) is str and target is bool:
        return str_to_bool(value), True
    if type(value) is str and target is int:
        try:
            return int(value), True
        except ValueError:
            return value, False
    return value, False


def coerce_declared(config: dict[str, Any], destination: Destination | None) -> dict[str, Any]:
    """Declared ``bool``/``int`` fields stored as strings read back as their real type (newest PostHog)."""
    if destination is None:
        return config
    out = dict(config)
    for field in destination.fields:
        value = out.get(field.name)
        kind = field.kind or field.reads_as
        if not isinstance(value, str):
            continue
        # service.py coerce_config_to_declared_types: "true" (any case) is True, any other string False
        if kind is bool:
            out[field.name] = value.lower() == "true"
        elif kind is int:
            converted, ok = try_convert(value, int)
            if ok:
                out[field.name] = converted
    return out


def strip_secrets(config: dict[str, Any], secrets: frozenset[str]) -> dict[str, Any]:
    """Secret keys are omitted (not masked) on read, at every depth."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if key in secrets:
            continue
        out[key] = strip_secrets(value, secrets) if isinstance(value, dict) else value
    return out


def recursive_dict_merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """PostHog's ``recursive_dict_merge``: recurse only where both sides hold dicts, else ``new`` wins."""
    merged = {**old, **new}
    for key, value in merged.items():
        if isinstance(value, dict):
            old_value, new_value = old.get(key), new.get(key)
            merged[key] = recursive_dict_merge(
                old_value if isinstance(old_value, dict) else {},
                new_value if isinstance(new_value, dict) else {},
            )
    return merged
