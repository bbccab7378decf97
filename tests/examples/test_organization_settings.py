"""examples/organization-settings: adopt an organization by UUID, manage its security settings, keep it protected;
the environments rollback only when configured (and only with a legacy key without scopes)."""

from __future__ import annotations

import json

from tests.examples.conftest import OrgOwner, program, runner_for

ORGANIZATION_SETTINGS = program("organization-settings")
SECURITY = {
    "enforce_2fa": True,
    "members_can_invite": False,
    "members_can_use_personal_api_keys": False,
    "allow_publicly_shared_resources": False,
    "is_ai_data_processing_approved": False,
}


def test_security_settings_are_applied_to_the_adopted_org_and_it_cannot_be_deleted(org_owner: OrgOwner) -> None:
    runner = runner_for(
        "organization-settings", org_owner.server, key=org_owner.key, config={"organizationId": org_owner.organization}
    )

    run = runner.up(ORGANIZATION_SETTINGS).expect_ok()

    org = org_owner.api("GET", f"/api/organizations/{org_owner.organization}/")
    assert {k: org[k] for k in SECURITY} == SECURITY
    assert org["name"] == "Example org"  # kept: the program does not rename it
    assert run.exports["organization_id"].value == org_owner.organization
    assert run.exports["deletion_protection"].value is True
    assert [r.name for r in run.resources] == ["org"]  # no rollback unless configured
    assert {s.op for s in runner.up(ORGANIZATION_SETTINGS).expect_ok().result.steps} == {"same"}

    destroy = runner.engine.destroy()
    assert not destroy.ok and "deletion_protection" in destroy.errors[0].message
    assert org_owner.api("GET", f"/api/organizations/{org_owner.organization}/")["id"] == org_owner.organization


def test_environments_rollback_runs_once_when_configured_with_a_legacy_key(org_owner: OrgOwner) -> None:
    server = org_owner.server
    legacy_key = server.new_key(scopes=[], user_id=org_owner.user)  # PostHog refuses scoped keys, even "*"
    default_env = org_owner.api("GET", f"/api/organizations/{org_owner.organization}/")["teams"][0]["id"]
    other_env = server.control("POST", "environments", json={"project_id": org_owner.project})["id"]
    mapping = {str(other_env): default_env}
    runner = runner_for(
        "organization-settings",
        server,
        key=legacy_key,
        config={"organizationId": org_owner.organization, "environmentsRollback": json.dumps(mapping)},
    )

    run = runner.up(ORGANIZATION_SETTINGS).expect_ok()

    assert run.exports["environments_rollback"].value == "Migration started"
    again = server.api(
        "POST", f"/api/organizations/{org_owner.organization}/environments_rollback/", key=legacy_key, json=mapping
    )
    assert again.status_code == 400 and "already been requested" in again.json()["detail"]
    assert {s.op for s in runner.up(ORGANIZATION_SETTINGS).expect_ok().result.steps} == {"same"}


def test_a_scoped_key_cannot_run_the_rollback_and_the_error_says_why(org_owner: OrgOwner) -> None:
    runner = runner_for(
        "organization-settings",
        org_owner.server,
        key=org_owner.key,
        config={"organizationId": org_owner.organization, "environmentsRollback": json.dumps({"1": 1})},
    )

    run = runner.up(ORGANIZATION_SETTINGS)

    assert not run.ok
    [error] = run.result.errors
    assert "403 permission denied: This action does not support Personal API Key access" in error.message
    assert org_owner.api("GET", f"/api/organizations/{org_owner.organization}/")["enforce_2fa"] is True
