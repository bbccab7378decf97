"""The real plugin process (``python -u -m pulumi.dynamic``) over real gRPC."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from .engine import MiniEngine
from .item_store import ItemStore
from .plugin import PluginProcess, process_plugin
from .sample_provider import ENDPOINT, TOKEN, TYPE, item_goal
from .servicer import AbortError
from .values import Secret

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # where the ``tests`` package is importable from
URN = f"urn:pulumi:dev::project::{TYPE}::a"


def _blob() -> str:
    return item_goal().inputs["__provider"].value


def test_configure_check_create_read_delete(store: ItemStore) -> None:
    blob = _blob()
    with PluginProcess(PROJECT_ROOT) as plugin:
        configured = plugin.configure({ENDPOINT: store.url, TOKEN: Secret(store.token)})
        checked = plugin.check(URN, {}, {"name": "alpha", "size": 2, "__provider": blob})
        created = plugin.create(URN, checked.inputs or {})
        read = plugin.read(URN, created.id, created.outputs, checked.inputs or {})
        plugin.delete(URN, created.id, read.outputs, read.inputs or {})

    assert not configured.accept_secrets
    assert checked.failures == [] and checked.inputs == {"name": "alpha", "size": 2.0, "__provider": blob}
    assert created.id == "item-1" and created.outputs["__provider"] == blob
    assert isinstance(store.calls[0].body["size"], float)
    assert read.id == "item-1" and read.inputs == {"name": "alpha", "size": 2.0, "__provider": blob}
    assert [(c.method, c.path) for c in store.calls] == [
        ("POST", "/items"),
        ("GET", "/items/item-1"),
        ("DELETE", "/items/item-1"),
    ]
    assert store.items == {}


def test_provider_exception_is_grpc_unknown_with_traceback(store: ItemStore) -> None:
    with PluginProcess(PROJECT_ROOT) as plugin:
        plugin.configure({ENDPOINT: store.url, TOKEN: "wrong"})
        with pytest.raises(AbortError) as caught:
            plugin.create(URN, {"name": "alpha", "size": 1, "__provider": _blob()})

    assert caught.value.code == grpc.StatusCode.UNKNOWN
    assert "Traceback" in caught.value.details
    assert caught.value.summary == "RuntimeError: item API answered 401 to POST /items: invalid token"


def test_a_plugin_started_where_the_provider_is_not_importable_fails_check(tmp_path: Path) -> None:
    with PluginProcess(tmp_path) as plugin:
        plugin.configure({})
        with pytest.raises(AbortError) as caught:
            plugin.check(URN, {}, {"name": "alpha", "__provider": _blob()})

    assert caught.value.code == grpc.StatusCode.UNKNOWN
    assert "No module named 'tests'" in caught.value.details


def test_mini_engine_runs_over_the_real_plugin(store: ItemStore) -> None:
    engine = MiniEngine({ENDPOINT: store.url, TOKEN: Secret(store.token)}, plugin=process_plugin(PROJECT_ROOT))

    created = engine.up([item_goal(name="alpha", owner=Secret("owner@example.com"))]).expect_ok()
    destroyed = engine.destroy().expect_ok()

    assert created.calls() == ["Configure", "Check", "Create"]
    assert destroyed.calls() == ["Configure", "Delete"]
    assert [c.method for c in store.writes()] == ["POST", "DELETE"]
    assert engine.resources == []
