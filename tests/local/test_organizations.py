"""Organizations on posthog-local: PostHog's OrganizationViewSet rules over real HTTP."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import LocalServer

pytestmark = pytest.mark.usefixtures("posthog_local")


def create_org(server: LocalServer, name: str = "Org", key: str | None = None, **fields: Any) -> dict[str, Any]:
    response = server.api("POST", "/api/organizations/", key=key, json={"name": name, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def user_key(server: LocalServer, org: str, level: str, scopes: list[str] | None = None) -> str:
    user_id = server.control("POST", "users", json={"organization_id": org, "level": level})["id"]
    return server.new_key(scopes=scopes, user_id=user_id)


class TestCreate:
    def test_create_returns_201_with_owner_default_project_and_slug(self, posthog_local: LocalServer) -> None:
        body = create_org(posthog_local, "Acme Analytics")
        assert uuid.UUID(body["id"])
        assert body["name"] == "Acme Analytics"
        assert body["slug"].startswith("acme-analytics")
        assert body["membership_level"] == 15
        assert body["member_count"] == 1
        assert len(body["teams"]) == 1 and body["teams"][0]["name"] == "Default project"
        assert body["projects"] == [
            {"id": body["teams"][0]["project_id"], "organization_id": body["id"], "name": "Default project"}
        ]
        for field_name, default in {
            "is_member_join_email_enabled": True,
            "enforce_2fa": None,
            "members_can_invite": True,
            "members_can_use_personal_api_keys": True,
            "allow_publicly_shared_resources": True,
            "is_ai_data_processing_approved": None,
            "default_experiment_stats_method": "bayesian",
            "default_role_id": None,
            "logo_media_id": None,
        }.items():
            assert body[field_name] == default, field_name
        assert "personalization" not in body and "setup" not in body

    def test_create_switches_current_organization(self, fresh_local: Any) -> None:
        server = fresh_local()
        body = create_org(server, "Switch")
        current = server.api("GET", "/api/organizations/@current/").json()
        assert current["id"] == body["id"]
        project = server.api("GET", "/api/projects/@current/").json()
        assert project["organization"] == body["id"]

    def test_created_writable_fields_are_stored(self, posthog_local: LocalServer) -> None:
        body = create_org(
            posthog_local,
            "Settings",
            enforce_2fa=True,
            members_can_invite=False,
            is_ai_data_processing_approved=True,
            default_experiment_stats_method="frequentist",
        )
        fetched = posthog_local.api("GET", f"/api/organizations/{body['id']}/").json()
        assert fetched["enforce_2fa"] is True
        assert fetched["members_can_invite"] is False
        assert fetched["is_ai_data_processing_approved"] is True
        assert fetched["default_experiment_stats_method"] == "frequentist"

    def test_newest_fields_defaults_writes_and_read_only_ones(self, any_profile: LocalServer) -> None:
        server = any_profile
        writable = {
            "members_can_create_projects": True,
            "is_ai_training_opted_in": True,
            "default_anonymize_ips": True,
            "members_can_see_org_members": False,
            "enforce_verified_domains": True,
        }
        read_only = ("is_ai_training_locked", "is_ai_training_cta_shown", "is_hipaa", "is_pending_deletion")
        body = create_org(server, "Newest")
        if server.profile == "2025":
            assert not (set(writable) | set(read_only)) & set(body)
            return
        assert {k: body[k] for k in writable} == {
            "members_can_create_projects": False,
            "is_ai_training_opted_in": False,
            "default_anonymize_ips": False,
            "members_can_see_org_members": True,
            "enforce_verified_domains": False,
        }
        assert {k: body[k] for k in read_only} == dict.fromkeys(read_only, False)
        path = f"/api/organizations/{body['id']}/"
        patched = server.api("PATCH", path, json={**writable, **dict.fromkeys(read_only, True)})
        assert patched.status_code == 200, patched.text
        fetched = server.api("GET", path).json()
        assert {k: fetched[k] for k in writable} == writable
        assert {k: fetched[k] for k in read_only} == dict.fromkeys(read_only, False)  # ignored
        response = server.api("PATCH", path, json={"default_anonymize_ips": "sometimes"})
        assert (response.status_code, response.json()["attr"]) == (400, "default_anonymize_ips")

    def test_member_join_email_is_read_only_in_latest(self, any_profile: LocalServer) -> None:
        """Newest PostHog: a legacy, read-only field (writes are ignored without an error); 2025: writable."""
        server = any_profile
        body = create_org(server, "Join email", is_member_join_email_enabled=False)
        path = f"/api/organizations/{body['id']}/"
        patched = server.api("PATCH", path, json={"is_member_join_email_enabled": False, "name": "Join email 2"})
        assert patched.status_code == 200, patched.text
        fetched = server.api("GET", path).json()
        assert fetched["name"] == "Join email 2"
        expected = server.profile == "latest"  # the default stays in latest; 2025 stores the write
        assert body["is_member_join_email_enabled"] is expected
        assert patched.json()["is_member_join_email_enabled"] is expected
        assert fetched["is_member_join_email_enabled"] is expected

    def test_slug_collision_gets_a_suffix_and_rename_keeps_slug(self, posthog_local: LocalServer) -> None:
        name = f"Collide {uuid.uuid4().hex[:6]}"
        first = create_org(posthog_local, name)
        second = create_org(posthog_local, name)
        assert first["slug"] != second["slug"]
        assert second["slug"].startswith(first["slug"][:43] + "-")
        assert len(second["slug"]) <= 48 and second["slug"] == second["slug"].lower()
        renamed = posthog_local.api("PATCH", f"/api/organizations/{first['id']}/", json={"name": "Renamed"})
        assert renamed.status_code == 200
        assert renamed.json()["slug"] == first["slug"]

    def test_long_name_slug_is_cut_to_48(self, posthog_local: LocalServer) -> None:
        body = create_org(posthog_local, "x" * 64)
        assert len(body["slug"]) <= 48

    @pytest.mark.parametrize(
        ("payload", "code", "detail", "attr"),
        [
            ({"name": "x" * 65}, "max_length", "Ensure this field has no more than 64 characters.", "name"),
            ({"name": ""}, "blank", "This field may not be blank.", "name"),
            ({}, "required", "This field is required.", "name"),
            (
                {"name": "ok", "default_experiment_stats_method": "magic"},
                "invalid_choice",
                '"magic" is not a valid choice.',
                "default_experiment_stats_method",
            ),
            (
                {"name": "ok", "logo_media_id": "0b7f6a52-7a4a-4f6f-9a52-1f1d1b6b2c3d"},
                "does_not_exist",
                'Invalid pk "0b7f6a52-7a4a-4f6f-9a52-1f1d1b6b2c3d" - object does not exist.',
                "logo_media_id",
            ),
        ],
    )
    def test_validation_errors_use_posthogs_envelope(
        self, posthog_local: LocalServer, payload: dict[str, Any], code: str, detail: str, attr: str
    ) -> None:
        response = posthog_local.api("POST", "/api/organizations/", json=payload)
        assert response.status_code == 400
        assert response.json() == {"type": "validation_error", "code": code, "detail": detail, "attr": attr}

    def test_read_only_and_unknown_fields_are_ignored(self, posthog_local: LocalServer) -> None:
        body = create_org(
            posthog_local, "Ignore", slug="chosen-slug", plugins_access_level=9, member_count=99, bogus="x"
        )
        assert body["slug"] != "chosen-slug"
        assert body["plugins_access_level"] == 3
        assert body["member_count"] == 1
        assert "bogus" not in body

    def test_key_with_scoped_projects_cannot_create(self, posthog_local: LocalServer) -> None:
        key = posthog_local.new_key(scopes=["organization:write"], scoped_teams=[posthog_local.project])
        response = posthog_local.api("POST", "/api/organizations/", key=key, json={"name": "No"})
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "API keys with scoped projects are only supported on project-based endpoints."
        )


class TestListAndRetrieve:
    def test_list_shows_only_the_callers_organizations(self, posthog_local: LocalServer) -> None:
        mine = create_org(posthog_local, "Mine")
        other_org = create_org(posthog_local, "Theirs")
        outsider = user_key(posthog_local, other_org["id"], "owner")
        listed = posthog_local.api("GET", "/api/organizations/", key=outsider, params={"limit": 1000}).json()
        ids = {o["id"] for o in listed["results"]}
        assert other_org["id"] in ids and mine["id"] not in ids
        assert listed["count"] == len(listed["results"])

    def test_list_is_paginated_with_absolute_links(self, fresh_local: Any) -> None:
        server = fresh_local()
        for i in range(5):
            create_org(server, f"Page {i}")
        page = server.api("GET", "/api/organizations/", params={"limit": 2, "offset": 2}).json()
        assert page["count"] == 6
        assert len(page["results"]) == 2
        assert page["next"] == f"{server.url}/api/organizations/?limit=2&offset=4"
        assert page["previous"] == f"{server.url}/api/organizations/?limit=2"

    def test_scoped_organizations_filter_the_list(self, posthog_local: LocalServer) -> None:
        org = create_org(posthog_local, "Scoped")
        key = posthog_local.new_key(scopes=["organization:read"], scoped_organizations=[org["id"]])
        listed = posthog_local.api("GET", "/api/organizations/", key=key).json()
        assert [o["id"] for o in listed["results"]] == [org["id"]]
        other = posthog_local.api("GET", f"/api/organizations/{posthog_local.organization}/", key=key)
        assert other.status_code == 403
        assert other.json()["detail"] == (
            f"API key does not have access to the requested organization: ID {posthog_local.organization}."
        )

    def test_retrieve_by_uuid_and_current(self, posthog_local: LocalServer) -> None:
        org = create_org(posthog_local, "Retrieve")
        by_id = posthog_local.api("GET", f"/api/organizations/{org['id']}")
        assert by_id.status_code == 200 and by_id.json()["name"] == "Retrieve"
        current = posthog_local.api("GET", "/api/organizations/@current/")
        assert current.status_code == 200

    @pytest.mark.parametrize("org_id", ["not-a-uuid", "5b0c6a0e-9d3c-4a51-9a43-2f5a4f7f1c11"])
    def test_unknown_organization_is_404(self, posthog_local: LocalServer, org_id: str) -> None:
        response = posthog_local.api("GET", f"/api/organizations/{org_id}/")
        assert response.status_code == 404
        assert response.json()["type"] == "invalid_request"
        assert response.json()["code"] == "not_found"

    def test_foreign_organization_is_404_not_403(self, posthog_local: LocalServer) -> None:
        theirs = create_org(posthog_local, "Foreign")
        outsider = user_key(posthog_local, theirs["id"], "owner")
        response = posthog_local.api("GET", f"/api/organizations/{posthog_local.organization}/", key=outsider)
        assert response.status_code == 404
        patch = posthog_local.api(
            "PATCH", f"/api/organizations/{posthog_local.organization}/", key=outsider, json={"name": "x"}
        )
        assert patch.status_code == 404

    def test_no_organizations_left_lists_404(self, posthog_local: LocalServer) -> None:
        org = create_org(posthog_local, "Lonely")
        key = user_key(posthog_local, org["id"], "owner")
        # The bootstrap user leaves too: delete the org as its new owner.
        assert posthog_local.api("DELETE", f"/api/organizations/{org['id']}/", key=key).status_code == 204
        response = posthog_local.api("GET", "/api/organizations/", key=key)
        assert response.status_code == 404
        assert response.json() == {
            "type": "invalid_request",
            "code": "not_found",
            "detail": "You need to belong to an organization.",
            "attr": None,
        }
        current = posthog_local.api("GET", "/api/organizations/@current/", key=key)
        assert current.status_code == 404
        assert current.json()["detail"] == "Current organization not found."


class TestUpdateAndDelete:
    @pytest.mark.parametrize("method", ["PATCH", "PUT"])
    def test_member_cannot_update(self, posthog_local: LocalServer, method: str) -> None:
        org = create_org(posthog_local, "Guarded")
        key = user_key(posthog_local, org["id"], "member")
        response = posthog_local.api(method, f"/api/organizations/{org['id']}/", key=key, json={"name": "New"})
        assert response.status_code == 403
        assert response.json() == {
            "type": "authentication_error",
            "code": "permission_denied",
            "detail": "Your organization access level is insufficient.",
            "attr": None,
        }

    @pytest.mark.parametrize("level", ["admin", "owner"])
    def test_admin_and_owner_can_update(self, posthog_local: LocalServer, level: str) -> None:
        org = create_org(posthog_local, "Editable")
        key = user_key(posthog_local, org["id"], level)
        response = posthog_local.api(
            "PATCH", f"/api/organizations/{org['id']}/", key=key, json={"name": "Edited", "enforce_2fa": True}
        )
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Edited" and response.json()["enforce_2fa"] is True
        assert response.json()["membership_level"] == {"admin": 8, "owner": 15}[level]

    def test_put_needs_name_patch_does_not(self, posthog_local: LocalServer) -> None:
        org = create_org(posthog_local, "Put")
        put = posthog_local.api("PUT", f"/api/organizations/{org['id']}/", json={"enforce_2fa": True})
        assert put.status_code == 400 and put.json()["attr"] == "name"
        patch = posthog_local.api("PATCH", f"/api/organizations/{org['id']}/", json={"enforce_2fa": True})
        assert patch.status_code == 200 and patch.json()["name"] == "Put"

    def test_plan_gated_settings_need_the_feature(self, posthog_local: LocalServer) -> None:
        org = create_org(posthog_local, "Free plan")
        posthog_local.control("PUT", f"organizations/{org['id']}/features", json={"features": []})
        response = posthog_local.api("PATCH", f"/api/organizations/{org['id']}/", json={"enforce_2fa": True})
        assert response.status_code == 400
        body = response.json()
        assert "payment_required" in body["code"] and "upgrade your plan" in body["detail"]
        assert body["attr"] == "enforce_2fa"
        ungated = posthog_local.api("PATCH", f"/api/organizations/{org['id']}/", json={"name": "Still free"})
        assert ungated.status_code == 200

    def test_personal_api_keys_can_be_forbidden_for_members(self, posthog_local: LocalServer) -> None:
        org = create_org(posthog_local, "No keys")
        member = user_key(posthog_local, org["id"], "member")
        admin = user_key(posthog_local, org["id"], "admin")
        off = posthog_local.api(
            "PATCH", f"/api/organizations/{org['id']}/", json={"members_can_use_personal_api_keys": False}
        )
        assert off.status_code == 200
        denied = posthog_local.api("GET", f"/api/organizations/{org['id']}/", key=member)
        assert denied.status_code == 403
        assert denied.json()["detail"] == (
            "Organization 'No keys' does not allow using personal API keys. "
            "Contact an admin to enable personal API keys for this organization."
        )
        assert posthog_local.api("GET", f"/api/organizations/{org['id']}/", key=admin).status_code == 200

    def test_only_owner_can_delete_and_delete_is_hard(self, posthog_local: LocalServer) -> None:
        org = create_org(posthog_local, "Doomed")
        admin = user_key(posthog_local, org["id"], "admin")
        denied = posthog_local.api("DELETE", f"/api/organizations/{org['id']}/", key=admin)
        assert denied.status_code == 403
        assert denied.json()["detail"] == "Your organization access level is insufficient."
        deleted = posthog_local.api("DELETE", f"/api/organizations/{org['id']}/")
        assert deleted.status_code == 204 and deleted.content == b""
        assert posthog_local.api("GET", f"/api/organizations/{org['id']}/").status_code == 404
        assert posthog_local.api("DELETE", f"/api/organizations/{org['id']}/").status_code == 404
        project = org["projects"][0]["id"]
        assert posthog_local.api("GET", f"/api/projects/{project}/").status_code == 404


class TestEnvironmentsRollback:
    def _org_with_two_envs(self, server: LocalServer) -> tuple[dict[str, Any], int, int]:
        org = create_org(server, "Rollback")
        project = org["projects"][0]["id"]
        env = server.control("POST", "environments", json={"project_id": project})["id"]
        return org, project, env

    def test_scoped_keys_are_refused_even_star(self, posthog_local: LocalServer) -> None:
        org, project, env = self._org_with_two_envs(posthog_local)
        response = posthog_local.api(
            "POST", f"/api/organizations/{org['id']}/environments_rollback/", json={str(env): project}
        )
        assert response.status_code == 403
        assert response.json()["detail"] == "This action does not support Personal API Key access"

    def test_legacy_key_starts_once_then_400(self, posthog_local: LocalServer) -> None:
        org, project, env = self._org_with_two_envs(posthog_local)
        legacy = posthog_local.new_key(scopes=[])
        path = f"/api/organizations/{org['id']}/environments_rollback/"
        first = posthog_local.api("POST", path, key=legacy, json={str(env): project})
        assert first.status_code == 202
        assert first.json() == {"success": True, "message": "Migration started"}
        second = posthog_local.api("POST", path, key=legacy, json={str(env): project})
        assert second.status_code == 400
        assert second.json()["detail"] == "Environments rollback has already been requested for this organization."

    def test_mapping_is_validated(self, posthog_local: LocalServer) -> None:
        org, project, _ = self._org_with_two_envs(posthog_local)
        legacy = posthog_local.new_key(scopes=[])
        path = f"/api/organizations/{org['id']}/environments_rollback/"
        empty = posthog_local.api("POST", path, key=legacy, json={})
        assert empty.status_code == 400 and empty.json()["detail"] == "Environment mappings are required"
        missing = posthog_local.api("POST", path, key=legacy, json={"999999": project})
        assert missing.status_code == 400
        assert missing.json()["detail"] == "Environments not found: {999999}"
        foreign = posthog_local.api("POST", path, key=legacy, json={str(posthog_local.project): project})
        assert foreign.status_code == 400
        assert foreign.json()["detail"] == f"Environments not found: {{{posthog_local.project}}}"

    def test_member_is_refused(self, posthog_local: LocalServer) -> None:
        org, project, env = self._org_with_two_envs(posthog_local)
        user_id = posthog_local.control("POST", "users", json={"organization_id": org["id"], "level": "member"})
        legacy = posthog_local.new_key(scopes=[], user_id=user_id["id"])
        response = posthog_local.api(
            "POST", f"/api/organizations/{org['id']}/environments_rollback/", key=legacy, json={str(env): project}
        )
        assert response.status_code == 403
        assert response.json()["detail"] == "Your organization access level is insufficient."
