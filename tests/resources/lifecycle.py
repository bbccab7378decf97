"""The lifecycle scenario every resource goes through, driven over a ``Stack`` (see conftest.py).

preview (0 API calls) → up → preview: no change → refresh: no change → each mutable change: preview shows an
update, up applies it → each immutable change: preview shows a replace → out-of-band edit: refresh and preview
show the revert, up reverts → out-of-band delete: refresh drops it, up recreates → destroy.
The HTTP calls of every operation are counted by the server and checked against ``Calls``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.harness import Unknown
from tests.harness.model import Result, Step
from tests.resources.conftest import Program, Stack

Parts = dict[str, dict[str, Any]]
"""The program's inputs by part, e.g. ``{"export": {...}, "config": {...}, "integration": {...}}``."""


def id_of(step: Step) -> Any:
    """A registered resource's ``id`` as a program sees it (a string; unknown in a preview of a create/replace)."""
    return step.id or Unknown()


@dataclass(frozen=True)
class Change:
    """A change to the program: ``parts`` merged into the current inputs; what the preview and up must show."""

    label: str
    parts: Parts
    op: str = "update"
    keys: tuple[str, ...] = ()
    calls: dict[str, int] | None = None
    """The target's HTTP calls on up (default: the scenario's ``calls.update``)."""


@dataclass(frozen=True)
class Calls:
    """HTTP calls per operation for the target resource (paths containing ``fragment``)."""

    fragment: str
    create: dict[str, int] = field(default_factory=lambda: {"POST": 1})
    read: dict[str, int] = field(default_factory=lambda: {"GET": 1})
    update: dict[str, int] = field(default_factory=lambda: {"PATCH": 1})
    delete: dict[str, int] = field(default_factory=lambda: {"DELETE": 1})


@dataclass
class Scenario:
    """One resource's lifecycle: its program, the target's name, changes, and the out-of-band actions."""

    stack: Stack
    build: Callable[[Parts], Program]
    target: str
    parts: Parts
    calls: Calls
    changes: Iterable[Change] = ()
    replaces: Iterable[Change] = ()
    edit: Callable[[Stack], None] | None = None
    """Change the object in PostHog behind Pulumi's back."""
    edited: Callable[[Stack], bool] | None = None
    """True while PostHog still holds the out-of-band value (checked before and after the revert)."""
    remove: Callable[[Stack], None] | None = None
    """Delete the object in PostHog behind Pulumi's back."""
    exists: Callable[[Stack, str], bool] | None = None
    """Whether the object with this id is in PostHog (checked after destroy)."""
    report: dict[str, Any] = field(default_factory=dict)

    # -- the steps ---------------------------------------------------------------------------------------------
    def program(self) -> Program:
        return self.build(copy.deepcopy(self.parts))

    def preview(self) -> Result:
        return self.stack.preview(self.program())

    def up(self) -> Result:
        result = self.stack.up(self.program())
        result.expect_ok()
        self.stack.assert_no_plaintext()
        return result

    def target_calls(self) -> dict[str, int]:
        return self.stack.calls_to(self.calls.fragment)

    def expect_calls(self, expected: dict[str, int], what: str) -> None:
        got = self.target_calls()
        self.report[what] = got
        assert got == expected, f"{what}: {got} != {expected}; requests: {self.stack.requests}"

    def expect_converged(self) -> None:
        plan = self.preview().expect_ok()
        assert set(plan.ops().values()) == {"same"}, plan.ops()

    def run(self) -> dict[str, Any]:
        """The whole lifecycle; returns the target's HTTP calls per operation."""
        self.create()
        self.refresh_unchanged()
        for change in self.changes:
            self.apply(change)
        for change in self.replaces:
            self.plan_replace(change)
        if self.edit is not None:
            self.revert_edit()
        if self.remove is not None:
            self.recreate()
        self.destroy()
        return self.report

    def create(self) -> None:
        plan = self.preview().expect_ok()
        assert set(plan.ops().values()) == {"create"}, plan.ops()
        self.report["preview"] = self.stack.calls
        self.up()
        assert self.stack.engine.resource(self.target).id
        self.expect_calls(self.calls.create, "create")
        self.expect_converged()

    def refresh_unchanged(self) -> None:
        result = self.stack.refresh().expect_ok()
        assert result.step(self.target).op == "same", (result.step(self.target).diffs, self.stack.outputs(self.target))
        assert set(result.ops().values()) == {"same"}, result.ops()
        self.expect_calls(self.calls.read, "read")
        self.stack.assert_no_plaintext()
        self.expect_converged()

    def merge(self, parts: Parts) -> None:
        for name, values in parts.items():
            self.parts.setdefault(name, {}).update(copy.deepcopy(values))

    def apply(self, change: Change) -> None:
        self.merge(change.parts)
        plan = self.preview().expect_ok()
        step = plan.step(self.target)
        assert step.op == change.op, f"{change.label}: {step.op} (diffs {step.diffs}, replaces {step.replaces})"
        for key in change.keys:
            assert key in (step.replaces if change.op == "replace" else step.diffs), (change.label, key, step.diffs)
        before = self.stack.engine.resource(self.target).id
        self.up()
        expected = change.calls if change.calls is not None else self.calls.update
        self.expect_calls(expected, f"update: {change.label}")
        after = self.stack.engine.resource(self.target).id
        assert (after != before) == (change.op == "replace"), (change.label, before, after)
        self.expect_converged()

    def plan_replace(self, change: Change) -> None:
        saved = copy.deepcopy(self.parts)
        self.merge(change.parts)
        plan = self.preview().expect_ok()
        step = plan.step(self.target)
        assert step.op == "replace", f"{change.label}: {step.op} (diffs {step.diffs})"
        for key in change.keys:
            assert key in step.replaces, (change.label, key, step.replaces)
        self.parts = saved

    def revert_edit(self) -> None:
        assert self.edit is not None
        self.edit(self.stack)
        if self.edited is not None:
            assert self.edited(self.stack)
        result = self.stack.refresh().expect_ok()
        assert result.step(self.target).op == "update", "refresh did not show the out-of-band edit"
        plan = self.preview().expect_ok()
        assert plan.step(self.target).op in ("update", "replace"), plan.ops()
        self.report["revert preview"] = plan.step(self.target).op
        self.up()
        self.report["revert"] = self.target_calls()
        if self.edited is not None:
            assert not self.edited(self.stack), "up did not revert the out-of-band edit"
        self.expect_converged()

    def recreate(self) -> None:
        assert self.remove is not None
        self.remove(self.stack)
        result = self.stack.refresh().expect_ok()
        assert result.step(self.target).op == "delete", result.ops()
        assert self.target not in [r.name for r in self.stack.engine.resources]
        plan = self.preview().expect_ok()
        assert plan.step(self.target).op == "create", plan.ops()
        self.up()
        self.expect_calls(self.calls.create, "recreate")
        self.expect_converged()

    def destroy(self) -> None:
        last_id = self.stack.id(self.target)
        result = self.stack.destroy().expect_ok()
        assert result.step(self.target).op == "delete"
        self.expect_calls(self.calls.delete, "delete")
        assert self.stack.engine.resources == []
        if self.exists is not None:
            assert not self.exists(self.stack, last_id)


def items(parts: Parts, name: str) -> dict[str, Any]:
    """A part's inputs with ``None`` values dropped (``None`` removes a key set by an earlier change)."""
    return {k: v for k, v in parts.get(name, {}).items() if v is not None}
