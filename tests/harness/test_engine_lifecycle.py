"""MiniEngine lifecycle against the item store: preview, create, same, update, replace, refresh, destroy."""

from __future__ import annotations

from .engine import MiniEngine
from .item_store import ItemStore
from .sample_provider import DefaultDiffItemProvider, VersionedItemProvider, item_goal
from .values import Secret, Unknown


def test_preview_makes_no_api_calls_and_leaves_computed_outputs_unknown(engine: MiniEngine, store: ItemStore) -> None:
    plan = engine.preview([item_goal(name="alpha", size=2, labels=Unknown())])

    assert plan.ok and plan.ops() == {"a": "create"}
    assert plan.calls() == ["Configure", "Check"]
    assert store.calls == []
    planned = plan.step("a").outputs
    assert isinstance(planned["labels"], Unknown)
    assert "item_id" not in planned and "api_key" not in planned  # the program sees these as unknown
    assert engine.resources == []


def test_create_stores_id_and_outputs_and_ints_cross_as_floats(engine: MiniEngine, store: ItemStore) -> None:
    result = engine.up([item_goal(name="alpha", size=2)]).expect_ok()

    assert result.ops() == {"a": "create"}
    assert result.calls("a") == ["Check", "Create"]
    assert [(c.method, c.path) for c in store.writes()] == [("POST", "/items")]
    sent = store.writes()[0].body["size"]
    assert sent == 2 and isinstance(sent, float)
    state = engine.resource("a")
    assert state.id == "item-1"
    assert state.plain_outputs["item_id"] == "item-1" and state.plain_outputs["etag"] == 1.0
    assert "labels" not in state.outputs  # the provider returned labels=None: the key is dropped


