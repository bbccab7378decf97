"""Timing PostHog meets in the wild, as /_local/ controls: IAM roles that have not propagated, hosts not in DNS."""

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


UNREACHABLE = "Could not reach this host. Check that the hostname is correct and reachable from the internet."
INVALID_HOST = "Invalid host. Enter a hostname or IP address without credentials, scheme, or path."


def redshift_export(server: LocalServer, project: int, host: str) -> Any:
    role = {"name": uniq(), "aws_role_arn": role_arn(), "user": "posthog"}
    integration = created(server, project, "aws-redshift", role)["id"]
    destination = {"type": "Redshift", "config": {"database": "dev", "host": host}, "integration": integration}
    body = {"name": uniq("rs"), "interval": "hour", "destination": destination}
    return server.api("POST", f"/api/projects/{project}/batch_exports/", json=body)


def test_unresolvable_hosts_are_refused_where_posthog_resolves_them(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    new_host = f"{uniq('db')}.example.com"
    with control(server, "dns", unresolvable=[new_host.upper(), "new-bucket.example.net"]):
        assert server.control("GET", "dns") == {"unresolvable": sorted([new_host, "new-bucket.example.net"])}
        # a postgresql integration: PostHog's resolve_and_validate_host
        config = {"host": new_host, "port": 5432, "user": "u", "password": "p"}
        assert_error(create(server, project, "postgresql", config), 400, f"Provided host '{new_host}' is not valid")
        # an export host: validate_external_host, one message for every refusal but a shape error
        response = redshift_export(server, project, new_host)
        assert_error(response, 400, UNREACHABLE, "destination")
        # an integration endpoint URL: is_url_allowed
        s3 = {
            "name": uniq(),
            "endpoint_url": "https://new-bucket.example.net",
            "aws_access_key_id": "AKIA",
            "aws_secret_access_key": "s",
        }
        assert_error(create(server, project, "s3-compatible", s3), 400, "Invalid endpoint URL: Could not resolve host")
    # once the name resolves, the same requests succeed
    assert created(server, project, "postgresql", config)["config"]["host"] == new_host
    assert redshift_export(server, project, new_host).status_code == 201
    created(server, project, "s3-compatible", s3)


def test_export_host_shape_and_blocked_names(posthog_local: LocalServer, project: int) -> None:
    server = posthog_local
    assert_error(redshift_export(server, project, "user@db.example.com"), 400, INVALID_HOST, "destination")
    assert_error(redshift_export(server, project, "localhost"), 400, UNREACHABLE, "destination")
    assert_error(redshift_export(server, project, "10.0.0.8"), 400, UNREACHABLE, "destination")
    assert redshift_export(server, project, "52.94.10.20").status_code == 201


def test_bad_dns_settings_are_refused(posthog_local: LocalServer) -> None:
    response = posthog_local.api("PUT", "/_local/dns", json={"unresolvable": "db.example.com"})
    assert response.status_code == 400
    assert response.json()["attr"] == "unresolvable"
