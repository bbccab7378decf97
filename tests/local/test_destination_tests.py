"""posthog-local's destination tests: ``…/batch_exports/test/``, ``run_test_step_new``, ``{id}/run_test_step``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.local.bx_helpers import S3_CONFIG, add_integration, body, error, exports_path

ROLE = "arn:aws:iam::123456789012:role/posthog-export"
STEP_NAMES = {
    "AwsS3": ["Ensure we can assume provided AWS role", "Check S3 bucket exists"],
    "S3Compatible": ["Check S3 bucket exists"],
    "BigQuery": [
        "Impersonate BigQuery service account",
        "Verify BigQuery service account ownership",
        "Verify BigQuery project",
        "Verify BigQuery dataset",
        "Verify BigQuery table",
    ],
    "Snowflake": [
        "Establish connection to Snowflake",
        "Verify Snowflake warehouse",
        "Verify Snowflake database",
        "Verify Snowflake schema",
    ],
    "Databricks": [
        "Establish connection to Databricks",
        "Verify Databricks catalog",
        "Verify Databricks schema",
        "Verify Databricks table",
        "Verify permissions to create a Databricks volume",
    ],
    "AzureBlob": ["Check Azure Blob container exists"],
}
MISSING_BUCKET = "Bucket 'my-bucket' does not exist or we don't have permissions to use it"


@pytest.fixture
def server(posthog_local: LocalServer) -> Iterator[LocalServer]:
    yield posthog_local
    posthog_local.control("PUT", "destination-tests", json={"fail": {}})


def action_path(server: LocalServer, action: str = "test") -> str:
    return exports_path(server.project) + f"{action}/"


def aws_destination(server: LocalServer, role: bool = True) -> dict[str, Any]:
    config = {"name": "exports", "aws_role_arn": ROLE} if role else {"name": "keys", "aws_account_id": "1"}
    integration = add_integration(server, server.project, "aws-s3", config, {} if role else {"secret": "x"})
    return {"type": "AwsS3", "config": dict(S3_CONFIG), "integration": integration}


def run(server: LocalServer, step: int, destination: dict[str, Any], key: str | None = None) -> Any:
    return server.api(
        "POST", action_path(server, "run_test_step_new"), key=key, json={**body(destination), "step": step}
    )


@pytest.mark.parametrize("type_", sorted(STEP_NAMES))
def test_each_destination_type_lists_its_steps_in_order_unrun(server: LocalServer, type_: str) -> None:
    response = server.api("GET", action_path(server), params={"destination": type_})
    assert response.status_code == 200, response.text
    steps = response.json()["steps"]
    assert [s["name"] for s in steps] == STEP_NAMES[type_]
    assert all(set(s) == {"name", "description", "result"} and s["result"] is None for s in steps)
    assert all(isinstance(s["description"], str) and s["description"] for s in steps)


def test_no_destination_is_400_and_a_type_without_a_test_is_404_with_empty_bodies(server: LocalServer) -> None:
    missing = server.api("GET", action_path(server))
    assert (missing.status_code, missing.content) == (400, b"")
    for type_ in ("Postgres", "Redshift", "HTTP", "S3", "Nope"):
        untested = server.api("GET", action_path(server), params={"destination": type_})
        assert (untested.status_code, untested.content) == (404, b""), type_


def test_every_step_passes_and_a_key_based_aws_integration_skips_the_role_step(server: LocalServer) -> None:
    role_based = aws_destination(server)
    for step in (0, 1):
        response = run(server, step, role_based)
        assert response.status_code == 200, response.text
        assert response.json() == {
            "name": STEP_NAMES["AwsS3"][step],
            "description": response.json()["description"],
            "result": {"status": "Passed", "message": None},
        }
    skipped = run(server, 0, aws_destination(server, role=False)).json()["result"]
    assert skipped == {"status": "Skipped", "message": "No configured AWS role ARN, skipping test"}


def test_failure_control_fails_the_last_step_or_the_one_named(server: LocalServer) -> None:
    destination = aws_destination(server)
    assert server.control("PUT", "destination-tests", json={"fail": {"AwsS3": MISSING_BUCKET}}) == {
        "fail": {"AwsS3": {"message": MISSING_BUCKET, "step": None}}
    }
    assert run(server, 0, destination).json()["result"] == {"status": "Passed", "message": None}
    failed = run(server, 1, destination)
    assert failed.status_code == 200, "a failed step is still a 200"
    assert failed.json()["result"] == {"status": "Failed", "message": MISSING_BUCKET}

    server.control("PUT", "destination-tests", json={"fail": {"AwsS3": {"step": 0, "message": "AccessDenied"}}})
    assert run(server, 0, destination).json()["result"] == {"status": "Failed", "message": "AccessDenied"}
    assert run(server, 1, destination).json()["result"]["status"] == "Passed"

    server.control("PUT", "destination-tests", json={"fail": {}})
    assert run(server, 0, destination).json()["result"]["status"] == "Passed"


def test_failure_control_refuses_unknown_types_and_bad_specs(server: LocalServer) -> None:
    for fail in ({"Postgres": "x"}, {"AwsS3": 3}, {"AwsS3": {"step": -1, "message": "x"}}, ["AwsS3"]):
        response = server.api("PUT", "/_local/destination-tests", json={"fail": fail})
        assert response.status_code == 400, fail
        assert response.json()["attr"] == "fail"


def test_the_body_is_validated_as_a_create_and_bad_steps_are_server_errors(server: LocalServer) -> None:
    destination = aws_destination(server)
    no_name = {k: v for k, v in body(destination).items() if k != "name"}
    response = server.api("POST", action_path(server, "run_test_step_new"), json=no_name)
    error(response, 400, "This field is required.", "name")
    assert run(server, 2, destination).status_code == 500, "PostHog's self.steps[step]: an IndexError"
    assert run(server, -1, destination).json()["name"] == "Check S3 bucket exists", "Python indexing"
    no_test = {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": "phc_x"}}
    assert run(server, 0, no_test).status_code == 500, "get_destination_test's ValueError"


def test_an_existing_export_is_tested_with_its_stored_config_under_the_body(server: LocalServer) -> None:
    destination = aws_destination(server)
    created = server.api("POST", exports_path(server.project), json=body(destination))
    assert created.status_code == 201, created.text
    path = exports_path(server.project) + f"{created.json()['id']}/run_test_step/"
    sparse = {**body({**destination, "config": {}}), "step": 1}
    assert server.api("POST", path, json=sparse).json()["result"]["status"] == "Passed", "bucket from the export"
    server.control("PUT", "destination-tests", json={"fail": {"AwsS3": MISSING_BUCKET}})
    assert server.api("POST", path, json=sparse).json()["result"] == {"status": "Failed", "message": MISSING_BUCKET}
    no_config = {**body({"type": "AwsS3", "integration": destination["integration"]}), "step": 1}
    assert server.api("POST", path, json=no_config).status_code == 500, "PostHog indexes destination['config']"


def test_scopes_read_lists_and_write_runs(server: LocalServer) -> None:
    destination = aws_destination(server)
    reader = server.new_key(["batch_export:read"])
    writer = server.new_key(["batch_export:write"])
    described = server.api("GET", action_path(server), key=reader, params={"destination": "AwsS3"})
    assert described.status_code == 200
    error(run(server, 0, destination, key=reader), 403, "API key missing required scope 'batch_export:write'")
    assert run(server, 0, destination, key=writer).status_code == 200
    other = server.new_key(["integration:read"])
    refused = server.api("GET", action_path(server), key=other, params={"destination": "AwsS3"})
    error(refused, 403, "API key missing required scope 'batch_export:read'")


def test_2025_needs_a_star_key_and_tests_the_legacy_s3_type(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    path = exports_path(server.project) + "test/"
    scoped = server.new_key(["batch_export:write"])
    refused = server.api("GET", path, key=scoped, params={"destination": "S3"})
    error(refused, 403, "API key missing required scope 'INTERNAL'")
    listed = server.api("GET", path, params={"destination": "S3"})
    assert [s["name"] for s in listed.json()["steps"]] == ["Check S3 bucket exists"]
    assert server.api("GET", path, params={"destination": "AwsS3"}).status_code == 404
    inline = {"type": "S3", "config": {**S3_CONFIG, "aws_access_key_id": "AKIA", "aws_secret_access_key": "s"}}
    ran = server.api("POST", exports_path(server.project) + "run_test_step_new/", json={**body(inline), "step": 0})
    assert ran.status_code == 200, ran.text
    assert ran.json()["result"] == {"status": "Passed", "message": None}
