"""Normalization helpers: PostHog's read-back quirks turned back into what the user wrote."""

from __future__ import annotations

from typing import Any

from pulumi_posthog.client.normalize import (
    ComputedDefault,
    coerce_scalar,
    coerce_types,
    is_computed_default,
    normalize_read_back,
    restore_omitted,
    same_value,
    strip_computed_defaults,
)

# Shaped like the tables destinations.py will hold; the helpers take them as parameters.
EXPORT_DEFAULTS = {
    "timezone": "UTC",
    "offset_hour": [ComputedDefault(0, when={"interval": ("day", "week")}), ComputedDefault(None)],
    "offset_day": [ComputedDefault(0, when={"interval": ("week",)}), ComputedDefault(None)],
    "model": "events",
    "paused": False,
    "destination": {"config": {"legacy_parquet_extension": False}},
}
POSTGRES_TYPES: dict[str, Any] = {"port": int, "has_self_signed_cert": bool, "ratio": float, "exclude_events": [str]}


def test_coerce_scalar() -> None:
    assert coerce_scalar("True", bool) is True
    assert coerce_scalar("false", bool) is False
    assert coerce_scalar("5432", int) == 5432 and isinstance(coerce_scalar("5432", int), int)
    assert coerce_scalar("-3", int) == -3
    assert coerce_scalar("1.5", float) == 1.5
    assert coerce_scalar("maybe", bool) == "maybe", "unparseable values stay as they are (a real difference)"
    assert coerce_scalar("54x", int) == "54x"
    assert coerce_scalar(True, int) is True, "only strings are converted"
    assert coerce_scalar("5432", str) == "5432"


def test_coerce_types_recursively_and_only_declared_keys() -> None:
    read = {
        "port": "5432",
        "has_self_signed_cert": "False",
        "ratio": "0.25",
        "database": "1234",
        "exclude_events": ["1", "$pageview"],
        "copy_inputs": {"authorization": {"integration_id": "17"}, "region_name": "eu-west-1"},
        "nothing": None,
    }
    types: dict[str, Any] = {**POSTGRES_TYPES, "copy_inputs": {"authorization": {"integration_id": int}}}
    assert coerce_types(read, types) == {
        "port": 5432,
        "has_self_signed_cert": False,
        "ratio": 0.25,
        "database": "1234",
        "exclude_events": ["1", "$pageview"],
        "copy_inputs": {"authorization": {"integration_id": 17}, "region_name": "eu-west-1"},
        "nothing": None,
    }


def test_same_value_does_not_confuse_bools_and_ints() -> None:
    assert not same_value(False, 0) and not same_value(1, True)
    assert same_value({"a": [1, {"b": False}]}, {"a": [1, {"b": False}]})
    assert not same_value({"a": [1]}, {"a": [1, 2]})


def test_computed_defaults_depend_on_siblings() -> None:
    day = {"interval": "day"}
    hour = {"interval": "hour"}
    week = {"interval": "week"}
    assert is_computed_default("timezone", "UTC", day, EXPORT_DEFAULTS)
    assert not is_computed_default("timezone", "Europe/Berlin", day, EXPORT_DEFAULTS)
    assert is_computed_default("offset_hour", 0, day, EXPORT_DEFAULTS)
    assert is_computed_default("offset_hour", 0, week, EXPORT_DEFAULTS)
    assert not is_computed_default("offset_hour", 0, hour, EXPORT_DEFAULTS)
    assert is_computed_default("offset_hour", None, hour, EXPORT_DEFAULTS)
    assert not is_computed_default("offset_hour", 3, day, EXPORT_DEFAULTS)
    assert is_computed_default("offset_day", 0, week, EXPORT_DEFAULTS)
    assert not is_computed_default("offset_day", 0, day, EXPORT_DEFAULTS)
    assert is_computed_default("model", "events", hour, EXPORT_DEFAULTS)
    assert is_computed_default("paused", False, hour, EXPORT_DEFAULTS)
    assert not is_computed_default("paused", 0, hour, EXPORT_DEFAULTS)
    assert not is_computed_default("name", "x", hour, EXPORT_DEFAULTS)


def test_strip_computed_defaults_keeps_what_the_user_wrote() -> None:
    read_back = {
        "name": "n",
        "interval": "week",
        "timezone": "UTC",
        "offset_day": 0,
        "offset_hour": 0,
        "model": "events",
        "paused": False,
        "destination": {"type": "AwsS3", "config": {"bucket_name": "b", "legacy_parquet_extension": False}},
    }
    written = {
        "name": "n",
        "interval": "week",
        "paused": False,
        "destination": {"type": "AwsS3", "config": {"bucket_name": "b"}},
    }
    assert strip_computed_defaults(read_back, written, EXPORT_DEFAULTS) == {
        "name": "n",
        "interval": "week",
        "paused": False,
        "destination": {"type": "AwsS3", "config": {"bucket_name": "b"}},
    }
    read_back["offset_hour"] = 5
    assert strip_computed_defaults(read_back, written, EXPORT_DEFAULTS)["offset_hour"] == 5


def test_restore_omitted_secrets_from_what_was_written() -> None:
    read_back = {"destination": {"type": "Postgres", "config": {"host": "h", "port": "5432"}}}
    written = {
        "destination": {"type": "Postgres", "config": {"host": "h", "port": 5432, "password": "pw", "user": "u"}}
    }
    restored = restore_omitted(read_back, written, {"destination": {"config": {"password", "user"}}})
    assert restored["destination"]["config"] == {"host": "h", "port": "5432", "password": "pw", "user": "u"}
    assert restore_omitted({"a": 1}, {"token": "t"}, ["token"]) == {"a": 1, "token": "t"}
    assert restore_omitted({"a": 1}, {}, ["token"]) == {"a": 1}, "nothing to restore from"


def test_normalize_read_back_end_to_end() -> None:
    written = {
        "name": "pg",
        "interval": "day",
        "destination": {
            "type": "Postgres",
            "config": {"database": "d", "port": 5432, "has_self_signed_cert": True, "password": "pw"},
        },
    }
    read_back = {
        "name": "pg",
        "interval": "day",
        "timezone": "UTC",
        "offset_hour": 0,
        "offset_day": None,
        "model": "events",
        "paused": False,
        "destination": {
            "type": "Postgres",
            "config": {"database": "d", "port": "5432", "has_self_signed_cert": "True"},
        },
    }
    normalized = normalize_read_back(
        read_back,
        written,
        types={"destination": {"config": POSTGRES_TYPES}},
        defaults=EXPORT_DEFAULTS,
        omitted={"destination": {"config": {"password"}}},
    )
    assert normalized == written
