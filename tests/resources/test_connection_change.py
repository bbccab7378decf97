"""A changed ``connection=`` is a planned step: another PostHog → replaced (created there, deleted here); the same
host → updated (the serialized provider moves, one read confirms the new key sees the object)."""

from __future__ import annotations

import base64
import json
import logging
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from pulumi_posthog.resources.blob import PROVIDER_CLASS, BlobInfo, UnreadableBlob, read_blob
from pulumi_posthog.resources.connection import host_for, move_of
from pulumi_posthog.resources.engine import PostHogProvider

from tests.conftest import LocalServer
from tests.harness import Secret, dynamic_token, in_process_client, provider_blob
from tests.resources.cases import token
from tests.resources.conftest import Stack, goal

MOVES = "moves from"


def org(name: str, connection: str | None = None) -> Any:
    return goal("Organization", "org", {"name": name, "deletion_protection": False}, connection)


def owner_key(server: LocalServer) -> str:
    """A key of a fresh owner (organizations it creates become its own '@current', not the bootstrap user's)."""
    return server.new_key(user_id=server.new_user("owner"))


def org_exists(server: LocalServer, key: str, org_id: str) -> bool:
    return server.api("GET", f"/api/organizations/{org_id}/", key=key).status_code == 200


def connections(stack: Stack, table: dict[str, dict[str, str]]) -> None:
    stack.engine.config["posthog:connections"] = Secret(json.dumps(table))
    stack.secrets |= {entry["apiKey"] for entry in table.values()}


def blob_connection(stack: Stack, name: str) -> str | None:
    return read_blob(stack.outputs(name)["__provider"]).connection


def test_a_connection_to_another_posthog_replaces_the_resource_there(
    posthog_local: LocalServer,
    posthog_local_2025: LocalServer,
    make_stack: Callable[..., Stack],
    caplog: pytest.LogCaptureFixture,
) -> None:
    here, there = posthog_local, posthog_local_2025
    here_key, there_key = owner_key(here), owner_key(there)
    stack = make_stack(here, here_key)
    connections(stack, {"eu": {"host": there.url, "apiKey": there_key}})
    name = f"Moving {token('org')[-6:]}"
    stack.up([org(name)]).expect_ok()
    old_id = stack.id("org")

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pulumi_posthog"):
        plan = stack.preview([org(name, "eu")])
    step = plan.step("org")
    assert step.op == "replace" and "__provider" in step.replaces, (step.op, step.replaces)
    note = next(r.getMessage() for r in caplog.records if MOVES in r.getMessage())
    assert f"the default connection ({here.url})" in note and f"connection 'eu' ({there.url})" in note, note
    assert "replaced" in note

    result = stack.up([org(name, "eu")]).expect_ok()
    assert [(s.name, s.op) for s in result.steps] == [("org", "replace"), ("org", "delete-replaced")]
    new_id = stack.id("org")
    assert org_exists(there, there_key, new_id) and not org_exists(here, here_key, old_id)
    assert blob_connection(stack, "org") == "eu"
    assert stack.calls == {"DELETE": 1}  # this server only saw the old one's delete

    assert stack.refresh().expect_ok().ops() == {"org": "same"}  # read through 'eu' (here it would be gone)
    assert stack.preview([org(name, "eu")]).ops() == {"org": "same"}
    stack.destroy().expect_ok()
    assert not org_exists(there, there_key, new_id)


def test_a_connection_to_the_same_host_is_an_update_without_writes(
    posthog_local: LocalServer, make_stack: Callable[..., Stack], caplog: pytest.LogCaptureFixture
) -> None:
    user = posthog_local.new_user("owner")
    stack = make_stack(posthog_local, posthog_local.new_key(user_id=user))
    second_key = posthog_local.new_key(user_id=user)  # e.g. a rotated key, now under its own connection name
    connections(stack, {"main": {"host": posthog_local.url + "/", "apiKey": second_key}})
    name = f"Staying {token('org')[-6:]}"
    stack.up([org(name)]).expect_ok()
    org_id = stack.id("org")

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pulumi_posthog"):
        plan = stack.preview([org(name, "main")])
    assert plan.ops() == {"org": "update"} and plan.step("org").replaces == []
    note = next(r.getMessage() for r in caplog.records if MOVES in r.getMessage())
    assert "the same PostHog" in note and "connection 'main'" in note, note

    result = stack.up([org(name, "main")]).expect_ok()
    assert result.ops() == {"org": "update"} and stack.id("org") == org_id
    assert stack.calls == {"GET": 1}  # the read through the new connection, nothing written
    assert blob_connection(stack, "org") == "main"
    assert stack.preview([org(name, "main")]).ops() == {"org": "same"}
    stack.destroy().expect_ok()
    assert not org_exists(posthog_local, second_key, org_id)


