"""Organization lifecycle (deletion protection honoured) and adoption of ``@current``.

Each test runs as its own user (an owner in the bootstrap organization, with its own key): creating an
organization makes it the user's current one, which must not move the bootstrap user's ``@current``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.resources.conftest import Stack, organization
from tests.resources.lifecycle import Calls, Change, Parts, Scenario, items

COVERS = ("Organization",)
"""The resources whose lifecycle scenario this module runs (tests/test_catalog.py)."""

SETTINGS: dict[str, Any] = {
    "enforce_2fa": True,
    "members_can_invite": False,
    "members_can_create_projects": True,
    "members_can_use_personal_api_keys": False,
    "allow_publicly_shared_resources": True,
    "is_ai_data_processing_approved": True,
    "is_ai_training_opted_in": True,
    "default_experiment_stats_method": "frequentist",
    "default_anonymize_ips": True,
    "default_role_id": "0192aa11-role-member",
}


@pytest.fixture
def own_stack(posthog_local: LocalServer, make_stack: Callable[..., Stack]) -> Stack:
    """A stack whose API key belongs to a fresh owner of the bootstrap organization."""
    user = posthog_local.new_user("owner")
    return make_stack(posthog_local, posthog_local.new_key(user_id=user))


def org_path(org_id: str) -> str:
    return f"/api/organizations/{org_id}/"


def program(parts: Parts) -> list[Any]:
    return [organization("org", **items(parts, "org"))]


def scenario(stack: Stack, name: str) -> Scenario:
    server = stack.server
    key = stack.api_key

    def live(s: Stack) -> dict[str, Any]:
        response = server.api("GET", org_path(s.id("org")), key=key)
        return response.json() if response.status_code == 200 else {}

    def edit(s: Stack) -> None:
        body = {"name": "Edited out of band", "enforce_2fa": False}
        assert server.api("PATCH", org_path(s.id("org")), key=key, json=body).status_code == 200

    def remove(s: Stack) -> None:
        assert server.api("DELETE", org_path(s.id("org")), key=key).status_code == 204

    def exists(s: Stack, org_id: str) -> bool:
        return server.api("GET", org_path(org_id), key=key).status_code != 404

    changes = [Change("name", {"org": {"name": name + " renamed"}}, keys=("name",))]
    changes += [Change(k, {"org": {k: v}}, keys=(k,)) for k, v in SETTINGS.items()]
    return Scenario(
        stack=stack,
        build=program,
        target="org",
        parts={"org": {"name": name, "enforce_2fa": False, "members_can_invite": True}},
        # a create lists the key's organizations first: one an interrupted `up` left is adopted, not doubled
        calls=Calls("/api/organizations/", create={"GET": 1, "POST": 1}),
        changes=changes,
        # Another organization: "@current" or the managed one's own UUID is no replacement (test_same_id_replacement)
        replaces=[Change("adopt_id", {"org": {"adopt_id": server.organization}}, keys=("adopt_id",))],
        edit=edit,
        edited=lambda s: live(s)["name"] == "Edited out of band",
        remove=remove,
        exists=exists,
    )


def test_organization_lifecycle_with_deletion_protection(own_stack: Stack) -> None:
    name = f"Acme {secrets.token_hex(3)}"
    run = scenario(own_stack, name)
    run.create()
    assert own_stack.outputs("org")["deletion_protection"] is True
    run.refresh_unchanged()
    for change in run.changes:
        run.apply(change)
    for change in run.replaces:
        run.plan_replace(change)
    run.revert_edit()
    assert run.report["revert"] == {"PATCH": 1}
    run.recreate()
    org_id = own_stack.id("org")

    refused = own_stack.destroy()
    assert not refused.ok and own_stack.calls == {}  # refused before any call
    message = refused.errors[0].summary
    assert "deletion_protection" in message and "deletion_protection=False" in message, message
    assert run.exists is not None and run.exists(own_stack, org_id)
    assert [r.name for r in own_stack.engine.resources] == ["org"]

    run.merge({"org": {"deletion_protection": False}})
    plan = run.preview()
    assert plan.step("org").op == "update" and "deletion_protection" in plan.step("org").diffs
    run.up()
    run.expect_calls({"GET": 1}, "update: deletion_protection")  # nothing to send: the outputs are read back
    assert own_stack.outputs("org")["deletion_protection"] is False
    run.destroy()
    assert run.report["delete"] == {"DELETE": 1}


def test_adopt_current_organization(posthog_local: LocalServer, make_stack: Callable[..., Stack]) -> None:
    """``adopt_id="@current"`` takes over the key user's current organization; the first up changes what differs."""
    user = posthog_local.new_user("owner")
    key = posthog_local.new_key(user_id=user)
    existing = posthog_local.api("POST", "/api/organizations/", key=key, json={"name": "Existing org"}).json()
    stack = make_stack(posthog_local, key)
    wanted = {"adopt_id": "@current", "name": "Adopted org", "enforce_2fa": True}
    plan = stack.preview([organization("org", **wanted)])
    assert plan.ops() == {"org": "create"}
    stack.up([organization("org", **wanted)]).expect_ok()
    assert stack.calls == {"GET": 1, "PATCH": 1}
    assert stack.id("org") == existing["id"]
    live = posthog_local.api("GET", org_path(existing["id"]), key=key).json()
    assert (live["name"], live["enforce_2fa"]) == ("Adopted org", True)
    assert stack.outputs("org")["slug"] == existing["slug"]
    assert stack.preview([organization("org", **wanted)]).ops() == {"org": "same"}
    assert stack.refresh().expect_ok().ops() == {"org": "same"}
    assert not stack.destroy().ok  # adopted organizations are protected too
    stack.up([organization("org", **wanted, deletion_protection=False)]).expect_ok()
    stack.destroy().expect_ok()
    assert posthog_local.api("GET", org_path(existing["id"]), key=key).status_code == 404


