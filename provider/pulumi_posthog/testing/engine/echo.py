"""A stand-in for non-dynamic providers (aws, random, ...): outputs echo the inputs plus configurable extras."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from .client import CheckReply, ConfigureReply, CreateReply, DiffReply, ReadReply, Recorder, urn_type_and_name
from .wire import from_struct_exact, to_struct

Extras = Callable[[str, dict[str, Any]], dict[str, Any]] | Mapping[str, Any]
"""Extra outputs for a type: a dict, or a function (name, inputs) → dict, e.g. an S3 bucket's ``arn``."""


class EchoProvider:
    """Accepts secrets, does not support preview, diffs as DIFF_UNKNOWN (so the engine compares inputs).

    Create returns the inputs, an id ``<name>-<n>`` and the extras registered for the type; values cross a
    protobuf Struct as they would on the wire (ints become floats).
    """

    def __init__(self, extras: Mapping[str, Extras] | None = None, *, record: Recorder | None = None) -> None:
        self._extras = dict(extras or {})
        self._record = record
        self._ids = itertools.count(1)

    def _note(self, method: str, urn: str) -> None:
        if self._record is not None:
            self._record(method, urn)

    def _outputs(self, urn: str, inputs: dict[str, Any]) -> dict[str, Any]:
        type_, name = urn_type_and_name(urn)
        extra = self._extras.get(type_, {})
        values = extra(name, inputs) if callable(extra) else dict(extra)
        return _wire({**inputs, **values})

    def configure(self, config: Mapping[str, Any]) -> ConfigureReply:
        self._note("Configure", "")
        return ConfigureReply(accept_secrets=True, supports_preview=False, accept_resources=True)

    def check(self, urn: str, olds: dict[str, Any], news: dict[str, Any]) -> CheckReply:
        self._note("Check", urn)
        return CheckReply(_wire(news))

    def diff(
        self, urn: str, id_: str, olds: dict[str, Any], news: dict[str, Any], old_inputs: dict[str, Any]
    ) -> DiffReply:
        self._note("Diff", urn)
        return DiffReply("unknown")

    def create(self, urn: str, properties: dict[str, Any], *, preview: bool = False) -> CreateReply:
        self._note("Create", urn)
        _, name = urn_type_and_name(urn)
        return CreateReply(f"{name}-{next(self._ids)}", self._outputs(urn, properties))

    def read(self, urn: str, id_: str, properties: dict[str, Any], inputs: dict[str, Any]) -> ReadReply:
        self._note("Read", urn)
        return ReadReply(id_, dict(properties), None)

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
        self._note("Update", urn)
        return self._outputs(urn, news)

    def delete(self, urn: str, id_: str, properties: dict[str, Any], old_inputs: dict[str, Any]) -> None:
        self._note("Delete", urn)

    def close(self) -> None:
        """Nothing to release."""


def _wire(props: dict[str, Any]) -> dict[str, Any]:
    """Round-trip through a Struct, keeping secrets, as the engine marshals for a provider that accepts them."""
    return from_struct_exact(to_struct(props))
