"""Every example's `pulumi up` passes the repo's policy pack (policy/, default configuration): what the docs claim
and what the CI recipe enforces. The examples run under the program runner; the pack through the analyzer the CLI
calls (tests/policies/analyzer.py)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import LocalServer
from tests.examples.conftest import ROOT, OrgOwner, aws_echo, new_org_owner, program, runner_for
from tests.harness import Secret
from tests.policies.analyzer import PolicyAnalyzer, from_run

REGION = "eu-west-1"


def diagnostics_after_up(runner_args: dict, example: str, pack_config: dict | None = None) -> list:
    runner = runner_for(example, **runner_args)
    run = runner.up(program(example)).expect_ok()
    inputs, outputs = from_run(run)
    analyzer = PolicyAnalyzer(pack_config, stack_config={"aws:region": REGION}, dry_run=False)
    return [d for res in inputs for d in analyzer.analyze(res)] + analyzer.analyze_stack(outputs)


@pytest.mark.parametrize("example", ["s3-export", "organization-settings", "backfill"])
def test_the_example_passes_every_policy(example: str, org_owner: OrgOwner) -> None:
    config = {"aws:region": REGION, "organizationId": org_owner.organization}
    found = diagnostics_after_up(
        {"server": org_owner.server, "key": org_owner.key, "config": config, "echo": aws_echo()}, example
    )
    assert found == []


def test_the_s3_export_passes_the_stricter_example_config_too(org_owner: OrgOwner) -> None:
    """examples/s3-export/README.md runs it with policy/policy-config.example.json."""
    pack_config = json.loads((ROOT / "policy" / "policy-config.example.json").read_text())
    args = {"server": org_owner.server, "key": org_owner.key, "config": {"aws:region": REGION}, "echo": aws_echo()}
    assert diagnostics_after_up(args, "s3-export", pack_config) == []


def test_the_quickstart_passes_every_policy(fresh_local: Callable[..., LocalServer]) -> None:
    assert diagnostics_after_up({"server": fresh_local("latest")}, "quickstart") == []


def test_the_multi_region_example_passes_every_policy(
    org_owner: OrgOwner, fresh_local: Callable[..., LocalServer]
) -> None:
    eu = new_org_owner(fresh_local("latest"), "Acme EU")
    config = {
        "posthog:connections": Secret(json.dumps({"eu": {"host": eu.server.url, "apiKey": eu.key}})),
        "usMirrorToken": Secret("phc_us_token"),
        "euMirrorToken": Secret("phc_eu_token"),
    }
    found = diagnostics_after_up({"server": org_owner.server, "key": org_owner.key, "config": config}, "multi-region")
    assert found == []