def test_adopt_by_uuid_with_nothing_to_change(posthog_local: LocalServer, make_stack: Callable[..., Stack]) -> None:
    user = posthog_local.new_user("owner")
    key = posthog_local.new_key(user_id=user)
    existing = posthog_local.api("POST", "/api/organizations/", key=key, json={"name": "As is"}).json()
    stack = make_stack(posthog_local, key)
    stack.up([organization("org", adopt_id=existing["id"], name="As is")]).expect_ok()
    assert stack.calls == {"GET": 1}
    assert stack.id("org") == existing["id"]
    assert stack.preview([organization("org", adopt_id=existing["id"], name="As is")]).ops() == {"org": "same"}


def test_member_join_email_is_an_output_a_set_value_warns_and_never_diffs(
    own_stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    """Newest PostHog ignores writes to is_member_join_email_enabled: the provider sends nothing for it, warns, and
    keeps PostHog's value as the output of the same name, so a configured value never shows as a change."""
    server, key = own_stack.server, own_stack.api_key
    name = f"Join {secrets.token_hex(3)}"
    goal = organization("org", name=name, enforce_2fa=True, is_member_join_email_enabled=False)
    own_stack.up([goal]).expect_ok()
    assert "is_member_join_email_enabled is ignored" in capsys.readouterr().err
    live = server.api("GET", org_path(own_stack.id("org")), key=key).json()
    assert live["is_member_join_email_enabled"] is True and live["enforce_2fa"] is True
    assert own_stack.outputs("org")["is_member_join_email_enabled"] is True  # PostHog's value
    assert {"is_ai_training_locked", "is_hipaa", "is_pending_deletion"} <= set(own_stack.outputs("org"))
    assert own_stack.preview([goal]).ops() == {"org": "same"}
    assert own_stack.refresh().expect_ok().ops() == {"org": "same"}
    assert own_stack.up([goal]).ops() == {"org": "same"} and own_stack.calls == {}
    flipped = organization("org", name=name, enforce_2fa=True, is_member_join_email_enabled=True)
    assert own_stack.preview([flipped]).ops() == {"org": "same"}
    own_stack.up([organization("org", name=name, enforce_2fa=True, deletion_protection=False)]).expect_ok()
    own_stack.destroy().expect_ok()
