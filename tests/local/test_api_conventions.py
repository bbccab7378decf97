"""Cross-cutting API rules on posthog-local: keys, scopes, 401s, envelope, 404/405, slashes, throttling."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.conftest import LocalServer

ORGS = "/api/organizations/"


class TestPersonalAPIKeys:
    def test_key_from_header_body_and_query(self, posthog_local: LocalServer) -> None:
        key = posthog_local.api_key
        assert posthog_local.api("GET", ORGS).status_code == 200
        assert posthog_local.api("GET", ORGS, key="", params={"personal_api_key": key}).status_code == 200
        created = posthog_local.api("POST", ORGS, key="", json={"name": "Body key", "personal_api_key": key})
        assert created.status_code == 201, created.text

    @pytest.mark.parametrize(
        ("how", "source"),
        [("header", "Authorization header"), ("query", "query string"), ("body", "body")],
    )
    def test_invalid_key_names_where_it_was_found(self, posthog_local: LocalServer, how: str, source: str) -> None:
        bad = "phx_not_a_real_key"
        if how == "header":
            response = posthog_local.api("GET", ORGS, key=bad)
        elif how == "query":
            response = posthog_local.api("GET", ORGS, key="", params={"personal_api_key": bad})
        else:
            response = posthog_local.api("POST", ORGS, key="", json={"name": "x", "personal_api_key": bad})
        assert response.status_code == 401
        assert response.json() == {
            "type": "authentication_error",
            "code": "authentication_failed",
            "detail": f"Personal API key found in request {source} is invalid.",
            "attr": None,
        }
        assert response.headers["WWW-Authenticate"] == (
            f'Bearer resource_metadata="{posthog_local.url}/.well-known/oauth-protected-resource"'
        )

    def test_no_credentials(self, posthog_local: LocalServer) -> None:
        response = posthog_local.api("GET", ORGS, key="")
        assert response.status_code == 401
        assert response.json() == {
            "type": "authentication_error",
            "code": "not_authenticated",
            "detail": "Authentication credentials were not provided.",
            "attr": None,
        }
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    def test_header_key_wins_over_query(self, posthog_local: LocalServer) -> None:
        response = posthog_local.api("GET", ORGS, key="phx_wrong", params={"personal_api_key": posthog_local.api_key})
        assert response.status_code == 401
        assert "Authorization header" in response.json()["detail"]

    def test_oauth_bearer_tokens_are_not_personal_keys(self, posthog_local: LocalServer) -> None:
        response = posthog_local.api("GET", ORGS, key="pha_oauth_token")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


class TestScopes:
    @pytest.mark.parametrize(
        ("scopes", "method", "path_suffix", "allowed", "missing"),
        [
            (["organization:read"], "GET", "", True, None),
            (["organization:write"], "GET", "", True, None),
            (["organization:read"], "PATCH", "", False, "organization:write"),
            (["batch_export:read"], "GET", "", False, "organization:read"),
            (["*"], "PATCH", "", True, None),
            ([], "PATCH", "", True, None),
        ],
    )
    def test_scope_rules(
        self,
        posthog_local: LocalServer,
        scopes: list[str],
        method: str,
        path_suffix: str,
        allowed: bool,
        missing: str | None,
    ) -> None:
        key = posthog_local.new_key(scopes=scopes)
        kwargs: dict[str, Any] = {"json": {"is_member_join_email_enabled": True}} if method == "PATCH" else {}
        response = posthog_local.api(method, f"{ORGS}{posthog_local.organization}/{path_suffix}", key=key, **kwargs)
        if allowed:
            assert response.status_code == 200, response.text
        else:
            assert response.status_code == 403
            assert response.json() == {
                "type": "authentication_error",
                "code": "permission_denied",
                "detail": f"API key missing required scope '{missing}'",
                "attr": None,
            }

    def test_scoped_project_keys_only_work_on_project_endpoints(self, posthog_local: LocalServer) -> None:
        key = posthog_local.new_key(scopes=["*"], scoped_teams=[posthog_local.project])
        response = posthog_local.api("GET", ORGS, key=key)
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "API keys with scoped projects are only supported on project-based endpoints."
        )
        assert posthog_local.api("GET", f"/api/projects/{posthog_local.project}/", key=key).status_code == 200

    def test_scoped_project_key_on_another_project(self, posthog_local: LocalServer) -> None:
        other = posthog_local.new_project()
        key = posthog_local.new_key(scopes=["*"], scoped_teams=[posthog_local.project])
        response = posthog_local.api("GET", f"/api/projects/{other}/", key=key)
        assert response.status_code == 403
        assert response.json()["detail"] == f"API key does not have access to the requested project: ID {other}."

    def test_project_lookup_gives_the_organization(self, posthog_local: LocalServer) -> None:
        project = posthog_local.api("GET", f"/api/projects/{posthog_local.project}/").json()
        assert project["id"] == posthog_local.project
        assert project["organization"] == posthog_local.organization
        key = posthog_local.new_key(scopes=["organization:read"])
        denied = posthog_local.api("GET", f"/api/projects/{posthog_local.project}/", key=key)
        assert denied.status_code == 403
        assert denied.json()["detail"] == "API key missing required scope 'project:read'"

    @pytest.mark.parametrize(("project", "status"), [("not-a-number", 404), ("987654", 404)])
    def test_unknown_project(self, posthog_local: LocalServer, project: str, status: int) -> None:
        response = posthog_local.api("GET", f"/api/projects/{project}/")
        assert response.status_code == status
        assert response.json()["detail"] == "Project not found."


class TestRoutingAndEnvelope:
    def test_unknown_api_path(self, posthog_local: LocalServer) -> None:
        response = posthog_local.api("GET", "/api/this/does/not/exist/")
        assert response.status_code == 404
        assert response.json() == {
            "type": "invalid_request",
            "code": "not_found",
            "detail": "Endpoint not found.",
            "attr": None,
        }

    def test_method_not_allowed_for_unscoped_keys(self, posthog_local: LocalServer) -> None:
        legacy = posthog_local.new_key(scopes=[])
        response = posthog_local.api("PUT", ORGS, key=legacy, json={})
        assert response.status_code == 405
        assert response.json() == {
            "type": "invalid_request",
            "code": "method_not_allowed",
            "detail": 'Method "PUT" not allowed.',
            "attr": None,
        }

    def test_unrouted_method_with_a_scoped_key_is_refused_before_405(self, posthog_local: LocalServer) -> None:
        # PostHog's scope check runs first and finds no scope for an action that does not exist, even for '*'.
        response = posthog_local.api("PUT", ORGS, json={})
        assert response.status_code == 403
        assert response.json()["detail"] == "This action does not support Personal API Key access"

    def test_trailing_slash_is_optional(self, posthog_local: LocalServer) -> None:
        with_slash = posthog_local.api("GET", f"{ORGS}{posthog_local.organization}/")
        without = posthog_local.api("GET", f"/api/organizations/{posthog_local.organization}")
        assert with_slash.status_code == without.status_code == 200
        assert with_slash.json()["id"] == without.json()["id"]
        assert posthog_local.api("GET", "/api/organizations").status_code == 200

    def test_malformed_json(self, posthog_local: LocalServer) -> None:
        response = posthog_local.api("POST", ORGS, data="{not json", headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        assert response.json()["type"] == "invalid_request"
        assert response.json()["code"] == "parse_error"

    def test_environments_alias_routes_to_projects(self, posthog_local: LocalServer) -> None:
        via_alias = posthog_local.api("GET", f"/api/environments/{posthog_local.project}/")
        direct = posthog_local.api("GET", f"/api/projects/{posthog_local.project}/")
        assert via_alias.status_code == direct.status_code == 200
        assert via_alias.json() == direct.json()

    def test_control_api_needs_the_bootstrap_key(self, posthog_local: LocalServer) -> None:
        other = posthog_local.new_key(scopes=["*"])
        response = posthog_local.api("GET", "/_local/info", key=other)
        assert response.status_code == 401
        info = posthog_local.control("GET", "info")
        assert info["organization"] == posthog_local.organization and info["profile"] == "latest"


class TestRateLimits:
    def test_off_by_default(self, fresh_local: Any) -> None:
        server = fresh_local()
        statuses = {server.api("GET", ORGS).status_code for _ in range(30)}
        assert statuses == {200}

    def test_per_key_burst_limit_with_posthogs_body(self, fresh_local: Any) -> None:
        server = fresh_local()
        server.control("PUT", "rate-limits", json={"enabled": True, "burst": "5/minute"})
        other = server.new_key(scopes=["*"])
        statuses = [server.api("GET", ORGS).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        throttled = server.api("GET", ORGS)
        body = throttled.json()
        assert body["type"] == "throttled_error" and body["code"] == "throttled" and body["attr"] is None
        assert body["detail"].startswith("Request was throttled. Expected available in ")
        assert body["detail"].endswith(" seconds.")
        assert "Retry-After" not in throttled.headers
        assert server.api("GET", ORGS, key=other).status_code == 200  # limits are per key
        assert server.api("GET", "/_local/info").status_code == 200  # control API is never throttled

    def test_window_frees_up(self, fresh_local: Any) -> None:
        server = fresh_local()
        server.control("PUT", "rate-limits", json={"enabled": True, "burst": "2/second"})
        assert [server.api("GET", ORGS).status_code for _ in range(3)] == [200, 200, 429]
        time.sleep(1.1)
        assert server.api("GET", ORGS).status_code == 200
