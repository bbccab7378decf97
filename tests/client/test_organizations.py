"""Organizations and the project lookup round-trip through the client against posthog-local (both profiles)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from pulumi_posthog.client import NotFoundError, PermissionDeniedError, PostHogClient, ValidationError

from tests.conftest import LocalServer

MakeClient = Callable[..., PostHogClient]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_organization_lifecycle(any_profile: LocalServer, make_client: MakeClient) -> None:
    client = make_client(any_profile)
    name = unique("client-org")

    created = client.create_organization({"name": name, "enforce_2fa": True})
    org_id = created["id"]
    assert created["name"] == name
    assert created["membership_level"] == 15
    assert created["enforce_2fa"] is True

    assert client.get_organization(org_id)["name"] == name
    assert client.get_organization("@current")["id"] == org_id, "creating switches @current to the new org"
    assert org_id in {o["id"] for o in client.list_organizations()}

    patched = client.update_organization(org_id, {"is_ai_data_processing_approved": True})
    assert patched["is_ai_data_processing_approved"] is True
    assert patched["name"] == name, "PATCH leaves other fields alone"

    replaced = client.replace_organization(org_id, {"name": name + "-put"})
    assert replaced["name"] == name + "-put"
    assert client.get_organization(org_id)["name"] == name + "-put"

    client.delete_organization(org_id)
    with pytest.raises(NotFoundError) as info:
        client.get_organization(org_id)
    assert info.value.status == 404 and not info.value.endpoint_missing
    assert org_id not in {o["id"] for o in client.list_organizations()}


def test_delete_of_a_missing_organization_raises_not_found(any_profile: LocalServer, make_client: MakeClient) -> None:
    client = make_client(any_profile)
    with pytest.raises(NotFoundError) as info:
        client.delete_organization(str(uuid.uuid4()))
    assert info.value.method == "DELETE" and info.value.attempts == 1


def test_validation_error_carries_posthogs_envelope(any_profile: LocalServer, make_client: MakeClient) -> None:
    client = make_client(any_profile)
    with pytest.raises(ValidationError) as info:
        client.create_organization({"name": "x" * 65})
    err = info.value
    assert (err.status, err.error_type, err.code, err.attr) == (400, "validation_error", "max_length", "name")
    assert err.detail == "Ensure this field has no more than 64 characters."
    assert str(err) == (
        "POST /api/organizations/ → 400 invalid input: name: Ensure this field has no more than 64 characters. "
        "Fix 'name' and try again."
    )


def test_project_lookup_names_the_organization(any_profile: LocalServer, make_client: MakeClient) -> None:
    client = make_client(any_profile)
    org = client.create_organization({"name": unique("lookup")})
    project_id = org["projects"][0]["id"]
    project = client.get_project(project_id)
    assert project["id"] == project_id
    assert project["organization"] == org["id"]
    with pytest.raises(NotFoundError):
        client.get_project(999_999)


def test_environments_rollback_with_a_legacy_key(any_profile: LocalServer, make_client: MakeClient) -> None:
    # PostHog accepts this action only from sessions or legacy (unscoped) keys.
    client = make_client(any_profile, any_profile.new_key(scopes=[]))
    org = client.create_organization({"name": unique("rollback")})
    team = org["teams"][0]["id"]
    result = client.environments_rollback(org["id"], {str(team): team})
    assert result == {"success": True, "message": "Migration started"}
    with pytest.raises(ValidationError) as again:
        client.environments_rollback(org["id"], {str(team): team})
    assert "already been requested" in (again.value.detail or "")


def test_environments_rollback_refused_for_scoped_keys(any_profile: LocalServer, make_client: MakeClient) -> None:
    client = make_client(any_profile)  # the bootstrap key has scope "*"
    org = client.create_organization({"name": unique("rollback-scoped")})
    team = org["teams"][0]["id"]
    with pytest.raises(PermissionDeniedError) as info:
        client.environments_rollback(org["id"], {str(team): team})
    assert info.value.missing_scope is None
    assert "signed-in session" in str(info.value)


def test_missing_scope_is_named_in_the_error(any_profile: LocalServer, make_client: MakeClient) -> None:
    client = make_client(any_profile, any_profile.new_key(scopes=["organization:read"]))
    assert client.get_organization("@current")["id"]
    with pytest.raises(PermissionDeniedError) as info:
        client.create_organization({"name": unique("no-scope")})
    err = info.value
    assert err.missing_scope == "organization:write"
    assert str(err) == (
        "POST /api/organizations/ → 403 permission denied: API key missing required scope "
        "'organization:write'. Give the personal API key the scope 'organization:write' "
        "(PostHog → Settings → Personal API keys)."
    )


def test_invalid_key_is_an_authentication_error(any_profile: LocalServer, make_client: MakeClient) -> None:
    wrong = "phx_" + uuid.uuid4().hex
    client = make_client(any_profile, wrong)
    with pytest.raises(Exception) as info:
        client.list_organizations()
    err: Any = info.value
    assert type(err).__name__ == "AuthenticationError"
    assert err.status == 401 and err.code == "authentication_failed"
    assert "Personal API key found in request Authorization header is invalid" in str(err)
    assert wrong not in str(err) and wrong not in repr(err)
