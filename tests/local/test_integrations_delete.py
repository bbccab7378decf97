"""Integration delete on posthog-local: 204 then 404, admins only, refused while batch exports use it."""

from __future__ import annotations

import pytest

from tests.conftest import LocalServer
from tests.local.test_integrations import assert_error, created, integrations_path, postgres_config, uniq

IN_USE = (
    "This integration is used by batch exports: {names}. "
    "Update them to use a different integration before disconnecting it."
)


@pytest.fixture
def project(posthog_local: LocalServer) -> int:
    return posthog_local.new_project()


def create_export(server: LocalServer, project: int, name: str, integration_id: int, paused: bool = False) -> str:
    """A Postgres batch export that uses the integration, created through the batch-exports API."""
    body = {
        "name": name,
        "interval": "hour",
        "paused": paused,
        "destination": {"type": "Postgres", "config": {"database": "db"}, "integration_id": integration_id},
    }
    response = server.api("POST", f"/api/projects/{project}/batch_exports/", json=body)
    if response.status_code in (404, 405) and response.json().get("code") in (
        "not_found",
        "method_not_allowed",
    ):
        pytest.skip(
            "PENDING: POST /batch_exports/ is not implemented in posthog-local yet; "
            "the delete-guard tests run as soon as it is"
        )
    assert response.status_code == 201, response.text
    return response.json()["id"]


class TestDelete:
    def test_delete_is_204_then_404(self, posthog_local: LocalServer, project: int) -> None:
        body = created(posthog_local, project, "postgresql", postgres_config())
        detail = integrations_path(project, f"{body['id']}/")
        response = posthog_local.api("DELETE", detail)
        assert response.status_code == 204
        assert response.content == b""
        assert posthog_local.api("GET", detail).status_code == 404
        assert posthog_local.api("DELETE", detail).status_code == 404
        assert posthog_local.api("GET", integrations_path(project)).json()["count"] == 0

    def test_a_named_kind_can_be_recreated_after_delete(self, posthog_local: LocalServer, project: int) -> None:
        config = {"name": uniq(), "aws_access_key_id": "AKIA", "aws_secret_access_key": "s"}
        first = created(posthog_local, project, "aws-s3", config)
        assert posthog_local.api("DELETE", integrations_path(project, f"{first['id']}/")).status_code == 204
        second = created(posthog_local, project, "aws-s3", config)
        assert second["id"] != first["id"]

    def test_delete_in_another_project_is_404(self, posthog_local: LocalServer, project: int) -> None:
        body = created(posthog_local, project, "postgresql", postgres_config())
        other = posthog_local.new_project()
        assert posthog_local.api("DELETE", integrations_path(other, f"{body['id']}/")).status_code == 404
        assert posthog_local.api("GET", integrations_path(project, f"{body['id']}/")).status_code == 200


class TestDeletePermissions:
    def test_member_cannot_delete(self, posthog_local: LocalServer, project: int) -> None:
        key = posthog_local.new_key(user_id=posthog_local.new_user(level="member"))
        # even the member's own integration needs project admin to remove
        body = created(posthog_local, project, "postgresql", postgres_config(), key=key)
        response = posthog_local.api("DELETE", integrations_path(project, f"{body['id']}/"), key=key)
        assert_error(response, 403, "You don't have sufficient permissions in the project.")
        assert posthog_local.api("GET", integrations_path(project, f"{body['id']}/")).status_code == 200

    def test_member_gets_404_for_unknown_ids(self, posthog_local: LocalServer, project: int) -> None:
        key = posthog_local.new_key(user_id=posthog_local.new_user(level="member"))
        response = posthog_local.api("DELETE", integrations_path(project, "999999999/"), key=key)
        assert response.status_code == 404

    @pytest.mark.parametrize("level", ["admin", "owner"])
    def test_admins_delete(self, posthog_local: LocalServer, project: int, level: str) -> None:
        body = created(posthog_local, project, "postgresql", postgres_config())
        key = posthog_local.new_key(user_id=posthog_local.new_user(level=level))
        response = posthog_local.api("DELETE", integrations_path(project, f"{body['id']}/"), key=key)
        assert response.status_code == 204


class TestDeleteGuard:
    """Needs POST /batch_exports/ (skipped with a PENDING reason until that endpoint exists)."""

    def test_refused_while_exports_use_it(self, posthog_local: LocalServer, project: int) -> None:
        integration = created(posthog_local, project, "postgresql", postgres_config())
        detail = integrations_path(project, f"{integration['id']}/")
        create_export(posthog_local, project, "zeta export", integration["id"])
        create_export(posthog_local, project, "alpha export", integration["id"], paused=True)
        response = posthog_local.api("DELETE", detail)
        assert_error(response, 400, IN_USE.format(names="alpha export, zeta export"), code="invalid_input")
        assert posthog_local.api("GET", detail).status_code == 200

    def test_deleted_exports_do_not_block(self, posthog_local: LocalServer, project: int) -> None:
        integration = created(posthog_local, project, "postgresql", postgres_config())
        detail = integrations_path(project, f"{integration['id']}/")
        export_id = create_export(posthog_local, project, "short-lived", integration["id"])
        assert_error(posthog_local.api("DELETE", detail), 400, IN_USE.format(names="short-lived"))
        response = posthog_local.api("DELETE", f"/api/projects/{project}/batch_exports/{export_id}/")
        assert response.status_code == 204
        assert posthog_local.api("DELETE", detail).status_code == 204

    def test_paused_export_blocks(self, posthog_local: LocalServer, project: int) -> None:
        integration = created(posthog_local, project, "postgresql", postgres_config())
        export_id = create_export(posthog_local, project, "paused one", integration["id"])
        pause = posthog_local.api("POST", f"/api/projects/{project}/batch_exports/{export_id}/pause/")
        assert pause.status_code == 200, pause.text
        response = posthog_local.api("DELETE", integrations_path(project, f"{integration['id']}/"))
        assert_error(response, 400, IN_USE.format(names="paused one"))
