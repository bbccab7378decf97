"""Integrations API on posthog-local: response shape, list, filter, pagination, retrieve, 405, scopes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from tests.conftest import LocalServer

FIELDS = {
    "id",
    "kind",
    "config",
    "created_at",
    "created_by",
    "errors",
    "display_name",
    "files_write_requestable",
    "installation_shared",
    "installation_status",
}
USER_FIELDS = {
    "id",
    "uuid",
    "distinct_id",
    "first_name",
    "last_name",
    "email",
    "is_email_verified",
    "hedgehog_config",
    "role_at_organization",
}


def integrations_path(project: int, suffix: str = "") -> str:
    return f"/api/projects/{project}/integrations/{suffix}"


def uniq(prefix: str = "it") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def postgres_config(**overrides: Any) -> dict[str, Any]:
    config = {"host": f"{uniq('db')}.example.com", "port": 5432, "user": "posthog", "password": "pw-1"}
    config.update(overrides)
    return config


def create(server: LocalServer, project: int, kind: str, config: Any, key: str | None = None) -> requests.Response:
    return server.api("POST", integrations_path(project), key=key, json={"kind": kind, "config": config})


def created(server: LocalServer, project: int, kind: str, config: Any, key: str | None = None) -> dict[str, Any]:
    response = create(server, project, kind, config, key=key)
    assert response.status_code == 201, response.text
    return response.json()


def assert_error(
    response: requests.Response, status: int, detail: str, attr: str | None = None, code: str | None = None
) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["detail"] == detail, body
    assert body["attr"] == attr, body
    if code is not None:
        assert body["code"] == code, body


@pytest.fixture
def project(posthog_local: LocalServer) -> int:
    """A fresh project in the bootstrap organization, so lists and counts are this test's own."""
    return posthog_local.new_project()


class TestResponseShape:
    def test_create_returns_posthogs_fields_only(self, posthog_local: LocalServer, project: int) -> None:
        body = created(posthog_local, project, "postgresql", postgres_config())
        assert set(body) == FIELDS
        assert isinstance(body["id"], int)
        assert body["kind"] == "postgresql"
        assert body["errors"] == ""
        assert body["files_write_requestable"] is False
        assert body["installation_shared"] is None
        assert body["installation_status"] is None
        assert body["created_at"].endswith("Z")
        assert set(body["created_by"]) == USER_FIELDS

    def test_created_by_is_the_caller(self, posthog_local: LocalServer, project: int) -> None:
        user_id = posthog_local.new_user(level="member")
        key = posthog_local.new_key(user_id=user_id)
        body = created(posthog_local, project, "postgresql", postgres_config(), key=key)
        assert body["created_by"]["id"] == user_id

    def test_trailing_slash_is_optional(self, posthog_local: LocalServer, project: int) -> None:
        response = posthog_local.api(
            "POST",
            f"/api/projects/{project}/integrations",
            json={"kind": "postgresql", "config": postgres_config()},
        )
        assert response.status_code == 201, response.text
        listed = posthog_local.api("GET", f"/api/projects/{project}/integrations")
        assert listed.status_code == 200
        assert [r["id"] for r in listed.json()["results"]] == [response.json()["id"]]

    def test_environments_alias(self, posthog_local: LocalServer, project: int) -> None:
        body = created(posthog_local, project, "postgresql", postgres_config())
        response = posthog_local.api("GET", f"/api/environments/{project}/integrations/{body['id']}/")
        assert response.status_code == 200
        assert response.json() == body

    def test_same_in_both_profiles(self, any_profile: LocalServer) -> None:
        project = any_profile.new_project()
        config = {"server_hostname": "dbc-1.cloud.databricks.com", "client_id": "c", "client_secret": "s"}
        body = created(any_profile, project, "databricks", config)
        assert body["config"] == {"server_hostname": "dbc-1.cloud.databricks.com"}
        listed = any_profile.api("GET", integrations_path(project)).json()
        assert listed["count"] == 1
        assert listed["results"][0] == body


