"""Integration ``adopt_id``: take over an integration made in PostHog's UI, its secrets sent from the program."""

from __future__ import annotations

import secrets
from typing import Any

from tests.conftest import LocalServer
from tests.resources.cases import token
from tests.resources.conftest import Stack, integration


def integrations_path(project: int) -> str:
    return f"/api/projects/{project}/integrations/"


def made_in_ui(server: LocalServer, project: int, kind: str, config: dict[str, Any]) -> str:
    response = server.api("POST", integrations_path(project), json={"kind": kind, "config": config})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def ids(server: LocalServer, project: int) -> set[str]:
    return {str(i["id"]) for i in server.api("GET", integrations_path(project)).json()["results"]}


def role_arn() -> str:
    return f"arn:aws:iam::{secrets.randbelow(10**12):012d}:role/posthog-{secrets.token_hex(3)}"


def assert_settled(stack: Stack, goals: list[Any], name: str) -> None:
    """Second up writes nothing; refresh shows no drift; a preview after it plans nothing."""
    assert stack.up(goals).expect_ok().ops() == {name: "same"}
    assert stack.calls == {}
    refreshed = stack.refresh().expect_ok()
    assert refreshed.ops() == {name: "same"}, refreshed.steps
    assert stack.preview(goals).ops() == {name: "same"}


def test_adopting_a_postgres_integration_sends_its_password_and_creates_nothing(
    stack: Stack, project: int, posthog_local: LocalServer
) -> None:
    user = token("pg-user")
    existing = made_in_ui(
        posthog_local, project, "postgresql", {"host": "db.example.com", "port": 5432, "user": user, "password": "old"}
    )
    before = ids(posthog_local, project)
    password = token("pg-password")
    config = {"host": "db.example.com", "port": 5432, "user": user, "password": password}
    goals = [
        integration(
            "pg", secret_keys=["password"], project_id=project, kind="postgresql", config=config, adopt_id=existing
        )
    ]

    stack.up(goals).expect_ok()
    assert stack.id("pg") == existing
    assert ids(posthog_local, project) == before  # no new integration on the server
    assert stack.calls_to("/integrations/") == {"GET": 1, "POST": 1}  # read it, send the configured password
    assert stack.outputs("pg")["config"]["password"] == password
    assert_settled(stack, goals, "pg")
    stack.assert_no_plaintext()


def test_adopting_a_role_integration_keeps_its_name_and_writes_nothing(
    stack: Stack, project: int, posthog_local: LocalServer
) -> None:
    config = {"name": f"lake-{secrets.token_hex(3)}", "aws_role_arn": role_arn()}
    existing = made_in_ui(posthog_local, project, "aws-s3", config)
    before = ids(posthog_local, project)
    goals = [integration("role", project_id=project, kind="aws-s3", config=dict(config), adopt_id=existing)]

    stack.up(goals).expect_ok()
    assert stack.id("role") == existing
    assert stack.outputs("role")["config"]["name"] == config["name"]  # no auto-suffix on an adopted name
    assert ids(posthog_local, project) == before
    assert stack.calls == {"GET": 1}
    assert_settled(stack, goals, "role")


def test_adopting_a_named_integration_with_other_settings_fails_naming_them(
    stack: Stack, project: int, posthog_local: LocalServer
) -> None:
    config = {"name": f"lake-{secrets.token_hex(3)}", "aws_role_arn": role_arn()}
    existing = made_in_ui(posthog_local, project, "aws-s3", config)
    other = {**config, "aws_role_arn": role_arn()}
    result = stack.up([integration("role", project_id=project, kind="aws-s3", config=other, adopt_id=existing)])
    assert not result.ok
    message = result.errors[0].message
    assert f"adopt_id {existing}" in message and "aws_role_arn" in message and "remove adopt_id" in message
    assert ids(posthog_local, project) == {existing}


def test_adopting_a_missing_id_fails_naming_adopt_id(stack: Stack, project: int, posthog_local: LocalServer) -> None:
    config = {"name": "lake", "aws_role_arn": role_arn()}
    result = stack.up([integration("role", project_id=project, kind="aws-s3", config=config, adopt_id="987654")])
    assert not result.ok
    message = result.errors[0].message
    assert "adopt_id 987654" in message and "no integration 987654" in message and f"project {project}" in message
    assert ids(posthog_local, project) == set()


def test_adopting_an_integration_of_another_kind_fails(stack: Stack, project: int, posthog_local: LocalServer) -> None:
    existing = made_in_ui(posthog_local, project, "aws-s3", {"name": "lake", "aws_role_arn": role_arn()})
    config = {"server_hostname": "dbc-1.cloud.databricks.com", "client_id": "c", "client_secret": token("dbx")}
    result = stack.up(
        [
            integration(
                "dbx",
                secret_keys=["client_id", "client_secret"],
                project_id=project,
                kind="databricks",
                config=config,
                adopt_id=existing,
            )
        ]
    )
    assert not result.ok
    assert f"adopt_id {existing}" in result.errors[0].message and "'aws-s3'" in result.errors[0].message
    assert ids(posthog_local, project) == {existing}


def test_adopt_id_must_be_a_number(stack: Stack, project: int) -> None:
    config = {"name": "lake", "aws_role_arn": role_arn()}
    plan = stack.preview([integration("role", project_id=project, kind="aws-s3", config=config, adopt_id="lake")])
    assert [(e.property, e.reason) for e in plan.errors] == [
        ("adopt_id", "'lake' is not an integration id (a number).")
    ]


def test_adopting_an_upsert_integration_of_another_connection_fails_before_writing(
    stack: Stack, project: int, posthog_local: LocalServer
) -> None:
    user = token("pg-user")
    existing = made_in_ui(
        posthog_local, project, "postgresql", {"host": "db.example.com", "port": 5432, "user": user, "password": "pw"}
    )
    config = {"host": "db.example.com", "port": 5432, "user": "someone-else", "password": token("pg-password")}
    goals = [
        integration(
            "pg", secret_keys=["password"], project_id=project, kind="postgresql", config=config, adopt_id=existing
        )
    ]
    result = stack.up(goals)
    assert not result.ok
    message = result.errors[0].message
    assert f"adopt_id {existing}" in message and "another postgresql connection" in message, message
    assert stack.calls_to("/integrations/") == {"GET": 1}  # nothing sent
    assert ids(posthog_local, project) == {existing}
