"""Writes PostHog refuses only "not yet": a new AWS role IAM has not propagated, a new database host DNS does not
resolve. The provider waits (bounded) and then reports PostHog's message with what to check; one object results."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.resources.conftest import Stack, batch_export, integration

S3 = {"bucket_name": "landing", "region": "us-east-1", "prefix": "events/"}


def role_arn() -> str:
    return f"arn:aws:iam::{''.join(random.choices('0123456789', k=12))}:role/pp-{uuid.uuid4().hex[:8]}"


@contextmanager
def control(server: LocalServer, path: str, **settings: Any) -> Iterator[None]:
    before = server.control("GET", path)
    server.control("PUT", path, json=settings)
    try:
        yield
    finally:
        server.control("PUT", path, json=before)


def integrations(server: LocalServer, project: int, kind: str) -> list[dict[str, Any]]:
    return server.api("GET", f"/api/projects/{project}/integrations/", params={"kind": kind}).json()["results"]


def role_program(project: int, arn: str) -> Any:
    def run(register: Any) -> None:
        role = register(
            integration("role", project_id=project, kind="aws-s3", config={"name": "lake", "aws_role_arn": arn})
        )
        destination = {"type": "AwsS3", "config": dict(S3), "integration_id": role.id}
        register(batch_export("export", project_id=project, name="to-s3", interval="hour", destination=destination))

    return run


@pytest.mark.usefixtures("short_waits")
def test_a_new_role_is_waited_for_and_created_once(
    stack: Stack, project: int, capsys: pytest.CaptureFixture[str]
) -> None:
    server = stack.server
    with control(server, "aws", assume_role_fails_for_seconds=0.7):
        result = stack.up(role_program(project, role_arn()))
    result.expect_ok()
    assert len(integrations(server, project, "aws-s3")) == 1
    posts = [s for m, p, s in stack.requests if m == "POST" and p.endswith("/integrations/")]
    assert posts[0] == 400 and posts[-1] == 201 and len(posts) >= 2
    assert "cannot assume AWS role" in capsys.readouterr().err
    assert stack.outputs("export")["destination"]["integration_id"] == int(stack.id("role"))


@pytest.mark.usefixtures("short_waits")
def test_a_role_that_never_works_fails_with_posthogs_message_and_the_trust_policy_hint(
    stack: Stack, project: int
) -> None:
    server = stack.server
    arn = role_arn()
    with control(server, "aws", assume_role_fails_for_seconds=60):
        result = stack.up(role_program(project, arn))
    assert not result.ok
    message = result.errors[0].summary
    organization = server.api("GET", f"/api/projects/{project}/").json()["organization"]
    assert "creating Integration failed (property config.aws_role_arn)" in message
    assert "AWS role ARN is not valid" in message  # PostHog's words
    assert f"sts:ExternalId = 'posthog-{organization}'" in message and "trust policy" in message
    assert integrations(server, project, "aws-s3") == []  # no integration, and the export was never tried
    assert not [p for m, p, _ in stack.requests if m == "POST" and "batch_exports" in p]


def test_a_refused_role_format_is_not_waited_for(stack: Stack, project: int) -> None:
    """Only the assume-role failure of a well-formed ARN may pass: check refuses a malformed one offline."""
    result = stack.up(
        [
            integration(
                "role", project_id=project, kind="aws-s3", config={"name": "x", "aws_role_arn": "arn:aws:iam::1:role/x"}
            )
        ]
    )
    assert not result.ok and stack.calls == {}


@pytest.mark.usefixtures("short_waits")
def test_a_new_database_host_is_waited_for(stack: Stack, project: int, capsys: pytest.CaptureFixture[str]) -> None:
    server = stack.server
    host = f"db-{uuid.uuid4().hex[:8]}.example.com"
    config = {"host": host, "port": 5432, "user": "posthog", "password": "pw-secret-1"}
    program = [integration("pg", project_id=project, kind="postgresql", config=config, secret_keys=("password",))]
    with control(server, "dns", unresolvable=[host]):
        failed = stack.up(program)
    message = failed.errors[0].summary
    assert "(property config.host)" in message and f"Provided host '{host}' is not valid" in message
    assert "resolves to a public address" in message
    assert "cannot resolve host" in capsys.readouterr().err
    assert integrations(server, project, "postgresql") == []
    # once the name resolves, the next `pulumi up` succeeds at once
    stack.up(program).expect_ok()
    assert stack.calls_to("/integrations/") == {"POST": 1}


@pytest.mark.usefixtures("short_waits")
def test_an_export_host_that_does_not_resolve_names_the_property(stack: Stack, project: int) -> None:
    server = stack.server
    host = f"rs-{uuid.uuid4().hex[:8]}.example.com"

    def program(register: Any) -> None:
        role = register(
            integration(
                "rs",
                project_id=project,
                kind="aws-redshift",
                config={"name": "rs", "aws_role_arn": role_arn(), "user": "u"},
            )
        )
        destination = {"type": "Redshift", "config": {"database": "dev", "host": host}, "integration_id": role.id}
        register(batch_export("export", project_id=project, name="to-rs", interval="hour", destination=destination))

    with control(server, "dns", unresolvable=[host]):
        failed = stack.up(program)
    message = failed.errors[0].summary
    assert "creating BatchExport 'to-rs' failed (property destination.config.host)" in message
    assert "Could not reach this host." in message and f"'{host}'" in message
    exports = server.api("GET", f"/api/projects/{project}/batch_exports/").json()["results"]
    assert exports == []
    stack.up(program).expect_ok()
    assert len(server.api("GET", f"/api/projects/{project}/batch_exports/").json()["results"]) == 1


def test_internal_hosts_are_not_waited_for(stack: Stack, project: int) -> None:
    config = {"host": "db.internal", "port": 5432, "user": "posthog", "password": "pw-secret-2"}
    result = stack.up(
        [integration("pg", project_id=project, kind="postgresql", config=config, secret_keys=("password",))]
    )
    assert "Provided host 'db.internal' is not valid" in result.errors[0].summary
    assert stack.calls_to("/integrations/") == {"POST": 1}
