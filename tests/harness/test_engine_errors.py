"""MiniEngine errors: check failures before any write, provider exceptions, stopping after a failed step."""

from __future__ import annotations

import grpc
import pytest

from .engine import MiniEngine, RunStopped
from .item_store import ItemStore
from .model import Resource
from .sample_provider import ENDPOINT, TOKEN, item_goal
from .values import Secret, Unknown


def test_check_failures_name_each_property_before_any_write(engine: MiniEngine, store: ItemStore) -> None:
    result = engine.up([item_goal(name="x" * 21, size=20)])

    assert not result.ok
    assert [(e.name, e.property) for e in result.errors] == [("a", "name"), ("a", "size")]
    assert result.errors[1].message == (
        "pulumi-python:dynamic/itemstore:Item resource 'a's property 'size' value {20} has a problem: "
        "size must be a whole number from 1 to 10"
    )
    assert result.calls() == ["Configure", "Check"]
    assert store.calls == [] and engine.resources == []


def test_check_failures_also_fail_a_preview(engine: MiniEngine) -> None:
    plan = engine.preview([item_goal(size=3)])

    assert [(e.property, e.reason) for e in plan.errors] == [("name", "name is required")]
    assert "value {<nil>} has a problem" in plan.errors[0].message


def test_provider_exception_surfaces_as_unknown_with_traceback(store: ItemStore) -> None:
    engine = MiniEngine({ENDPOINT: store.url, TOKEN: Secret("not-the-token")})

    result = engine.up([item_goal(name="alpha")])

    (error,) = result.errors
    assert error.code == grpc.StatusCode.UNKNOWN
    assert error.summary == "RuntimeError: item API answered 401 to POST /items: invalid token"
    assert error.message.startswith("Traceback (most recent call last):")
    assert "sample_provider.py" in error.message
    assert engine.resources == []


def test_run_stops_at_the_first_failure_and_keeps_completed_steps(engine: MiniEngine, store: ItemStore) -> None:
    result = engine.up([item_goal("a", name="alpha"), item_goal("b", size=99), item_goal("c", name="gamma")])

    assert result.ops() == {"a": "create"}
    assert result.calls("c") == []  # never reached
    assert [r.name for r in engine.resources] == ["a"]
    assert len(store.writes()) == 1


def test_a_failed_run_deletes_nothing(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal("a", name="alpha"), item_goal("b", name="beta")]).expect_ok()

    result = engine.up([item_goal("a", size=99)])

    assert not result.ok
    assert [r.name for r in engine.resources] == ["a", "b"]  # b is not deleted after the failure
    assert [c.method for c in store.writes()] == ["POST", "POST"]


def test_register_after_a_failure_is_refused(engine: MiniEngine) -> None:
    engine.begin("up")
    with pytest.raises(Exception, match="has a problem"):
        engine.register(item_goal(size=99))
    with pytest.raises(RunStopped):
        engine.register(item_goal("b", name="beta"))
    assert not engine.finish().ok


def test_duplicate_urn_is_an_error(engine: MiniEngine) -> None:
    result = engine.up([item_goal(name="alpha"), item_goal(name="beta")])

    assert result.ops() == {"a": "create"}
    assert "Duplicate resource URN" in result.errors[0].message


def test_unknown_inputs_are_refused_outside_a_preview(engine: MiniEngine) -> None:
    with pytest.raises(ValueError, match="unknown input"):
        engine.up([Resource("aws:s3/bucketV2:BucketV2", "b", {"bucket": Unknown()})])
    assert engine.up([]).ok  # the failed run was closed