def test_a_same_host_connection_whose_key_cannot_see_the_object_fails_clearly(
    posthog_local: LocalServer, make_stack: Callable[..., Stack]
) -> None:
    stack = make_stack(posthog_local, owner_key(posthog_local))
    outsider = posthog_local.new_key(user_id=posthog_local.new_user("owner", organization=new_org(posthog_local)))
    connections(stack, {"other": {"host": posthog_local.url, "apiKey": outsider}})
    name = f"Private {token('org')[-6:]}"
    stack.up([org(name)]).expect_ok()
    org_id = stack.id("org")

    failed = stack.up([org(name, "other")])
    assert not failed.ok
    message = failed.errors[0].summary
    assert "connection 'other'" in message and org_id in message, message
    assert blob_connection(stack, "org") is None  # the state still names the old connection
    assert stack.up([org(name)]).expect_ok().ops() == {"org": "same"}
    stack.destroy().expect_ok()


def new_org(server: LocalServer) -> str:
    body = server.api("POST", "/api/organizations/", key=owner_key(server), json={"name": "Elsewhere"}).json()
    return str(body["id"])


def test_an_unreadable_old_blob_does_not_break_diff(
    posthog_local: LocalServer, capfd: pytest.CaptureFixture[str]
) -> None:
    plugin = in_process_client()
    plugin.configure({"posthog:host": posthog_local.url, "posthog:apiKey": Secret(posthog_local.api_key)})
    urn = f"urn:pulumi:dev::project::{dynamic_token('posthog', 'Organization')}::org"
    news = {"name": "Acme", "__provider": provider_blob(PostHogProvider("Organization"))}
    for broken in ("not base64!", base64.b64encode(pickle.dumps({"a": 1})).decode(), "gASV"):
        reply = plugin.diff(urn, "0190", {"name": "Acme", "__provider": broken}, news, {})
        assert reply.changes == "none" and reply.replaces == []
    assert "cannot be read" in capfd.readouterr().err


# ----- the blob and the hosts, offline ---------------------------------------------------------------------------


def test_read_blob_reads_what_the_sdk_wrote() -> None:
    assert (PostHogProvider.__module__, PostHogProvider.__qualname__) == PROVIDER_CLASS
    assert read_blob(provider_blob(PostHogProvider("BatchExport"))) == BlobInfo("BatchExport", None)
    assert read_blob(provider_blob(PostHogProvider("Integration", "eu"))) == BlobInfo("Integration", "eu")


class Boom:
    def __reduce__(self) -> tuple[Any, ...]:
        return (print, ("ran",))


@pytest.mark.parametrize(
    "blob",
    [
        None,
        "",
        42,
        "%%%",
        base64.b64encode(b"\x80\x04K\x01.").decode(),
        base64.b64encode(pickle.dumps(Boom())).decode(),
    ],
)
def test_read_blob_refuses_anything_else_without_running_it(blob: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UnreadableBlob):
        read_blob(blob)
    assert "ran" not in capsys.readouterr().out


def test_hosts_resolve_offline_like_the_clients() -> None:
    stack = {"posthog:host": "eu.posthog.com/", "posthog:connections": json.dumps({"a": {"host": "https://a.example"}})}
    assert host_for(None, {}, {}) == "https://us.posthog.com"
    assert host_for(None, {}, {"POSTHOG_HOST": "http://127.0.0.1:8010"}) == "http://127.0.0.1:8010"
    assert host_for(None, stack, {"POSTHOG_HOST": "ignored"}) == "https://eu.posthog.com"
    assert host_for("a", stack, {}) == "https://a.example"
    assert host_for("b", stack, {"POSTHOG_B_HOST": "b.example"}) == "https://b.example"
    assert host_for("c", stack, {}) is None
    assert host_for("a", {"posthog:connections": "{not json"}, {}) is None
    assert move_of("a", "a", stack, {}) is None
    same = move_of(None, "x", stack, {"POSTHOG_X_HOST": "https://eu.posthog.com"})
    assert same is not None and same.same_host
    unknown = move_of("c", None, stack, {})
    assert unknown is not None and not unknown.same_host  # an old host nobody can name: replaced, never merged
