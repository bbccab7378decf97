"""Property maps to and from protobuf Structs through the SDK's own serializer (numbers become doubles)."""

from __future__ import annotations

import asyncio
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime import rpc

from .isolation import run_isolated
from .values import from_rpc, to_rpc


def to_struct(props: dict[str, Any]) -> struct_pb2.Struct:
    """Serialize engine values with ``rpc.serialize_properties`` on a private event loop.

    Secrets keep the SDK's secret signature, unknowns become the unknown sentinel, ``None`` keys vanish. From a
    thread that runs an event loop, the work moves to a fresh thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(rpc.serialize_properties(to_rpc(props), {}))
        finally:
            loop.close()
    return run_isolated(lambda: to_struct(props), name="to-struct")


def from_struct(struct: struct_pb2.Struct | None) -> dict[str, Any]:
    """Deserialize a provider's Struct with ``rpc.deserialize_properties(keep_unknowns=True)`` into engine values."""
    if struct is None:
        return {}
    return from_rpc(rpc.deserialize_properties(struct, keep_unknowns=True))


def from_struct_exact(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A Struct as the engine unmarshals it: nested secrets stay where they are (the SDK pushes them up a level)."""
    return {key: from_rpc(_raw(value)) for key, value in struct.fields.items()}


def _raw(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        return {k: _raw(v) for k, v in value.struct_value.fields.items()}
    if kind == "list_value":
        return [_raw(v) for v in value.list_value.values]
    if kind == "null_value" or kind is None:
        return None
    return getattr(value, kind)
