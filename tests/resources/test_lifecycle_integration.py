"""Integration lifecycle for the eight kinds (latest profile).

Named kinds (aws-s3, s3-compatible, snowflake, AWS-mode aws-redshift) have no update in PostHog: every config change
is a replace under a fresh auto-suffixed name. Upsert kinds re-POST in place (same id) and replace only when their
identity (host/port/user, hostname, account, service account) changes.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.resources.cases import Kind, kinds
from tests.resources.conftest import Stack, integration
from tests.resources.lifecycle import Calls, Change, Parts, Scenario, items

COVERS = ("Integration",)
"""The resources whose lifecycle scenario this module runs (tests/test_catalog.py)."""

CALLS = Calls("/integrations/", update={"POST": 1})  # no PATCH in PostHog: upsert kinds re-POST
OTHER_KIND = {
    "kind": "databricks",
    "config": {"server_hostname": "dbc-9.cloud.databricks.com", "client_id": "c1d2e3f4", "client_secret": "s9e8c7r6"},
}


def integration_path(project: int, integration_id: Any) -> str:
    return f"/api/projects/{project}/integrations/{integration_id}/"


def build(project: int, kind: Kind):
    def program(parts: Parts):
        inputs = {"project_id": project, "kind": kind.kind, "config": items(parts, "config"), **items(parts, "top")}
        return [integration("credentials", secret_keys=kind.secret, **inputs)]

    return program


def changes(kind: Kind) -> list[Change]:
    replace_calls = {"POST": 1, "DELETE": 1}  # create the new one, then delete the old one
    if kind.named:
        return [
            Change("rotate credentials", {"config": kind.rotate}, op="replace", keys=("config",), calls=replace_calls),
            Change("rename", {"config": {"name": "renamed"}}, op="replace", keys=("config",), calls=replace_calls),
        ]
    return [
        Change("rotate credentials", {"config": kind.rotate}, keys=("config",)),
        Change("identity", {"config": kind.identity}, op="replace", keys=("config",), calls=replace_calls),
    ]


def scenario(stack: Stack, project: int, kind: Kind) -> Scenario:
    server = stack.server

    def live(s: Stack) -> dict[str, Any]:
        response = server.api("GET", integration_path(project, s.id("credentials")))
        return response.json() if response.status_code == 200 else {}

    def edit(s: Stack) -> None:
        config = {**s.outputs("credentials")["config"], **kind.edit}
        response = server.api(
            "POST", f"/api/projects/{project}/integrations/", json={"kind": kind.kind, "config": config}
        )
        assert response.status_code == 201, response.text
        assert str(response.json()["id"]) == s.id("credentials")  # an upsert: the same row

    def edited(s: Stack) -> bool:
        config = live(s)["config"]
        return all(config.get(k) == v for k, v in kind.edit.items())

    def remove(s: Stack) -> None:
        assert server.api("DELETE", integration_path(project, s.id("credentials"))).status_code == 204

    def exists(s: Stack, integration_id: str) -> bool:
        return server.api("GET", integration_path(project, integration_id)).status_code != 404

    return Scenario(
        stack=stack,
        build=build(project, kind),
        target="credentials",
        parts={"config": dict(kind.config)},
        calls=CALLS,
        changes=changes(kind),
        replaces=[
            Change(
                "kind",
                {
                    "top": OTHER_KIND
                    if kind.kind != "databricks"
                    else {
                        **OTHER_KIND,
                        "kind": "azure-blob",
                        "config": {"connection_string": "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=k"},
                    }
                },
                keys=("kind",),
            ),
            Change("project_id", {"top": {"project_id": project + 1000}}, keys=("project_id",)),
        ],
        edit=edit if kind.edit else None,
        edited=edited if kind.edit else None,
        remove=remove,
        exists=exists,
    )


@pytest.mark.parametrize("name", list(kinds()))
def test_integration_lifecycle(stack: Stack, project: int, name: str) -> None:
    kind = kinds()[name]
    report = scenario(stack, project, kind).run()
    assert report["preview"] == {}
    if kind.edit:
        assert report["revert"] == {"POST": 1}


@pytest.mark.parametrize("name", [k for k, v in kinds().items() if v.named])
def test_named_kind_gets_a_suffixed_name_kept_across_runs(stack: Stack, project: int, name: str) -> None:
    kind = kinds()[name]
    program = build(project, kind)
    parts: Parts = {"config": dict(kind.config)}
    stack.up(program(parts)).expect_ok()
    first = stack.outputs("credentials")["config"]["name"]
    base = kind.config["name"]
    assert first.startswith(base + "-") and len(first) == len(base) + 8
    live = stack.server.api("GET", integration_path(project, stack.id("credentials"))).json()
    assert live["config"]["name"] == first
    stack.refresh().expect_ok()
    assert stack.preview(program(parts)).ops() == {"credentials": "same"}
    parts["config"].update(kind.rotate)
    stack.up(program(parts)).expect_ok()
    second = stack.outputs("credentials")["config"]["name"]
    assert second != first and second.startswith(base + "-")
    stack.destroy().expect_ok()