class TestCreateBody:
    def test_unknown_kind_is_a_choice_error(self, posthog_local: LocalServer, project: int) -> None:
        response = create(posthog_local, project, "x", {})
        assert_error(response, 400, '"x" is not a valid choice.', attr="kind", code="invalid_choice")

    @pytest.mark.parametrize("kind", ["slack", "github", "vercel"])
    def test_real_kind_outside_the_eight_is_not_supported(
        self, posthog_local: LocalServer, project: int, kind: str
    ) -> None:
        assert_error(create(posthog_local, project, kind, {}), 400, "Kind not supported", code="invalid_input")

    @pytest.mark.parametrize("kind", ["google-pubsub", "google-cloud-storage"])
    def test_key_file_kinds_need_a_multipart_upload(self, posthog_local: LocalServer, project: int, kind: str) -> None:
        assert_error(create(posthog_local, project, kind, {}), 400, "Key file not provided")

    def test_deprecated_kind(self, posthog_local: LocalServer, project: int) -> None:
        response = create(posthog_local, project, "slack-posthog-code", {})
        detail = "This integration kind is deprecated and can no longer be created."
        assert_error(response, 400, detail, attr="kind")

    def test_kind_is_required(self, posthog_local: LocalServer, project: int) -> None:
        response = posthog_local.api("POST", integrations_path(project), json={"config": {}})
        assert_error(response, 400, "This field is required.", attr="kind", code="required")

    def test_config_may_not_be_null(self, posthog_local: LocalServer, project: int) -> None:
        response = create(posthog_local, project, "postgresql", None)
        assert_error(response, 400, "This field may not be null.", attr="config", code="null")

    def test_missing_config_reads_as_empty(self, posthog_local: LocalServer, project: int) -> None:
        response = posthog_local.api("POST", integrations_path(project), json={"kind": "databricks"})
        assert_error(response, 400, "Server hostname, client ID, and client secret must be provided")

    def test_config_that_is_not_an_object_is_posthogs_500(self, posthog_local: LocalServer, project: int) -> None:
        response = create(posthog_local, project, "postgresql", ["host"])
        assert response.status_code == 500
        assert response.json() == {
            "type": "server_error",
            "code": "error",
            "detail": "A server error occurred.",
            "attr": None,
        }

    def test_top_level_sensitive_config_is_ignored(self, posthog_local: LocalServer, project: int) -> None:
        response = posthog_local.api(
            "POST",
            integrations_path(project),
            json={"kind": "postgresql", "config": postgres_config(), "sensitive_config": {"x": "y"}},
        )
        assert response.status_code == 201, response.text
        assert "sensitive_config" not in response.json()


