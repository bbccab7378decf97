"""BatchExport ``verify_destination``: PostHog's destination test runs before a create or a destination change, a
failed step stops the write with PostHog's message, and nothing else (or a preview) calls the test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.resources.conftest import Stack, batch_export

MISSING_BUCKET = "Bucket 'lake' does not exist or we don't have permissions to use it"
TEST_PATHS = ("/batch_exports/test", "/run_test_step")


@pytest.fixture
def server(posthog_local: LocalServer) -> Iterator[LocalServer]:
    yield posthog_local
    posthog_local.control("PUT", "destination-tests", json={"fail": {}})


def fail(server: LocalServer, type_: str = "AwsS3", message: str = MISSING_BUCKET) -> None:
    server.control("PUT", "destination-tests", json={"fail": {type_: message}})


def key_integration(server: LocalServer, project: int, name: str = "keys") -> int:
    config = {"name": f"{name}-{project}", "aws_access_key_id": "AKIA", "aws_secret_access_key": "s3cr3t-value"}
    created = server.api("POST", f"/api/projects/{project}/integrations/", json={"kind": "aws-s3", "config": config})
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def export(project: int, integration: int, bucket: str = "lake", **inputs: Any) -> Any:
    destination = {
        "type": "AwsS3",
        "config": {"bucket_name": bucket, "region": "us-east-1", "prefix": "events/"},
        "integration_id": integration,
    }
    base = {"project_id": project, "name": "verified", "interval": "hour", "destination": destination}
    return batch_export("export", **{**base, **inputs})


def verify_calls(stack: Stack) -> list[tuple[str, str]]:
    return [(method, path) for method, path, _ in stack.requests if any(p in path for p in TEST_PATHS)]


def writes(stack: Stack) -> list[tuple[str, str]]:
    return [
        (method, path)
        for method, path, _ in stack.requests
        if method in ("POST", "PATCH", "PUT") and not any(p in path for p in TEST_PATHS)
    ]


def exports_of(server: LocalServer, project: int) -> list[dict[str, Any]]:
    return server.api("GET", f"/api/projects/{project}/batch_exports/").json()["results"]


def test_a_failed_step_stops_the_create_with_posthogs_message(stack: Stack, server: LocalServer) -> None:
    project = server.new_project()
    integration = key_integration(server, project)
    fail(server)
    assert stack.preview([export(project, integration, verify_destination=True)]).ops() == {"export": "create"}
    result = stack.up([export(project, integration, verify_destination=True)])
    assert not result.ok
    message = result.errors[0].summary
    assert "creating BatchExport 'verified' failed (property destination)" in message
    assert "step 2 of 2 of PostHog's AwsS3 destination test, 'Check S3 bucket exists', failed" in message
    assert MISSING_BUCKET in message
    assert "verify_destination=False" in message
    assert writes(stack) == [], "nothing was created"
    assert exports_of(server, project) == []


def test_a_passing_test_lets_the_create_through_after_every_step(stack: Stack, server: LocalServer) -> None:
    project = server.new_project()
    integration = key_integration(server, project)
    stack.up([export(project, integration, verify_destination=True)]).expect_ok()
    base = f"/api/projects/{project}/batch_exports/"
    assert verify_calls(stack) == [
        ("GET", base + "test/"),
        ("POST", base + "run_test_step_new/"),  # step 0 (Skipped: key-based) and step 1
        ("POST", base + "run_test_step_new/"),
    ]
    assert writes(stack) == [("POST", base)]
    (created,) = exports_of(server, project)
    assert created["id"] == stack.id("export")
    assert stack.outputs("export")["verify_destination"] is True
    assert stack.preview([export(project, integration, verify_destination=True)]).ops() == {"export": "same"}


def test_flag_unset_makes_no_test_call(stack: Stack, server: LocalServer) -> None:
    project = server.new_project()
    integration = key_integration(server, project)
    fail(server)  # would stop the write if a test ran
    stack.up([export(project, integration)]).expect_ok()
    assert verify_calls(stack) == []
    stack.up([export(project, integration, bucket="other")]).expect_ok()
    assert verify_calls(stack) == [] and stack.calls == {"PATCH": 1}


def test_an_unchanged_destination_makes_no_test_call(stack: Stack, server: LocalServer) -> None:
    project = server.new_project()
    integration = key_integration(server, project)
    stack.up([export(project, integration, verify_destination=True)]).expect_ok()
    fail(server)
    renamed = export(project, integration, name="renamed", verify_destination=True)
    stack.preview([renamed])  # asserts no API call
    stack.up([renamed]).expect_ok()
    assert verify_calls(stack) == []
    assert stack.calls == {"PATCH": 1}
    assert exports_of(server, project)[0]["name"] == "renamed"


def test_an_update_that_changes_the_bucket_reruns_the_tests(stack: Stack, server: LocalServer) -> None:
    project = server.new_project()
    integration = key_integration(server, project)
    stack.up([export(project, integration, verify_destination=True)]).expect_ok()
    fail(server, message="Bucket 'elsewhere' does not exist or we don't have permissions to use it")
    moved = export(project, integration, bucket="elsewhere", verify_destination=True)
    result = stack.up([moved])
    assert not result.ok
    message = result.errors[0].summary
    assert f"updating BatchExport 'verified' ({stack.id('export')}) failed (property destination)" in message
    assert "'Check S3 bucket exists', failed: Bucket 'elsewhere' does not exist" in message
    assert writes(stack) == [], "nothing was changed"
    assert exports_of(server, project)[0]["destination"]["config"]["bucket_name"] == "lake"

    server.control("PUT", "destination-tests", json={"fail": {}})
    stack.up([moved]).expect_ok()
    assert [method for method, _ in verify_calls(stack)] == ["GET", "POST", "POST"]
    assert exports_of(server, project)[0]["destination"]["config"]["bucket_name"] == "elsewhere"


def test_a_new_integration_reruns_the_tests(stack: Stack, server: LocalServer) -> None:
    project = server.new_project()
    first = key_integration(server, project, "first")
    stack.up([export(project, first, verify_destination=True)]).expect_ok()
    second = key_integration(server, project, "second")
    fail(server, message="We couldn't access bucket 'lake'.")
    result = stack.up([export(project, second, verify_destination=True)])
    assert not result.ok and "We couldn't access bucket 'lake'." in result.errors[0].summary
    assert exports_of(server, project)[0]["destination"]["integration"] == first


def test_a_destination_without_a_test_is_written_untested(stack: Stack, server: LocalServer) -> None:
    project = server.new_project()
    http = {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": "phc_untested_12345"}}
    goal = batch_export(
        "export",
        secret_keys=("token",),
        project_id=project,
        name="untested",
        interval="hour",
        destination=http,
        verify_destination=True,
    )
    stack.up([goal]).expect_ok()
    assert [method for method, _ in verify_calls(stack)] == ["GET"]
    assert len(exports_of(server, project)) == 1


def test_a_refused_test_stops_the_write_and_says_what_to_do(stack: Stack, server: LocalServer, make_stack: Any) -> None:
    project = server.new_project()
    integration = key_integration(server, project)
    reader = server.new_key(["batch_export:read", "integration:read"])
    limited = make_stack(server, api_key=reader)
    result = limited.up([export(project, integration, verify_destination=True)])
    assert not result.ok
    message = result.errors[0].summary
    assert "PostHog did not run the destination test" in message
    assert "API key missing required scope 'batch_export:write'" in message
    assert "verify_destination=False" in message
    assert writes(limited) == []


def test_2025_tests_the_legacy_s3_type_with_a_star_key(stack_2025: Stack, posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    project = server.new_project()
    keys = {"aws_access_key_id": "AKIA2025", "aws_secret_access_key": "s3cr3t-2025-value"}
    destination = {"type": "S3", "config": {"bucket_name": "lake", "region": "us-east-1", "prefix": "p/", **keys}}
    goal = batch_export(
        "export",
        secret_keys=tuple(keys),
        project_id=project,
        name="legacy",
        interval="hour",
        destination=destination,
        allow_legacy_s3=True,
        verify_destination=True,
    )
    server.control("PUT", "destination-tests", json={"fail": {"S3": MISSING_BUCKET}})
    try:
        result = stack_2025.up([goal])
        assert not result.ok
        assert "step 1 of 1 of PostHog's S3 destination test, 'Check S3 bucket exists'" in result.errors[0].summary
        assert exports_of(server, project) == []
    finally:
        server.control("PUT", "destination-tests", json={"fail": {}})
    stack_2025.up([goal]).expect_ok()
    assert [method for method, _ in verify_calls(stack_2025)] == ["GET", "POST"]
