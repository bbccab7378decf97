"""Secrets: stripped for the provider, re-marked by annotateSecrets and additional_secret_outputs, never in state."""

from __future__ import annotations

import json

from pulumi.runtime import rpc

from .engine import MiniEngine
from .item_store import ItemStore
from .sample_provider import item_goal
from .values import Secret, annotate_secrets, mark_secret_outputs

OWNER = "alice.owner@example.com"


def test_provider_sees_plain_values_and_outputs_come_back_secret(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha", owner=Secret(OWNER))]).expect_ok()

    assert store.writes()[0].body["owner"] == OWNER  # stripped before Create
    state = engine.resource("a")
    assert state.secret_inputs == ["__provider", "owner"]
    # owner: same-named secret input; api_key: additional_secret_outputs; __provider: secret input.
    assert state.secret_outputs == ["__provider", "api_key", "owner"]
    assert state.plain_outputs["owner"] == OWNER and state.outputs["name"] == "alpha"


def test_outputs_without_a_secret_input_or_option_stay_plain(engine: MiniEngine) -> None:
    engine.up([item_goal(name="alpha", owner=OWNER, options={"additional_secret_outputs": []})]).expect_ok()

    assert engine.resource("a").secret_outputs == ["__provider"]


def test_secretness_survives_update_and_refresh(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha", owner=Secret(OWNER))]).expect_ok()
    engine.up([item_goal(name="alpha", size=4, owner=Secret(OWNER))]).expect_ok()
    assert engine.resource("a").secret_outputs == ["__provider", "api_key", "owner"]

    store.edit("item-1", owner="mallory@example.com")
    engine.refresh().expect_ok()

    state = engine.resource("a")
    assert state.secret_outputs == ["__provider", "api_key", "owner"]
    assert state.secret_inputs == ["__provider", "owner"]  # refreshed inputs re-marked from the old inputs
    assert state.plain_inputs["owner"] == "mallory@example.com"


def test_checkpoint_holds_no_plaintext_secret(engine: MiniEngine, store: ItemStore) -> None:
    engine.up([item_goal(name="alpha", owner=Secret(OWNER))]).expect_ok()
    api_key = engine.resource("a").plain_outputs["api_key"]

    text = engine.checkpoint_json()

    for plaintext in (OWNER, api_key, store.token):
        assert plaintext not in text
    deployment = json.loads(text)["deployment"]
    (item,) = [r for r in deployment["resources"] if r["type"] == "pulumi-python:dynamic/itemstore:Item"]
    secret = item["outputs"]["api_key"]
    assert secret[rpc._special_sig_key] == rpc._special_secret_sig
    assert secret["ciphertext"].startswith("v1:")
    assert item["outputs"]["name"] == "alpha"
    assert item["additionalSecretOutputs"] == ["api_key"]
    (provider,) = [r for r in deployment["resources"] if r["type"] == "pulumi:providers:pulumi-python"]
    assert set(provider["inputs"]["itemstore:token"]) == {rpc._special_sig_key, "ciphertext"}
    assert item["provider"] == f"{provider['urn']}::{provider['id']}"


def test_checkpoint_shows_values_that_are_not_secret(engine: MiniEngine) -> None:
    engine.up([item_goal(name="alpha", owner=OWNER, options={"additional_secret_outputs": []})]).expect_ok()

    text = engine.checkpoint_json()

    assert OWNER in text and engine.resource("a").plain_outputs["api_key"] in text  # the leak a test must catch


def test_annotate_secrets_follows_the_engine() -> None:
    outs = {
        "token": "t",
        "config": {"password": "p", "user": "u"},
        "hosts": ["a", "b"],
        "plain": "x",
        "whole": {"k": "v"},
    }
    ins = {
        "token": Secret("t"),
        "config": {"password": Secret("p"), "user": "u"},
        "hosts": ["a", Secret("b")],
        "plain": "x",
        "whole": Secret({"k": "v"}),
        "absent": Secret("z"),
    }

    annotate_secrets(outs, ins)

    assert outs == {
        "token": Secret("t"),
        "config": {"password": Secret("p"), "user": "u"},  # recursed into objects
        "hosts": Secret(["a", "b"]),  # a whole array when any element was secret
        "plain": "x",
        "whole": Secret({"k": "v"}),
    }


def test_additional_secret_outputs_mark_top_level_keys_but_never_id() -> None:
    outs = {"api_key": "k", "id": "i", "other": "o"}

    mark_secret_outputs(outs, ["api_key", "id", "missing"])

    assert outs == {"api_key": Secret("k"), "id": "i", "other": "o"}