def test_second_up_is_a_same_step_with_no_write(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha", size=2)]).expect_ok()
    before = engine.resource("a").outputs

    result = engine.up([item_goal(name="alpha", size=2)]).expect_ok()

    assert result.ops() == {"a": "same"}
    assert result.calls("a") == ["Check", "Diff"]
    assert len(store.writes()) == 1
    assert engine.resource("a").outputs == before


def test_same_step_keeps_old_outputs_including_the_old_provider_blob(engine: MiniEngine) -> None:
    engine.up([item_goal(provider=VersionedItemProvider(1), name="alpha")]).expect_ok()
    old_blob = engine.resource("a").outputs["__provider"]

    result = engine.up([item_goal(provider=VersionedItemProvider(2), name="alpha")]).expect_ok()

    assert result.ops() == {"a": "same"}  # the provider's diff ignores __provider
    state = engine.resource("a")
    assert state.outputs["__provider"] == old_blob  # Delete and Read will use version 1
    assert state.inputs["__provider"] != old_blob  # the new inputs are saved


def test_update_sends_old_outputs_and_new_inputs(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha", size=2)]).expect_ok()

    plan = engine.preview([item_goal(name="alpha", size=3)])
    assert plan.ops() == {"a": "update"} and plan.step("a").diffs == ["size"]
    assert len(store.calls) == 1  # preview: still only the create's POST

    result = engine.up([item_goal(name="alpha", size=3)]).expect_ok()

    assert result.calls("a") == ["Check", "Diff", "Update"]
    assert [c.method for c in store.writes()] == ["POST", "PUT"]
    state = engine.resource("a")
    assert state.plain_outputs["size"] == 3.0 and state.plain_outputs["etag"] == 2.0
    assert state.plain_inputs["size"] == 3.0


def test_preview_with_an_unknown_input_plans_an_update_without_calls(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha", size=2)]).expect_ok()

    plan = engine.preview([item_goal(name="alpha", size=Unknown())])

    assert plan.ops() == {"a": "update"}
    assert plan.calls("a") == ["Check", "Diff"]
    assert isinstance(plan.step("a").outputs["size"], Unknown)
    assert len(store.calls) == 1


def test_replace_creates_the_new_item_before_deleting_the_old(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha")]).expect_ok()

    plan = engine.preview([item_goal(name="beta")])
    assert plan.ops() == {"a": "replace"} and plan.step("a").replaces == ["name"]

    result = engine.up([item_goal(name="beta")]).expect_ok()

    assert [(s.op, s.id) for s in result.steps] == [("replace", "item-2"), ("delete-replaced", "item-1")]
    # The engine checks again with no old inputs before a replacement.
    assert result.calls("a") == ["Check", "Diff", "Check", "Create", "Delete"]
    assert [(c.method, c.path) for c in store.writes()[1:]] == [("POST", "/items"), ("DELETE", "/items/item-1")]
    assert [r.id for r in engine.resources] == ["item-2"]


def test_delete_before_replace_deletes_first(engine: MiniEngine, store: ItemStore) -> None:
    dbr = {"delete_before_replace": True}
    engine.up([item_goal(name="alpha", options=dbr)]).expect_ok()

    result = engine.up([item_goal(name="beta", options=dbr)]).expect_ok()

    assert [(s.op, s.id) for s in result.steps] == [("delete-replaced", "item-1"), ("replace", "item-2")]
    assert [(c.method, c.path) for c in store.writes()[1:]] == [("DELETE", "/items/item-1"), ("POST", "/items")]
    assert result.step("a", "replace").delete_before_replace


def test_refresh_adopts_drift_and_the_next_preview_reverts_it(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha", size=2)]).expect_ok()
    store.edit("item-1", size=7)

    refreshed = engine.refresh()

    assert refreshed.ok and refreshed.ops() == {"a": "update"} and refreshed.step("a").diffs == ["size"]
    assert refreshed.calls("a") == ["Read", "Diff"]
    state = engine.resource("a")
    assert state.plain_outputs["size"] == 7.0 and state.plain_outputs["etag"] == 2.0
    assert state.plain_inputs["size"] == 7.0  # ReadResult.inputs replaced the stored inputs
    plan = engine.preview([item_goal(name="alpha", size=2)])
    assert plan.ops() == {"a": "update"} and plan.step("a").diffs == ["size"]


def test_refresh_without_drift_is_same(engine: MiniEngine) -> None:
    engine.up([item_goal(name="alpha", size=2)]).expect_ok()

    assert engine.refresh().ops() == {"a": "same"}


def test_refresh_drops_an_item_deleted_out_of_band_and_up_recreates_it(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha")]).expect_ok()
    store.remove("item-1")

    refreshed = engine.refresh()

    assert refreshed.ops() == {"a": "delete"} and refreshed.calls("a") == ["Read"]
    assert engine.resources == []
    assert engine.up([item_goal(name="alpha")]).expect_ok().ops() == {"a": "create"}
    assert engine.resource("a").id == "item-2"


def test_resources_dropped_from_the_program_are_deleted_last(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal("a", name="alpha"), item_goal("b", name="beta")]).expect_ok()

    plan = engine.preview([item_goal("a", name="alpha")])
    assert plan.ops() == {"a": "same", "b": "delete"}
    assert [c.method for c in store.writes()] == ["POST", "POST"]

    result = engine.up([item_goal("a", name="alpha")]).expect_ok()

    assert [(s.name, s.op) for s in result.steps] == [("a", "same"), ("b", "delete")]
    assert [r.name for r in engine.resources] == ["a"]
    assert set(store.items) == {"item-1"}


def test_destroy_deletes_everything_last_first(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal("a", name="alpha"), item_goal("b", name="beta")]).expect_ok()

    result = engine.destroy().expect_ok()

    assert [(s.name, s.op) for s in result.steps] == [("b", "delete"), ("a", "delete")]
    assert result.calls() == ["Configure", "Delete", "Delete"]
    assert engine.resources == [] and store.items == {}


def test_diff_unknown_falls_back_to_the_engine_input_diff(engine: MiniEngine) -> None:
    engine.up([item_goal(provider=DefaultDiffItemProvider(1), name="alpha", size=2)]).expect_ok()

    same = engine.up([item_goal(provider=DefaultDiffItemProvider(1), name="alpha", size=2)])
    resized = engine.preview([item_goal(provider=DefaultDiffItemProvider(1), name="alpha", size=3)])
    new_blob = engine.preview([item_goal(provider=DefaultDiffItemProvider(2), name="alpha", size=2)])

    assert same.ops() == {"a": "same"}
    assert resized.ops() == {"a": "update"} and resized.step("a").diffs == ["size"]
    # Without a diff of its own, a changed provider blob alone means an update.
    assert new_blob.ops() == {"a": "update"} and new_blob.step("a").diffs == ["__provider"]


def test_ignore_changes_keeps_the_old_input(engine: MiniEngine, store: ItemStore) -> None:
    ignore = {"ignore_changes": ["size"]}
    engine.up([item_goal(name="alpha", size=2, options=ignore)]).expect_ok()

    result = engine.up([item_goal(name="alpha", size=5, options=ignore)]).expect_ok()

    assert result.ops() == {"a": "same"}
    assert engine.resource("a").plain_inputs["size"] == 2.0


def test_state_keeps_secret_inputs_between_runs(engine: MiniEngine) -> None:
    engine.up([item_goal(name="alpha", owner=Secret("alice@example.com"))]).expect_ok()

    result = engine.up([item_goal(name="alpha", owner=Secret("alice@example.com"))]).expect_ok()

    assert result.ops() == {"a": "same"}
    assert engine.resource("a").inputs["owner"] == Secret("alice@example.com")