class TestListAndRetrieve:
    def test_list_is_oldest_first_with_absolute_links(self, posthog_local: LocalServer, project: int) -> None:
        ids = [created(posthog_local, project, "postgresql", postgres_config())["id"] for _ in range(3)]
        first = posthog_local.api("GET", integrations_path(project), params={"limit": 2})
        assert first.status_code == 200
        page = first.json()
        assert set(page) == {"count", "next", "previous", "results"}
        assert page["count"] == 3
        assert [r["id"] for r in page["results"]] == ids[:2]
        assert page["previous"] is None
        assert page["next"].startswith(posthog_local.url + integrations_path(project))
        assert "limit=2" in page["next"] and "offset=2" in page["next"]
        second = requests.get(
            page["next"], headers={"Authorization": f"Bearer {posthog_local.api_key}"}, timeout=30
        ).json()
        assert [r["id"] for r in second["results"]] == ids[2:]
        assert second["next"] is None
        assert second["previous"].startswith(posthog_local.url)

    def test_default_page_size_is_100(self, posthog_local: LocalServer, project: int) -> None:
        created(posthog_local, project, "postgresql", postgres_config())
        created(posthog_local, project, "postgresql", postgres_config())
        page = posthog_local.api("GET", integrations_path(project), params={"offset": 1}).json()
        assert page["count"] == 2
        assert len(page["results"]) == 1
        assert "limit=100" in page["previous"]

    def test_filter_by_kind(self, posthog_local: LocalServer, project: int) -> None:
        pg = created(posthog_local, project, "postgresql", postgres_config())
        hostname = f"{uniq('dbc')}.cloud.databricks.com"
        config = {"server_hostname": hostname, "client_id": "c", "client_secret": "s"}
        db = created(posthog_local, project, "databricks", config)
        for kind, expected in (("postgresql", pg), ("databricks", db)):
            page = posthog_local.api("GET", integrations_path(project), params={"kind": kind}).json()
            assert page["count"] == 1
            assert page["results"] == [expected]
        empty = posthog_local.api("GET", integrations_path(project), params={"kind": "snowflake"}).json()
        assert empty == {"count": 0, "next": None, "previous": None, "results": []}
        everything = posthog_local.api("GET", integrations_path(project), params={"kind": ""}).json()
        assert everything["count"] == 2

    def test_filter_by_unknown_kind_is_400(self, posthog_local: LocalServer, project: int) -> None:
        response = posthog_local.api("GET", integrations_path(project), params={"kind": "bogus"})
        detail = "Select a valid choice. bogus is not one of the available choices."
        assert_error(response, 400, detail, attr="kind", code="invalid_choice")

    def test_only_the_urls_project_is_visible(self, posthog_local: LocalServer, project: int) -> None:
        other = posthog_local.new_project()
        body = created(posthog_local, project, "postgresql", postgres_config())
        assert posthog_local.api("GET", integrations_path(other)).json()["count"] == 0
        response = posthog_local.api("GET", integrations_path(other, f"{body['id']}/"))
        assert response.status_code == 404

    def test_retrieve_matches_create(self, posthog_local: LocalServer, project: int) -> None:
        body = created(posthog_local, project, "postgresql", postgres_config())
        response = posthog_local.api("GET", integrations_path(project, f"{body['id']}/"))
        assert response.status_code == 200
        assert response.json() == body

    @pytest.mark.parametrize("integration_id", ["999999999", "abc"])
    def test_retrieve_unknown_is_404(self, posthog_local: LocalServer, project: int, integration_id: str) -> None:
        response = posthog_local.api("GET", integrations_path(project, f"{integration_id}/"))
        assert response.status_code == 404
        assert response.json()["type"] == "invalid_request"
        assert response.json()["code"] == "not_found"

    def test_unknown_project_is_404(self, posthog_local: LocalServer) -> None:
        response = posthog_local.api("GET", integrations_path(987654321))
        assert_error(response, 404, "Project not found.")


class TestNoUpdate:
    @pytest.mark.parametrize("method", ["PUT", "PATCH"])
    def test_update_is_405(self, posthog_local: LocalServer, project: int, method: str) -> None:
        body = created(posthog_local, project, "postgresql", postgres_config())
        legacy = posthog_local.new_key(scopes=[])  # scoped keys are refused (403) before the 405
        path = integrations_path(project, f"{body['id']}/")
        response = posthog_local.api(method, path, key=legacy, json={"config": {"port": 1}})
        assert response.status_code == 405
        assert response.json() == {
            "type": "invalid_request",
            "code": "method_not_allowed",
            "detail": f'Method "{method}" not allowed.',
            "attr": None,
        }
        assert posthog_local.api("GET", integrations_path(project, f"{body['id']}/")).json() == body
        scoped = posthog_local.api(method, path, json={"config": {"port": 1}})
        assert scoped.status_code == 403
        assert scoped.json()["detail"] == "This action does not support Personal API Key access"


