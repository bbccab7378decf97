"""``pulumi.runtime`` mocks that run each registered resource through a MiniEngine instead of faking it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime import Mocks
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import get_project, get_stack

from .engine import DYNAMIC_PACKAGE, MiniEngine
from .model import Resource
from .values import to_rpc
from .wire import from_struct_exact

STACK_TYPE = "pulumi:pulumi:Stack"


class HarnessMonitor(MockMonitor):
    """A MockMonitor that keeps every RegisterResourceRequest (the mocks API drops options such as
    ``additional_secret_outputs``) and the stack's exports as registered through RegisterResourceOutputs."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.requests: list[resource_pb2.RegisterResourceRequest] = []
        self.stack_outputs: struct_pb2.Struct | None = None
        self._local = threading.local()
        self._requests_lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine's URN rule: the parent's full qualified type joins the chain, except the root stack's."""
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != STACK_TYPE:
                type_ = f"{parent_type}${type_}"
        return f"urn:pulumi:{get_stack()}::{get_project()}::{type_}::{name}"

    def current_request(self) -> resource_pb2.RegisterResourceRequest | None:
        """The RegisterResourceRequest being handled on this thread (None inside ReadResource)."""
        return getattr(self._local, "request", None)

    def RegisterResource(self, request: resource_pb2.RegisterResourceRequest) -> Any:
        if request.type != STACK_TYPE:
            with self._requests_lock:
                self.requests.append(request)
        self._local.request = request
        try:
            return super().RegisterResource(request)
        finally:
            self._local.request = None

    def RegisterResourceOutputs(self, request: resource_pb2.RegisterResourceOutputsRequest) -> Any:
        if f"::{STACK_TYPE}::" in request.urn:
            self.stack_outputs = request.outputs
        return super().RegisterResourceOutputs(request)


class EngineMocks(Mocks):
    """Custom resources become engine steps (dynamic ones through the plugin, others through EchoProvider);
    component resources get no state; invokes go to ``calls`` (default: an empty result)."""

    posthog_client = None
    """posthog lookups (``get_organization``…) under these mocks reach the stack's real server."""

    def __init__(self, engine: MiniEngine, calls: Callable[[MockCallArgs], dict[str, Any]] | None = None) -> None:
        self.engine = engine
        self._calls = calls
        self.monitor: HarnessMonitor | None = None

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        assert self.monitor is not None, "EngineMocks needs its HarnessMonitor"
        request = self.monitor.current_request()
        if request is None:  # ReadResource (Resource.get)
            if args.typ.startswith(f"{DYNAMIC_PACKAGE}:"):
                raise NotImplementedError("the harness does not read dynamic resources through .get()")
            return args.resource_id, args.inputs
        if not request.custom:
            return "", {}
        goal = Resource(
            type=request.type,
            name=request.name,
            inputs=from_struct_exact(request.object),
            additional_secret_outputs=list(request.additionalSecretOutputs),
            delete_before_replace=request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None,
            ignore_changes=list(request.ignoreChanges),
            replace_on_changes=list(request.replaceOnChanges),
            protect=request.protect,
            retain_on_delete=request.retainOnDelete,
        )
        urn = self.monitor.make_urn(request.parent, request.type, request.name)
        step = self.engine.register(goal, urn=urn)
        return step.id, to_rpc(step.outputs)

    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        return self._calls(args) if self._calls is not None else {}
