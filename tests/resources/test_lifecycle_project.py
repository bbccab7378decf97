"""Project lifecycle: create in an organization, rename with one PATCH, converge, protected delete; adoption.

Each test runs as its own owner with its own key and organization (creating a project moves the user's
``@current`` to it, which must not move the bootstrap user's).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.resources.conftest import Stack, goal
from tests.resources.lifecycle import Calls, Change, Parts, Scenario, items

COVERS = ("Project",)
"""The resources whose lifecycle scenario this module runs (tests/test_catalog.py)."""


@pytest.fixture
def own_stack(posthog_local: LocalServer, make_stack: Callable[..., Stack]) -> Stack:
    user = posthog_local.new_user("owner")
    return make_stack(posthog_local, posthog_local.new_key(user_id=user))


def new_organization(stack: Stack) -> str:
    response = stack.server.api("POST", "/api/organizations/", key=stack.api_key, json={"name": "Projects org"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def project_path(project_id: str) -> str:
    return f"/api/projects/{project_id}/"


def program(parts: Parts) -> list[Any]:
    return [goal("Project", "project", items(parts, "project"))]


def scenario(stack: Stack, org: str, name: str) -> Scenario:
    server, key = stack.server, stack.api_key

    def live(s: Stack) -> dict[str, Any]:
        response = server.api("GET", project_path(s.id("project")), key=key)
        return response.json() if response.status_code == 200 else {}

    def edit(s: Stack) -> None:
        body = {"name": "Edited out of band"}
        assert server.api("PATCH", project_path(s.id("project")), key=key, json=body).status_code == 200

    def remove(s: Stack) -> None:
        assert server.api("DELETE", project_path(s.id("project")), key=key).status_code == 204

    def exists(s: Stack, project_id: str) -> bool:
        return server.api("GET", project_path(project_id), key=key).status_code != 404

    return Scenario(
        stack=stack,
        build=program,
        target="project",
        parts={"project": {"organization_id": org, "name": name, "timezone": "Europe/Berlin"}},
        # a create lists the organization's projects first (one an interrupted `up` left is found, not doubled)
        calls=Calls("/projects/", create={"GET": 1, "POST": 1}),
        changes=[
            Change("name", {"project": {"name": name + " renamed"}}, keys=("name",)),
            Change("timezone", {"project": {"timezone": "UTC"}}, keys=("timezone",)),
            Change("anonymize_ips", {"project": {"anonymize_ips": True}}, keys=("anonymize_ips",)),
            Change("app_urls", {"project": {"app_urls": ["https://app.example.com"]}}, keys=("app_urls",)),
            Change("product_description", {"project": {"product_description": "Shop"}}, keys=("product_description",)),
        ],
        replaces=[
            Change("organization_id", {"project": {"organization_id": server.organization}}, keys=("organization_id",))
        ],
        edit=edit,
        edited=lambda s: live(s).get("name") == "Edited out of band",
        remove=remove,
        exists=exists,
    )


def test_project_lifecycle_with_deletion_protection(own_stack: Stack) -> None:
    org = new_organization(own_stack)
    name = f"Web {secrets.token_hex(3)}"
    run = scenario(own_stack, org, name)
    run.create()
    outs = own_stack.outputs("project")
    assert outs["deletion_protection"] is True and outs["api_token"].startswith("phc_")
    assert outs["timezone"] == "Europe/Berlin" and outs["organization_id"] == org
    run.refresh_unchanged()
    for change in run.changes:  # the rename is the first: one PATCH
        run.apply(change)
    assert run.report["update: name"] == {"PATCH": 1}
    run.up()
    run.expect_calls({}, "second up")  # nothing changed: nothing is read or written
    for change in run.replaces:
        run.plan_replace(change)
    run.revert_edit()
    assert run.report["revert"] == {"PATCH": 1}
    run.recreate()
    project_id = own_stack.id("project")

    refused = own_stack.destroy()
    assert not refused.ok and own_stack.calls == {}  # refused before any call
    message = refused.errors[0].summary
    assert "deletion_protection" in message and "deletion_protection=False" in message, message
    assert run.exists is not None and run.exists(own_stack, project_id)

    run.merge({"project": {"deletion_protection": False}})
    run.up()
    run.expect_calls({"GET": 1}, "update: deletion_protection")  # nothing to send: the outputs are read back
    run.destroy()
    assert run.report["delete"] == {"DELETE": 1}


def test_adopt_a_project_of_the_organization_and_refuse_a_foreign_one(own_stack: Stack) -> None:
    org = new_organization(own_stack)
    server, key = own_stack.server, own_stack.api_key
    listed = server.api("GET", f"/api/organizations/{org}/projects/", key=key).json()["results"]
    default = str(listed[0]["id"])

    adopted = goal("Project", "project", {"organization_id": org, "name": "Adopted", "adopt_id": default})
    own_stack.up([adopted]).expect_ok()
    assert own_stack.id("project") == default
    assert own_stack.calls_to("/projects/") == {"GET": 1, "PATCH": 1}  # read it, rename it; nothing created
    assert server.api("GET", project_path(default), key=key).json()["name"] == "Adopted"

    other = new_organization(own_stack)
    foreign = goal("Project", "foreign", {"organization_id": other, "name": "Not mine", "adopt_id": default})
    result = own_stack.up([adopted, foreign])
    assert not result.ok
    assert "not of organization_id" in result.errors[0].summary, result.errors[0].summary
    assert server.api("GET", project_path(default), key=key).json()["name"] == "Adopted"
