"""A provider client speaking the engine's side of provider.proto, over any transport (in-process or gRPC)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from google.protobuf.message import Message
from pulumi.runtime.proto import provider_pb2

from .isolation import run_isolated
from .servicer import FakeContext, new_servicer
from .values import Secret
from .wire import from_struct, to_struct

T = TypeVar("T")

Transport = Callable[[str, Message], Message]
"""Sends one request (method name, protobuf request) and returns the protobuf response or raises AbortError."""

Recorder = Callable[[str, str], None]
"""Called with (method, urn) before every RPC."""

_CHANGES = {
    provider_pb2.DiffResponse.DIFF_UNKNOWN: "unknown",
    provider_pb2.DiffResponse.DIFF_NONE: "none",
    provider_pb2.DiffResponse.DIFF_SOME: "some",
}


@dataclass
class ConfigureReply:
    """What the plugin told the engine about itself in ConfigureResponse."""

    accept_secrets: bool
    supports_preview: bool
    accept_resources: bool


@dataclass
class CheckReply:
    """Checked inputs (None when the provider sent none) and (property, reason) failures."""

    inputs: dict[str, Any] | None
    failures: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class DiffReply:
    """A DiffResponse: changes is "none", "some" or "unknown" (Python's ``DiffResult(changes=None)``)."""

    changes: str
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    diffs: list[str] = field(default_factory=list)
    stables: list[str] = field(default_factory=list)


@dataclass
class CreateReply:
    """The id and output properties a Create returned."""

    id: str
    outputs: dict[str, Any]


@dataclass
class ReadReply:
    """A ReadResponse: an empty id means the resource is gone; inputs is None unless the provider returned them."""

    id: str
    outputs: dict[str, Any]
    inputs: dict[str, Any] | None


class Provider(Protocol):
    """The operations the engine performs on a resource provider."""

    def configure(self, config: Mapping[str, Any]) -> ConfigureReply: ...

    def check(self, urn: str, olds: dict[str, Any], news: dict[str, Any]) -> CheckReply: ...

    def diff(
        self, urn: str, id_: str, olds: dict[str, Any], news: dict[str, Any], old_inputs: dict[str, Any]
    ) -> DiffReply: ...

    def create(self, urn: str, properties: dict[str, Any], *, preview: bool = False) -> CreateReply: ...

    def read(self, urn: str, id_: str, properties: dict[str, Any], inputs: dict[str, Any]) -> ReadReply: ...

    def update(
        self,
        urn: str,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        old_inputs: dict[str, Any],
        *,
        preview: bool = False,
    ) -> dict[str, Any]: ...

    def delete(self, urn: str, id_: str, properties: dict[str, Any], old_inputs: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


def urn_type_and_name(urn: str) -> tuple[str, str]:
    """The resource type token and name a URN ``urn:pulumi:stack::project::[parent$]type::name`` carries."""
    parts = urn.split("::")
    if len(parts) < 4:
        raise ValueError(f"not a resource URN: {urn!r}")
    return parts[2].split("$")[-1], "::".join(parts[3:])


def config_args(config: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """Stack config as Configure sends it: ``variables`` (plain strings) and ``args`` (secrets kept)."""
    variables: dict[str, str] = {}
    args: dict[str, Any] = {}
    for key, value in config.items():
        secret = isinstance(value, Secret)
        plain = value.value if secret else value
        text = plain if isinstance(plain, str) else json.dumps(plain)
        variables[f"pulumi-python:config:{key}"] = text
        args[key] = Secret(text) if secret else text
    return variables, args


def addressed(urn: str) -> dict[str, str]:
    """The fields that address a resource in every resource request: ``urn``, its ``name`` and ``type``."""
    type_, name = urn_type_and_name(urn)
    return {"urn": urn, "name": name, "type": type_}


def change_fields(
    id_: str, target: dict[str, str], olds: dict[str, Any], news: dict[str, Any], old_inputs: dict[str, Any]
) -> dict[str, Any]:
    """The fields DiffRequest and UpdateRequest share: the resource, old outputs, checked news, old inputs."""
    return {
        "id": id_,
        **target,
        "olds": to_struct(olds),
        "news": to_struct(news),
        "old_inputs": to_struct(old_inputs),
    }


class ProviderClient:
    """Builds real protobuf requests from engine values, sends them, and parses the responses.

    Values are dicts of plain Python values, ``Secret`` and ``Unknown``; the caller decides what to strip (the
    engine strips secrets for a plugin without acceptSecrets). Each call runs on a fresh thread (see
    ``run_isolated``), so the client can be used from anywhere, including inside a running event loop.
    """

    def __init__(self, transport: Transport, *, record: Recorder | None = None) -> None:
        self._transport = transport
        self._record = record

    def _rpc(self, method: str, urn: str, build: Callable[[], Message], parse: Callable[[Any], T]) -> T:
        if self._record is not None:
            self._record(method, urn)
        return run_isolated(lambda: parse(self._transport(method, build())), name=f"rpc-{method}")

    def configure(self, config: Mapping[str, Any]) -> ConfigureReply:
        """Configure with the stack config (namespaced keys, string values, secrets marked)."""
        variables, args = config_args(config)

        def build() -> Message:
            return provider_pb2.ConfigureRequest(
                variables=variables,
                args=to_struct(args),
                acceptSecrets=True,
                acceptResources=True,
                sends_old_inputs=True,
                sends_old_inputs_to_delete=True,
            )

        def parse(resp: Any) -> ConfigureReply:
            return ConfigureReply(resp.acceptSecrets, resp.supportsPreview, resp.acceptResources)

        return self._rpc("Configure", "", build, parse)

    def check(self, urn: str, olds: dict[str, Any], news: dict[str, Any]) -> CheckReply:
        """Check(olds = old inputs or {}, news = new inputs)."""
        target = addressed(urn)

        def build() -> Message:
            return provider_pb2.CheckRequest(
                **target, olds=to_struct(olds), news=to_struct(news), randomSeed=os.urandom(32)
            )

        def parse(resp: Any) -> CheckReply:
            inputs = from_struct(resp.inputs) if resp.HasField("inputs") else None
            return CheckReply(inputs, [(f.property, f.reason) for f in resp.failures])

        return self._rpc("Check", urn, build, parse)

    def diff(
        self,
        urn: str,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        old_inputs: dict[str, Any],
        ignore_changes: Sequence[str] = (),
    ) -> DiffReply:
        """Diff(olds = old outputs, news = checked new inputs, old_inputs)."""
        target = addressed(urn)

        def build() -> Message:
            fields = change_fields(id_, target, olds, news, old_inputs)
            return provider_pb2.DiffRequest(**fields, ignoreChanges=list(ignore_changes))

        def parse(resp: Any) -> DiffReply:
            return DiffReply(
                changes=_CHANGES[resp.changes],
                replaces=list(resp.replaces),
                delete_before_replace=resp.deleteBeforeReplace,
                diffs=list(resp.diffs),
                stables=list(resp.stables),
            )

        return self._rpc("Diff", urn, build, parse)

    def create(self, urn: str, properties: dict[str, Any], *, preview: bool = False) -> CreateReply:
        """Create(properties = checked inputs)."""
        target = addressed(urn)

        def build() -> Message:
            return provider_pb2.CreateRequest(**target, properties=to_struct(properties), preview=preview)

        return self._rpc("Create", urn, build, lambda resp: CreateReply(resp.id, from_struct(resp.properties)))

    def read(self, urn: str, id_: str, properties: dict[str, Any], inputs: dict[str, Any]) -> ReadReply:
        """Read(properties = old outputs, inputs = old inputs), as a refresh sends it."""
        target = addressed(urn)

        def build() -> Message:
            return provider_pb2.ReadRequest(
                id=id_, **target, properties=to_struct(properties), inputs=to_struct(inputs)
            )

        def parse(resp: Any) -> ReadReply:
            inputs_back = from_struct(resp.inputs) if resp.HasField("inputs") else None
            return ReadReply(resp.id, from_struct(resp.properties), inputs_back)

        return self._rpc("Read", urn, build, parse)

    def update(
        self,
        urn: str,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        old_inputs: dict[str, Any],
        *,
        preview: bool = False,
    ) -> dict[str, Any]:
        """Update(olds = old outputs, news = checked new inputs, old_inputs); returns the new outputs."""
        target = addressed(urn)

        def build() -> Message:
            return provider_pb2.UpdateRequest(**change_fields(id_, target, olds, news, old_inputs), preview=preview)

        return self._rpc("Update", urn, build, lambda resp: from_struct(resp.properties))

    def delete(self, urn: str, id_: str, properties: dict[str, Any], old_inputs: dict[str, Any]) -> None:
        """Delete(properties = old outputs, old_inputs)."""
        target = addressed(urn)

        def build() -> Message:
            return provider_pb2.DeleteRequest(
                id=id_, **target, properties=to_struct(properties), old_inputs=to_struct(old_inputs)
            )

        self._rpc("Delete", urn, build, lambda resp: None)

    def close(self) -> None:
        """Release the transport (nothing to do in-process)."""


def in_process_transport(servicer: Any | None = None) -> Transport:
    """Calls the SDK's servicer methods directly with a FakeContext (one servicer = one plugin process)."""
    target = servicer if servicer is not None else new_servicer()

    def call(method: str, request: Message) -> Message:
        return getattr(target, method)(request, FakeContext())

    return call


def in_process_client(record: Recorder | None = None) -> ProviderClient:
    """A client over a fresh in-process servicer (a new simulated ``python -m pulumi.dynamic``)."""
    return ProviderClient(in_process_transport(), record=record)
