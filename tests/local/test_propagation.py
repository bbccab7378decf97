"""Timing PostHog meets in the wild, as /_local/ controls: IAM roles that have not propagated yet."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.local.test_integrations import assert_error, create, created, uniq
from tests.local.test_integrations_kinds import role_arn

NOT_VALID = "AWS role ARN is not valid"


@contextmanager
def control(server: LocalServer, path: str, **settings: Any) -> Iterator[None]:
    """Change a /_local/ setting for one test, then restore it."""
    before = server.control("GET", path)
    server.control("PUT", path, json=settings)
    try:
        yield
    finally:
        server.control("PUT", path, json=before)


@pytest.fixture
def project(posthog_local: LocalServer) -> int:
    return posthog_local.new_project()


@pytest.mark.parametrize(("kind", "extra"), [("aws-s3", {}), ("aws-redshift", {"user": "posthog"})])
def test_a_new_role_fails_until_the_window_passes(
    posthog_local: LocalServer, project: int, kind: str, extra: dict[str, str]
) -> None:
    server = posthog_local
    arn = role_arn()
    config = {"name": uniq(), "aws_role_arn": arn, **extra}
    with control(server, "aws", assume_role_fails_for_seconds=0.6):
        assert server.control("GET", "aws") == {"assume_role_fails_for_seconds": 0.6}
        response = create(server, project, kind, config)
        assert_error(response, 400, NOT_VALID, code="invalid_input")
        assert create(server, project, kind, config).status_code == 400  # a retry inside the window fails too
        time.sleep(0.7)
        body = created(server, project, kind, config)
        assert body["config"]["aws_role_arn"] == arn
    listed = server.api("GET", f"/api/projects/{project}/integrations/", params={"kind": kind}).json()
    assert [i["id"] for i in listed["results"]] == [body["id"]]  # the failed attempts created nothing


def test_the_window_is_per_role_and_zero_turns_it_off(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    first, second = role_arn(), role_arn()
    with control(server, "aws", assume_role_fails_for_seconds=0.5):
        assert create(server, project, "aws-s3", {"name": uniq(), "aws_role_arn": first}).status_code == 400
        time.sleep(0.6)
        created(server, project, "aws-s3", {"name": uniq(), "aws_role_arn": first})
        second_response = create(server, project, "aws-s3", {"name": uniq(), "aws_role_arn": second})
        assert_error(second_response, 400, NOT_VALID)
    created(server, project, "aws-s3", {"name": uniq(), "aws_role_arn": role_arn()})  # 0: off


def test_the_format_check_comes_first_and_keys_are_not_delayed(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    with control(server, "aws", assume_role_fails_for_seconds=30):
        response = create(server, project, "aws-s3", {"name": uniq(), "aws_role_arn": "arn:aws:iam::1:role/x"})
        assert_error(response, 400, NOT_VALID)
        keys = {"name": uniq(), "aws_access_key_id": "AKIA", "aws_secret_access_key": "s"}
        created(server, project, "aws-s3", keys)


def test_bad_aws_settings_are_refused(posthog_local: LocalServer) -> None:
    response = posthog_local.api("PUT", "/_local/aws", json={"assume_role_fails_for_seconds": "soon"})
    assert response.status_code == 400
    assert response.json()["attr"] == "assume_role_fails_for_seconds"