class TestScopes:
    def test_read_scope_lists_and_retrieves_but_cannot_write(self, posthog_local: LocalServer, project: int) -> None:
        body = created(posthog_local, project, "postgresql", postgres_config())
        key = posthog_local.new_key(scopes=["integration:read"])
        assert posthog_local.api("GET", integrations_path(project), key=key).status_code == 200
        assert posthog_local.api("GET", integrations_path(project, f"{body['id']}/"), key=key).status_code == 200
        missing = "API key missing required scope 'integration:write'"
        assert_error(create(posthog_local, project, "postgresql", postgres_config(), key=key), 403, missing)
        response = posthog_local.api("DELETE", integrations_path(project, f"{body['id']}/"), key=key)
        assert_error(response, 403, missing, code="permission_denied")

    def test_write_scope_also_reads(self, posthog_local: LocalServer, project: int) -> None:
        key = posthog_local.new_key(scopes=["integration:write"])
        body = created(posthog_local, project, "postgresql", postgres_config(), key=key)
        assert posthog_local.api("GET", integrations_path(project, f"{body['id']}/"), key=key).status_code == 200
        response = posthog_local.api("DELETE", integrations_path(project, f"{body['id']}/"), key=key)
        assert response.status_code == 204

    def test_other_scopes_are_refused(self, posthog_local: LocalServer, project: int) -> None:
        key = posthog_local.new_key(scopes=["batch_export:write"])
        response = posthog_local.api("GET", integrations_path(project), key=key)
        assert_error(response, 403, "API key missing required scope 'integration:read'")
        response = create(posthog_local, project, "postgresql", postgres_config(), key=key)
        assert_error(response, 403, "API key missing required scope 'integration:write'")

    def test_scoped_teams(self, posthog_local: LocalServer, project: int) -> None:
        other = posthog_local.new_project()
        key = posthog_local.new_key(scopes=["integration:write"], scoped_teams=[project])
        assert create(posthog_local, project, "postgresql", postgres_config(), key=key).status_code == 201
        response = create(posthog_local, other, "postgresql", postgres_config(), key=key)
        assert_error(response, 403, f"API key does not have access to the requested project: ID {other}.")


class TestMembership:
    def test_non_member_is_refused(self, posthog_local: LocalServer, org_with_project: dict[str, Any]) -> None:
        outsider = posthog_local.new_user(level="owner", organization=org_with_project["organization"])
        key = posthog_local.new_key(user_id=outsider)
        project = posthog_local.new_project()
        response = posthog_local.api("GET", integrations_path(project), key=key)
        assert_error(response, 403, "You don't have access to the project.")
        response = create(posthog_local, project, "postgresql", postgres_config(), key=key)
        assert_error(response, 403, "You don't have access to the project.")

    def test_member_creates_new_rows(self, posthog_local: LocalServer, project: int) -> None:
        key = posthog_local.new_key(user_id=posthog_local.new_user(level="member"))
        assert create(posthog_local, project, "postgresql", postgres_config(), key=key).status_code == 201
        config = {"name": uniq(), "aws_access_key_id": "AKIA1", "aws_secret_access_key": "s"}
        assert create(posthog_local, project, "aws-s3", config, key=key).status_code == 201

    def test_member_cannot_overwrite_an_upsert_row(self, posthog_local: LocalServer, project: int) -> None:
        config = postgres_config()
        original = created(posthog_local, project, "postgresql", config)
        key = posthog_local.new_key(user_id=posthog_local.new_user(level="member"))
        response = create(posthog_local, project, "postgresql", {**config, "password": "other"}, key=key)
        assert_error(response, 403, "Editing an existing integration requires project admin access.")
        # the upsert was rolled back: same row, same creator
        after = posthog_local.api("GET", integrations_path(project, f"{original['id']}/")).json()
        assert after == original

    def test_member_gets_the_duplicate_name_400_on_named_kinds(self, posthog_local: LocalServer, project: int) -> None:
        config = {"name": uniq(), "aws_access_key_id": "AKIA1", "aws_secret_access_key": "s"}
        created(posthog_local, project, "aws-s3", config)
        key = posthog_local.new_key(user_id=posthog_local.new_user(level="member"))
        response = create(posthog_local, project, "aws-s3", config, key=key)
        assert_error(response, 400, f"An integration named '{config['name']}' already exists")

    @pytest.mark.parametrize("level", ["admin", "owner"])
    def test_admins_overwrite_in_place(self, posthog_local: LocalServer, project: int, level: str) -> None:
        config = postgres_config()
        original = created(posthog_local, project, "postgresql", config)
        user_id = posthog_local.new_user(level=level)
        key = posthog_local.new_key(user_id=user_id)
        changed = {**config, "ssl_mode": "verify-ca", "ssl_root_cert": "system"}
        body = created(posthog_local, project, "postgresql", changed, key=key)
        assert body["id"] == original["id"]
        assert body["config"]["ssl_mode"] == "verify-ca"
        assert body["created_by"]["id"] == user_id
        assert body["created_at"] == original["created_at"]
