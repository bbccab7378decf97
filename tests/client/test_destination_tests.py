"""The client's destination-test calls against posthog-local: describe, run a step for a body or an export."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pulumi_posthog.client import PostHogClient
from pulumi_posthog.client.errors import EndpointNotFoundError

from tests.client.conftest import ENDPOINT_NOT_FOUND, ScriptedServer
from tests.conftest import LocalServer
from tests.local.bx_helpers import S3_CONFIG, add_integration

MakeClient = Callable[..., PostHogClient]
MISSING_BUCKET = "Bucket 'my-bucket' does not exist or we don't have permissions to use it"


@pytest.fixture
def server(posthog_local: LocalServer) -> Iterator[LocalServer]:
    yield posthog_local
    posthog_local.control("PUT", "destination-tests", json={"fail": {}})


def s3_body(server: LocalServer) -> dict[str, Any]:
    integration = add_integration(server, server.project, "aws-s3", {"name": "k", "aws_account_id": "1"})
    destination = {"type": "AwsS3", "config": dict(S3_CONFIG), "integration_id": integration}
    return {"name": "tested", "interval": "hour", "destination": destination}


def test_describe_lists_the_steps_and_is_none_for_a_type_without_a_test(
    server: LocalServer, make_client: MakeClient
) -> None:
    client = make_client(server)
    described = client.describe_destination_test(server.project, "AwsS3")
    assert described is not None
    assert [s["name"] for s in described["steps"]] == [
        "Ensure we can assume provided AWS role",
        "Check S3 bucket exists",
    ]
    assert client.describe_destination_test(server.project, "Postgres") is None


def test_describe_on_a_posthog_without_the_route_raises(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient
) -> None:
    old = scripted()
    old.replies = [ENDPOINT_NOT_FOUND]
    with pytest.raises(EndpointNotFoundError) as raised:
        make_client(old.url).describe_destination_test(1, "AwsS3")
    assert raised.value.endpoint_missing


def test_run_step_for_a_body_and_for_an_export(server: LocalServer, make_client: MakeClient) -> None:
    client = make_client(server)
    body = s3_body(server)
    skipped = client.run_destination_test_step(server.project, body, 0)
    assert skipped["result"]["status"] == "Skipped"
    assert client.run_destination_test_step(server.project, body, 1)["result"] == {"status": "Passed", "message": None}

    export = client.create_batch_export(server.project, body)
    server.control("PUT", "destination-tests", json={"fail": {"AwsS3": MISSING_BUCKET}})
    sparse = {**body, "destination": {**body["destination"], "config": {}}}
    result = client.run_batch_export_test_step(server.project, export["id"], sparse, 1)
    assert result["name"] == "Check S3 bucket exists"
    assert result["result"] == {"status": "Failed", "message": MISSING_BUCKET}
