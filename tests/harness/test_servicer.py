"""The in-process servicer: loaded without main(), isolated from the caller's settings and event loop."""

from __future__ import annotations

import asyncio
import contextvars

import grpc
import pytest
from pulumi.runtime import Mocks, set_mocks, settings
from pulumi.runtime.mocks import MockMonitor

from .client import in_process_client
from .engine import MiniEngine
from .isolation import _snapshot_defaults
from .sample_provider import ItemProvider, item_goal
from .servicer import AbortError, FakeContext, load_servicer_module
from .values import Unknown


def test_each_load_is_a_fresh_plugin_with_its_own_provider_cache() -> None:
    first, second = load_servicer_module(), load_servicer_module()

    assert first._PROVIDER_CACHE is not second._PROVIDER_CACHE
    assert first.DynamicResourceProviderServicer is not second.DynamicResourceProviderServicer
    assert callable(first.main)  # defined, never called: loading returned instead of serving forever


def test_fake_context_abort_raises() -> None:
    with pytest.raises(AbortError) as caught:
        FakeContext().abort(grpc.StatusCode.UNKNOWN, "Traceback ...\nValueError: boom\n")

    assert caught.value.code == grpc.StatusCode.UNKNOWN
    assert caught.value.summary == "ValueError: boom"


def test_configure_reply_is_the_python_servicers() -> None:
    reply = in_process_client().configure({"itemstore:token": "t"})

    assert (reply.accept_secrets, reply.supports_preview, reply.accept_resources) == (False, False, False)


def test_unknowns_reach_check_as_unknown_instances() -> None:
    client = in_process_client()
    client.configure({})
    blob = item_goal().inputs["__provider"].value
    urn = "urn:pulumi:dev::project::pulumi-python:dynamic/itemstore:Item::a"

    reply = client.check(urn, {}, {"name": Unknown(), "size": 2, "__provider": blob})

    assert reply.failures == []
    assert reply.inputs is not None and isinstance(reply.inputs["name"], Unknown)
    assert reply.inputs["size"] == 2.0 and reply.inputs["__provider"] == blob


class _NoMocks(Mocks):
    def new_resource(self, args):  # type: ignore[no-untyped-def]
        return "", {}

    def call(self, args):  # type: ignore[no-untyped-def]
        return {}


def test_engine_calls_leave_the_callers_mock_settings_alone(engine: MiniEngine) -> None:
    def under_mocks() -> tuple[object, object, object, object]:
        monitor = MockMonitor(_NoMocks())
        set_mocks(_NoMocks(), project="myproj", stack="teststack", preview=True, monitor=monitor)
        engine.up([item_goal(name="alpha")]).expect_ok()  # the servicer calls pulumi.runtime.configure()
        return monitor, settings.SETTINGS.monitor, settings.get_project(), settings.is_dry_run()

    monitor, current, project, dry_run = contextvars.copy_context().run(under_mocks)

    assert current is monitor and project == "myproj" and dry_run is True


def test_sdk_setting_defaults_are_restored_after_each_call(engine: MiniEngine) -> None:
    before = _snapshot_defaults()

    engine.up([item_goal(name="alpha")]).expect_ok()

    assert all(after is default for (_, default), (_, after) in zip(before, _snapshot_defaults(), strict=True))


def test_engine_works_from_inside_a_running_event_loop(engine: MiniEngine) -> None:
    async def main() -> str:
        return engine.up([item_goal(name="alpha")]).expect_ok().step("a").op

    assert asyncio.run(main()) == "create"


def test_provider_blob_is_small_and_by_reference() -> None:
    blob = item_goal(provider=ItemProvider()).inputs["__provider"].value

    assert len(blob) < 120  # module path + class name, no code
