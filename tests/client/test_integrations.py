"""Integrations (batch-export credentials) round-trip through the client against posthog-local."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from pulumi_posthog.client import NotFoundError, PostHogClient, ValidationError

from tests.client.conftest import new_org
from tests.conftest import LocalServer

MakeClient = Callable[..., PostHogClient]


def snowflake_config(name: str) -> dict[str, str]:
    return {"name": name, "account": "myorg-myaccount", "user": "POSTHOG_SVC", "password": "s3cret-pw"}


def gcp_config(email: str) -> dict[str, str]:
    return {
        "service_account_email": email,
        "project_id": "my-gcp-project",
        "private_key": "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n",
        "private_key_id": "kid",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def test_integration_lifecycle(any_profile: LocalServer, make_client: MakeClient) -> None:
    client = make_client(any_profile)
    _, project = new_org(any_profile)
    name = f"sf-{uuid.uuid4().hex[:6]}"

    created = client.create_integration(project, "snowflake", snowflake_config(name))
    integration_id = created["id"]
    assert isinstance(integration_id, int)
    assert created["kind"] == "snowflake"
    assert created["config"]["name"] == name
    assert "password" not in created["config"], "secrets are never returned"

    other = client.create_integration(
        project, "google-cloud-service-account", gcp_config("sa@p.iam.gserviceaccount.com")
    )

    assert client.get_integration(project, integration_id)["id"] == integration_id
    all_ids = {i["id"] for i in client.list_integrations(project)}
    assert {integration_id, other["id"]} <= all_ids
    only_snowflake = client.list_integrations(project, kind="snowflake")
    assert [i["id"] for i in only_snowflake] == [integration_id]

    with pytest.raises(ValidationError) as dup:
        client.create_integration(project, "snowflake", snowflake_config(name))
    assert "already exists" in (dup.value.detail or "")

    client.delete_integration(project, integration_id)
    with pytest.raises(NotFoundError):
        client.get_integration(project, integration_id)
    assert [i["id"] for i in client.list_integrations(project, kind="snowflake")] == []
