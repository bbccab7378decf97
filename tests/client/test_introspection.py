"""Who the key is and an organization's projects, through the client (both profiles)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pulumi_posthog.client import PermissionDeniedError, PostHogClient

from tests.client.conftest import new_org
from tests.conftest import LocalServer

MakeClient = Callable[..., PostHogClient]


def test_current_key_and_user(any_profile: LocalServer, make_client: MakeClient) -> None:
    key = any_profile.new_key(scopes=["user:read", "project:read"], label="introspect")
    client = make_client(any_profile, key)
    current = client.get_current_personal_api_key()
    assert (current["label"], current["scopes"], current["value"]) == (
        "introspect",
        ["user:read", "project:read"],
        None,
    )
    me = client.get_current_user()
    assert me["email"] == "local@posthog-local.dev" and me["organization"]["id"]
    narrow = make_client(any_profile, any_profile.new_key(scopes=["project:read"]))
    assert narrow.get_current_personal_api_key()["scopes"] == ["project:read"]  # any key may read itself
    with pytest.raises(PermissionDeniedError) as info:
        narrow.get_current_user()
    assert "user:read" in str(info.value)


def test_organization_projects(any_profile: LocalServer, make_client: MakeClient) -> None:
    client = make_client(any_profile)
    org_id, project = new_org(any_profile, "client-projects org")
    assert [p["id"] for p in client.list_organization_projects(org_id)] == [project]
    created = client.create_organization_project(org_id, {"name": "Second"})
    assert created["name"] == "Second" and created["organization"] == org_id and created["api_token"]
    assert [p["id"] for p in client.list_organization_projects(org_id)] == [project, created["id"]]
    assert client.get_project(created["id"])["uuid"] == created["uuid"]
