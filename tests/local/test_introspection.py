"""What real clients read first: the key (``@current``), its user (``@me``), and an organization's projects."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import LocalServer

KEY_FIELDS = {
    "id",
    "label",
    "value",
    "mask_value",
    "created_at",
    "last_used_at",
    "user_id",
    "scopes",
    "scoped_teams",
    "scoped_organizations",
    "last_rolled_at",
}
# posthog/api/project.py ProjectBackwardCompatSerializer.Meta.fields
PROJECT_FIELDS = {
    "id", "organization", "name", "product_description", "created_at", "effective_membership_level",
    "has_group_types", "group_types", "live_events_token", "updated_at", "uuid", "api_token", "app_urls",
    "slack_incoming_webhook", "anonymize_ips", "completed_snippet_onboarding", "ingested_event",
    "test_account_filters", "test_account_filters_default_checked", "path_cleaning_filters", "is_demo", "timezone",
    "data_attributes", "person_display_name_properties", "correlation_config", "autocapture_opt_out",
    "autocapture_exceptions_opt_in", "autocapture_web_vitals_opt_in", "autocapture_web_vitals_allowed_metrics",
    "autocapture_exceptions_errors_to_ignore", "capture_console_log_opt_in", "capture_performance_opt_in",
    "session_recording_opt_in", "session_recording_sample_rate", "session_recording_minimum_duration_milliseconds",
    "session_recording_linked_flag", "session_recording_network_payload_capture_config",
    "session_recording_masking_config", "session_replay_config", "survey_config", "access_control",
    "week_start_day", "primary_dashboard", "live_events_columns", "recording_domains",
    "person_on_events_querying_enabled", "inject_web_apps", "extra_settings", "modifiers", "default_modifiers",
    "has_completed_onboarding_for", "surveys_opt_in", "heatmaps_opt_in", "product_intents",
    "flags_persistence_default", "secret_api_token", "secret_api_token_backup",
}  # fmt: skip
BASIC_PROJECT_FIELDS = {
    "id", "uuid", "organization", "api_token", "name", "completed_snippet_onboarding",
    "has_completed_onboarding_for", "ingested_event", "is_demo", "timezone", "access_control",
}  # fmt: skip
KEY_ACCESS = "This action does not support Personal API Key access"


def new_org(server: LocalServer, **fields: Any) -> dict[str, Any]:
    response = server.api("POST", "/api/organizations/", json={"name": f"intro-{uuid.uuid4().hex[:6]}", **fields})
    assert response.status_code == 201, response.text
    return response.json()


class TestCurrentKey:
    def test_current_key_shows_its_scopes_not_its_value(self, any_profile: LocalServer) -> None:
        server = any_profile
        scoped = server.new_key(scopes=["batch_export:read"], scoped_teams=[server.project], label="scoped")
        body = server.api("GET", "/api/personal_api_keys/@current/", key=scoped).json()
        assert set(body) == KEY_FIELDS
        assert (body["label"], body["scopes"], body["scoped_teams"]) == (
            "scoped",
            ["batch_export:read"],
            [server.project],
        )
        assert body["value"] is None and scoped not in str(body) and body["mask_value"].startswith(scoped[:4])
        legacy = server.new_key(scopes=[])
        assert server.api("GET", "/api/personal_api_keys/@current/", key=legacy).json()["scopes"] == ["*"]

    def test_a_key_may_read_only_itself(self, posthog_local: LocalServer) -> None:
        server = posthog_local
        user = server.new_user()
        first = server.new_key(user_id=user)
        second_id = server.control("POST", "keys", json={"user_id": user, "scopes": ["*"]})["id"]
        mine = server.api("GET", "/api/personal_api_keys/@current/", key=first).json()["id"]
        assert server.api("GET", f"/api/personal_api_keys/{mine}/", key=first).json()["id"] == mine
        for method, path in (
            ("GET", f"/api/personal_api_keys/{second_id}/"),
            ("GET", "/api/personal_api_keys/"),
            ("DELETE", f"/api/personal_api_keys/{mine}/"),
        ):
            response = server.api(method, path, key=first)
            assert (response.status_code, response.json()["detail"]) == (403, KEY_ACCESS), (method, path)


class TestMe:
    def test_me_is_the_keys_user_with_organization_and_team(self, any_profile: LocalServer) -> None:
        server = any_profile
        me = server.api("GET", "/api/users/@me/").json()
        assert me["email"] == "local@posthog-local.dev" and uuid.UUID(me["uuid"])
        current = server.api("GET", "/api/organizations/@current/").json()  # other tests move @current
        assert me["organization"] == current
        assert me["team"]["id"] == server.api("GET", "/api/projects/@current/").json()["id"]
        assert server.organization in {o["id"] for o in me["organizations"]}
        assert {"membership_level", "slug", "is_pending_deletion"} <= set(me["organizations"][0])
        assert me["is_staff"] is False and me["has_password"] is False

    def test_me_needs_user_read_and_other_users_are_staff_only(self, posthog_local: LocalServer) -> None:
        server = posthog_local
        narrow = server.new_key(scopes=["batch_export:read"])
        response = server.api("GET", "/api/users/@me/", key=narrow)
        assert (response.status_code, response.json()["detail"]) == (403, "API key missing required scope 'user:read'")
        reader = server.new_key(scopes=["user:read"])
        me = server.api("GET", "/api/users/@me/", key=reader).json()
        response = server.api("GET", f"/api/users/{me['uuid']}/", key=reader)
        detail = "As a non-staff user you're only allowed to access the `@me` user instance."
        assert (response.status_code, response.json()["detail"]) == (403, detail)


class TestOrganizationProjects:
    def test_list_basic_and_create_full_body(self, any_profile: LocalServer) -> None:
        server = any_profile
        org = new_org(server)
        path = f"/api/organizations/{org['id']}/projects/"
        listed = server.api("GET", path).json()
        assert listed["count"] == 1 and set(listed["results"][0]) == BASIC_PROJECT_FIELDS
        response = server.api("POST", path, json={"name": "Second", "timezone": "Europe/Berlin"})
        assert response.status_code == 201, response.text
        created = response.json()
        assert set(created) == PROJECT_FIELDS
        assert (created["name"], created["timezone"], created["organization"]) == ("Second", "Europe/Berlin", org["id"])
        assert created["api_token"].startswith("phc_") and uuid.UUID(created["uuid"])
        assert created["effective_membership_level"] == 15
        assert server.api("GET", f"/api/projects/{created['id']}/").json() == created
        assert server.api("GET", path + f"{created['id']}/").json() == created
        assert server.api("GET", "/api/projects/@current/").json()["id"] == created["id"]  # creating switches to it
        assert [p["id"] for p in server.api("GET", path).json()["results"]][-1] == created["id"]
        team = server.api("GET", f"/api/organizations/{org['id']}/").json()["teams"]
        assert created["id"] in {t["id"] for t in team}
        error = server.api("POST", path, json={"name": "x" * 201})
        assert (error.status_code, error.json()["attr"]) == (400, "name")

    def test_default_anonymize_ips_applies_to_new_projects(self, posthog_local: LocalServer) -> None:
        server = posthog_local
        org = new_org(server, default_anonymize_ips=True)
        created = server.api("POST", f"/api/organizations/{org['id']}/projects/", json={"name": "Anon"}).json()
        assert created["anonymize_ips"] is True

    def test_members_create_only_when_the_organization_allows_it(self, posthog_local: LocalServer) -> None:
        server = posthog_local
        org = new_org(server)
        path = f"/api/organizations/{org['id']}/projects/"
        member = server.new_key(user_id=server.new_user("member", organization=org["id"]))
        response = server.api("POST", path, key=member, json={"name": "By member"})
        assert (response.status_code, response.json()["detail"]) == (
            403,
            "Your organization access level is insufficient.",
        )
        server.api("PATCH", f"/api/organizations/{org['id']}/", json={"members_can_create_projects": True})
        assert server.api("POST", path, key=member, json={"name": "By member"}).status_code == 201

    def test_plan_limit_and_scopes(self, posthog_local: LocalServer) -> None:
        server = posthog_local
        org = new_org(server)
        path = f"/api/organizations/{org['id']}/projects/"
        reader = server.new_key(scopes=["project:read"])
        response = server.api("POST", path, key=reader, json={"name": "No"})
        assert response.json()["detail"] == "API key missing required scope 'project:write'"
        assert server.api("GET", path, key=reader).status_code == 200
        server.control("PUT", f"organizations/{org['id']}/features", json={"features": ["2fa_enforcement"]})
        response = server.api("POST", path, json={"name": "Over the plan"})
        detail = "You must upgrade your PostHog plan to be able to create and manage more projects."
        assert (response.status_code, response.json()["detail"]) == (403, detail)
        outsider = new_org(server)
        response = server.api(
            "GET",
            f"/api/organizations/{outsider['id']}/projects/",
            key=server.new_key(user_id=server.new_user("owner")),
        )
        assert response.status_code == 403

    @pytest.mark.parametrize("raw", ["abc"])
    def test_a_non_numeric_project_id_is_a_400(self, posthog_local: LocalServer, raw: str) -> None:
        response = posthog_local.api("GET", f"/api/organizations/{posthog_local.organization}/projects/{raw}/")
        assert (response.status_code, response.json()["detail"]) == (
            400,
            f"Field 'id' expected a number but got '{raw}'.",
        )

    def test_patch_and_delete_a_project_by_id(self, posthog_local: LocalServer) -> None:
        """``PATCH`` and ``DELETE /api/projects/{id}/`` as PostHog's ProjectViewSet serves them (posthog.Project)."""
        server = posthog_local
        org = new_org(server)
        created = server.api("POST", f"/api/organizations/{org['id']}/projects/", json={"name": "Web"}).json()
        path = f"/api/projects/{created['id']}/"
        body = {"name": "Web app", "timezone": "Europe/Berlin", "anonymize_ips": True, "app_urls": ["https://a.test"]}
        response = server.api("PATCH", path, json={**body, "product_description": "Shop"})
        assert response.status_code == 200, response.text
        patched = response.json()
        assert {k: patched[k] for k in body} == body and patched["product_description"] == "Shop"
        assert set(patched) == PROJECT_FIELDS and server.api("GET", path).json() == patched
        bad = server.api("PATCH", path, json={"timezone": "Mars/Olympus"})
        assert (bad.status_code, bad.json()["attr"]) == (400, "timezone")
        member = server.new_key(user_id=server.new_user("member", organization=org["id"]))
        denied = server.api("DELETE", path, key=member)
        assert (denied.status_code, denied.json()["detail"]) == (403, "Your organization access level is insufficient.")
        assert server.api("DELETE", path).status_code == 204
        assert server.api("GET", path).status_code == 404
        assert created["id"] not in {
            p["id"] for p in server.api("GET", f"/api/organizations/{org['id']}/projects/").json()["results"]
        }
