"""What the MiniEngine takes and gives back: resource goals, resource states, steps, diagnostics, run results."""

from __future__ import annotations

import builtins
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import grpc

from .values import reveal, secret_paths

LOGICAL_OPS = ("create", "same", "update", "replace", "delete")
"""Step ops as ``pulumi preview``/``up`` report them; a replace also runs a ``delete-replaced`` step for the old."""


@dataclass
class Resource:
    """A resource a program registers: type token, name, inputs (may hold Secret and Unknown) and options."""

    type: str
    name: str
    inputs: dict[str, Any]
    additional_secret_outputs: list[str] = field(default_factory=list)
    delete_before_replace: bool | None = None
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    protect: bool = False
    retain_on_delete: bool = False


@dataclass
class ResourceState:
    """One resource in the engine's state (what the checkpoint records)."""

    urn: str
    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    additional_secret_outputs: list[str] = field(default_factory=list)
    delete_before_replace: bool | None = None
    delete: bool = False
    """Pending deletion: the old half of a create-before-delete replacement, deleted at the end of the run that
    replaced it, or, if that run failed first, at the end of the next one (deployment_executor.go performDeletes;
    older engines retired them first, in retirePendingDeletes, which is gone)."""
    protect: bool = False
    retain_on_delete: bool = False

    @property
    def plain_inputs(self) -> dict[str, Any]:
        """Inputs with secrets revealed."""
        return reveal(self.inputs)

    @property
    def plain_outputs(self) -> dict[str, Any]:
        """Outputs with secrets revealed."""
        return reveal(self.outputs)

    @property
    def secret_inputs(self) -> list[str]:
        """Paths of the secret inputs."""
        return secret_paths(self.inputs)

    @property
    def secret_outputs(self) -> list[str]:
        """Paths of the secret outputs."""
        return secret_paths(self.outputs)


@dataclass
class Step:
    """One step of a run.

    ``diffs`` are the changed keys as the CLI shows them (the provider's, else the engine's input diff);
    ``replaces`` the keys forcing replacement. ``outputs`` are the resulting outputs; in a preview they are the
    planned ones (the checked inputs for a create/update/replace, the old outputs for a same).
    """

    op: str
    urn: str
    type: str
    name: str
    id: str = ""
    diffs: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def plain_outputs(self) -> dict[str, Any]:
        """Outputs with secrets revealed."""
        return reveal(self.outputs)


@dataclass
class Diagnostic:
    """An error the engine reports for a resource: a check failure (``property``/``reason``) or a failed RPC."""

    urn: str
    type: str
    name: str
    message: str
    property: str | None = None
    reason: str | None = None
    code: grpc.StatusCode | None = None

    @builtins.property  # the field above shadows the builtin in this class body
    def summary(self) -> str:
        """The last line of the message (``ExceptionType: text`` for a provider exception)."""
        lines = [line.strip() for line in self.message.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""


class Rpc(NamedTuple):
    """One call the engine made to a provider."""

    method: str
    urn: str

    @property
    def name(self) -> str:
        """The resource name in the URN ("" for Configure)."""
        return self.urn.rsplit("::", 1)[-1] if self.urn else ""


@dataclass
class Result:
    """The outcome of ``preview``/``up``/``refresh``/``destroy``: steps in execution order, errors, RPCs made."""

    kind: str
    steps: list[Step] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    rpcs: list[Rpc] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No errors."""
        return not self.errors

    def ops(self) -> dict[str, str]:
        """Resource name → logical op (create/same/update/replace/delete)."""
        return {s.name: s.op for s in self.steps if s.op in LOGICAL_OPS}

    def counts(self) -> Counter[str]:
        """How many steps of each logical op."""
        return Counter(s.op for s in self.steps if s.op in LOGICAL_OPS)

    def step(self, name: str, op: str | None = None) -> Step:
        """The (last) step for a resource name, optionally of a given op."""
        for s in reversed(self.steps):
            if s.name == name and (op is None or s.op == op):
                return s
        raise KeyError(f"no {op or ''} step for {name!r} in {self.kind}: {[(s.name, s.op) for s in self.steps]}")

    def calls(self, name: str | None = None) -> list[str]:
        """RPC method names in order, for one resource name or all (Configure has no resource)."""
        return [r.method for r in self.rpcs if name is None or r.name == name]

    def expect_ok(self) -> Result:
        """Return self, or raise AssertionError listing the errors."""
        if self.errors:
            raise AssertionError(f"{self.kind} failed:\n" + "\n".join(e.message for e in self.errors))
        return self


Plan = Result
"""A preview's result: the same shape, with planned outputs and no writes."""
