"""Engine rules the harness copies from pulumi/pulumi, each test naming the file it follows.

Sources (pulumi/pulumi): pkg/resource/deploy/deployment_executor.go (pending deletes at the end, since v3.46),
pkg/resource/deploy/step_generator.go (GenerateDeletes, protect on replace, applyReplaceOnChanges),
pkg/resource/deploy/step.go (DeleteStep.Apply: protect, retainOnDelete), pkg/engine and
sdk/go/common/resource/plugin/plugin.go (one plugin process per command), sdk/python/lib/pulumi/dynamic/__main__.py
(the Python DiffResponse carries no changed keys).
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import DiffResult

from .engine import MiniEngine
from .item_store import ItemStore
from .sample_provider import ItemProvider, item_goal


class MemoryItemProvider(ItemProvider):
    """Remembers, on the provider object, the ids it created; its diff reports whether it has seen the id."""

    def __init__(self) -> None:
        super().__init__()
        self.created: set[str] = set()

    def create(self, props: dict[str, Any]) -> Any:
        result = super().create(props)
        self.created.add(result.id)
        return result

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # A change whenever this object did NOT create the resource: the state of a provider object lives one command.
        return DiffResult(changes=_id not in self.created, replaces=[])


class FailingDeleteItemProvider(ItemProvider):
    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        raise RuntimeError(f"the item API is down; {id_} was not deleted")


def test_each_command_starts_a_fresh_plugin_configured_once(engine: MiniEngine, store: ItemStore) -> None:
    # plugin.go starts the plugin per command (cmd.Dir = pwd); pulumi/dynamic/__main__.py's _PROVIDER_CACHE is that
    # process's: what a provider object remembers is gone in the next command.
    first = engine.up([item_goal(provider=MemoryItemProvider(), name="alpha")]).expect_ok()
    second = engine.preview([item_goal(provider=MemoryItemProvider(), name="alpha")])

    assert first.calls().count("Configure") == 1 and second.calls().count("Configure") == 1
    assert second.ops() == {"a": "update"}  # a fresh provider object: it never saw item-1 created


def test_a_pending_delete_left_by_a_failed_run_runs_after_the_programs_steps_of_the_next(
    engine: MiniEngine, store: ItemStore
) -> None:
    engine.up([item_goal(name="alpha")]).expect_ok()

    # The name forces a create-before-delete replacement; then another resource fails its check: the run stops,
    # and the old item stays in the state as a pending delete.
    failed = engine.up([item_goal(name="beta"), item_goal("b", name="bad", size=99)])

    assert not failed.ok and failed.ops()["a"] == "replace"
    assert [(r.id, r.delete) for r in engine.resources] == [("item-2", False), ("item-1", True)]
    assert set(store.items) == {"item-1", "item-2"}

    store.calls.clear()
    result = engine.up([item_goal(name="beta", size=2)]).expect_ok()

    # deployment_executor.go: the program's steps first, then performDeletes (GenerateDeletes takes `res.Delete`).
    assert [(s.op, s.id) for s in result.steps] == [("update", "item-2"), ("delete-replaced", "item-1")]
    assert [(c.method, c.path) for c in store.writes()] == [("PUT", "/items/item-2"), ("DELETE", "/items/item-1")]
    assert [r.id for r in engine.resources] == ["item-2"]


def test_preview_shows_pending_deletes_without_running_them(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha")]).expect_ok()
    engine.up([item_goal(name="beta"), item_goal("b", name="bad", size=99)])
    store.calls.clear()

    plan = engine.preview([item_goal(name="beta")])

    assert [(s.op, s.id) for s in plan.steps] == [("same", "item-2"), ("delete-replaced", "item-1")]
    assert store.writes() == [] and "item-1" in store.items


def test_retain_on_delete_drops_the_resource_without_a_delete_call(engine: MiniEngine, store: ItemStore) -> None:
    # step.go, DeleteStep.Apply: `else if s.old.RetainOnDelete` → no provider call.
    engine.up([item_goal(name="alpha", options={"retain_on_delete": True})]).expect_ok()

    result = engine.destroy().expect_ok()

    assert result.calls("a") == []  # no Delete RPC
    assert engine.resources == [] and "item-1" in store.items


def test_retain_on_delete_keeps_the_old_half_of_a_replacement(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha", options={"retain_on_delete": True})]).expect_ok()

    engine.up([item_goal(name="beta", options={"retain_on_delete": True})]).expect_ok()

    assert set(store.items) == {"item-1", "item-2"} and [r.id for r in engine.resources] == ["item-2"]


def test_protect_refuses_a_delete_and_a_replacement(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha", options={"protect": True})]).expect_ok()

    replaced = engine.up([item_goal(name="beta", options={"protect": True})])
    destroyed = engine.destroy()

    assert "unable to replace resource" in replaced.errors[0].message
    assert "marked for protection" in replaced.errors[0].message
    assert "cannot be deleted\nbecause it is protected" in destroyed.errors[0].message
    assert "pulumi state unprotect" in destroyed.errors[0].message
    assert set(store.items) == {"item-1"} and [r.id for r in engine.resources] == ["item-1"]


def test_replace_on_changes_does_nothing_when_the_dynamic_provider_answers_the_diff(
    engine: MiniEngine, store: ItemStore
) -> None:
    # applyReplaceOnChanges (step_generator.go) upgrades the keys the diff names; the Python dynamic servicer's
    # DiffResponse names none (pulumi/dynamic/__main__.py), so the option is silently ignored.
    engine.up([item_goal(name="alpha", size=2, options={"replace_on_changes": ["size"]})]).expect_ok()

    result = engine.up([item_goal(name="alpha", size=3, options={"replace_on_changes": ["size"]})]).expect_ok()

    assert result.ops() == {"a": "update"}
    assert [r.id for r in engine.resources] == ["item-1"]


def test_a_failed_delete_keeps_the_resource_in_the_state(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(provider=FailingDeleteItemProvider(), name="alpha")]).expect_ok()

    result = engine.destroy()

    assert not result.ok and "was not deleted" in result.errors[0].message
    assert [r.id for r in engine.resources] == ["item-1"]


def test_snapshot_and_restore_carry_the_state_to_another_engine(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha"), item_goal("b", name="beta")]).expect_ok()

    later = MiniEngine(engine.config)
    later.restore(engine.snapshot())

    assert later.preview([item_goal(name="alpha"), item_goal("b", name="beta")]).ops() == {"a": "same", "b": "same"}


def test_a_run_that_fails_again_leaves_the_pending_delete_alone(engine: MiniEngine, store: ItemStore) -> None:
    # The end-of-run deletes come after the program's steps; a run stopped by an error never gets there
    # (pulumi/pulumi a3128e50be, v3.46.0, removed retirePendingDeletes).
    engine.up([item_goal(name="alpha")]).expect_ok()
    engine.up([item_goal(name="beta"), item_goal("b", name="bad", size=99)])
    store.calls.clear()

    again = engine.up([item_goal(name="beta"), item_goal("b", name="bad", size=99)])

    assert not again.ok and "delete-replaced" not in [s.op for s in again.steps]
    assert store.writes() == [] and set(store.items) == {"item-1", "item-2"}
    assert [(r.id, r.delete) for r in engine.resources] == [("item-2", False), ("item-1", True)]
