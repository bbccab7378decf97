"""Normalization helpers: PostHog's read-back quirks turned back into what the user wrote."""

from __future__ import annotations

from typing import Any

from pulumi_posthog.client.normalize import (
    coerce_scalar,
    coerce_types,
    restore_omitted,
    same_value,
)

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


def test_restore_omitted_secrets_from_what_was_written() -> None:
    read_back = {"destination": {"type": "Postgres", "config": {"host": "h", "port": "5432"}}}
    written = {
        "destination": {"type": "Postgres", "config": {"host": "h", "port": 5432, "password": "pw", "user": "u"}}
    }
    restored = restore_omitted(read_back, written, {"destination": {"config": {"password", "user"}}})
    assert restored["destination"]["config"] == {"host": "h", "port": "5432", "password": "pw", "user": "u"}
    assert restore_omitted({"a": 1}, {"token": "t"}, ["token"]) == {"a": 1, "token": "t"}
    assert restore_omitted({"a": 1}, {}, ["token"]) == {"a": 1}, "nothing to restore from"
