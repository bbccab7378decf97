"""A posthog.Integration passed as ``integration_id`` is checked for the right kind at preview, offline."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_posthog as posthog
import pytest

from tests.conftest import LocalServer
from tests.harness import MiniEngine, ProgramRunner, Secret

POSTGRES = {"host": "db.example.com", "port": 5432, "user": "posthog", "password": "pg-secret-123"}
ROLE = {"name": "lake", "aws_role_arn": "arn:aws:iam::123456789012:role/posthog"}


def program(project: int, kind: str, config: dict[str, object]) -> Callable[[], None]:
    def run() -> None:
        integration = posthog.Integration("creds", project_id=project, kind=kind, config=config)
        export = posthog.BatchExport(
            "export",
            project_id=project,
            name="to s3",
            interval="hour",
            destination=posthog.destinations.AwsS3(
                bucket_name="bucket", region="us-east-1", prefix="p/", integration_id=integration
            ),
        )
        pulumi.export("integration", export.destination.apply(lambda d: d.get("integration_id")))

    return run


@pytest.fixture
def runner(posthog_local: LocalServer) -> ProgramRunner:
    return ProgramRunner(
        MiniEngine({"posthog:host": posthog_local.url, "posthog:apiKey": Secret(posthog_local.api_key)})
    )


def test_wrong_kind_fails_the_preview_with_posthogs_message_and_no_write(
    runner: ProgramRunner, posthog_local: LocalServer
) -> None:
    project = posthog_local.new_project()
    posthog_local.control("DELETE", "requests")
    run = runner.preview(program(project, "postgresql", POSTGRES))
    assert not run.ok
    failures = [e for e in run.result.errors if e.property == "destination"]
    assert failures, run.result.errors
    assert "Integration provided is not an AWS S3 integration (got kind='postgresql')" in failures[0].reason
    assert posthog_local.requests_seen()["counts"].get("total", 0) == 0


def test_right_kind_sends_the_integration_id(runner: ProgramRunner, posthog_local: LocalServer) -> None:
    project = posthog_local.new_project()
    up = runner.up(program(project, "aws-s3", ROLE)).expect_ok()
    integration_id = runner.engine.resource("creds").id
    assert int(up.exports["integration"].value) == int(integration_id)  # numbers cross as doubles
    assert runner.engine.resource("export").plain_inputs["integration_kind"] == "aws-s3"
    again = runner.up(program(project, "aws-s3", ROLE)).expect_ok()
    assert set(again.result.ops().values()) == {"same"}
