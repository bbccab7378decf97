"""examples/multi-region: two PostHog instances (two posthog-local servers standing in for US and EU Cloud) in one
program, through the default connection and the named connection "eu"."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

from tests.conftest import LocalServer
from tests.examples.conftest import OrgOwner, new_org_owner, program, runner_for
from tests.harness import Secret

MULTI_REGION = program("multi-region")
US_TOKEN, EU_TOKEN = "phc_us_mirror_project_token", "phc_eu_mirror_project_token"
SECURITY = {"enforce_2fa": True, "allow_publicly_shared_resources": False, "members_can_invite": False}


def test_each_region_gets_the_same_settings_and_its_own_export(
    org_owner: OrgOwner, fresh_local: Callable[..., LocalServer]
) -> None:
    us = org_owner
    eu = new_org_owner(fresh_local("latest"), "Acme EU")
    runner = runner_for(
        "multi-region",
        us.server,
        key=us.key,
        config={
            "posthog:connections": Secret(json.dumps({"eu": {"host": eu.server.url, "apiKey": eu.key}})),
            "usMirrorToken": Secret(US_TOKEN),
            "euMirrorToken": Secret(EU_TOKEN),
        },
    )

    run = runner.up(MULTI_REGION).expect_ok()

    for owner, region, url in (
        (us, "us", "https://us.i.posthog.com/batch/"),
        (eu, "eu", "https://eu.i.posthog.com/batch/"),
    ):
        org = owner.api("GET", "/api/organizations/@current/")
        assert {k: org[k] for k in SECURITY} == SECURITY, region
        assert run.exports[f"{region}_organization_id"].value == owner.organization
        [export] = owner.exports()
        assert export["id"] == run.exports[f"{region}_batch_export_id"].value
        assert export["name"] == f"{region}: events to the mirror project"
        assert export["destination"]["config"]["url"] == url
    for registered in run.resources:
        blob = base64.b64decode(registered.plain_inputs["__provider"])
        assert (b"eu" in blob) == registered.name.startswith("eu-"), registered.name  # only the connection's name
        assert eu.server.url.encode() not in blob and eu.key.encode() not in blob
    checkpoint = runner.engine.checkpoint_json()
    assert US_TOKEN not in checkpoint and EU_TOKEN not in checkpoint and eu.key not in checkpoint
    assert {s.op for s in runner.up(MULTI_REGION).expect_ok().result.steps} == {"same"}
