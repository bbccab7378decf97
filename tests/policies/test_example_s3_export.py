"""examples/s3-export under the program runner (PostHog on posthog-local, AWS echoed), then through the analyzer:
its preview gets the advisories of values not known yet, its update passes every policy."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import LocalServer
from tests.harness import MiniEngine, ProgramRunner, Secret
from tests.policies.analyzer import Diagnostic, PolicyAnalyzer, Res, from_run, summary

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "s3-export"
ACCOUNT = "123456789012"
REGION = "eu-west-1"


def _id(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:8]


def _bucket(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    bucket = inputs.get("bucket") or f"{name}-{_id(name)}"  # the provider's autoname
    return {"bucket": bucket, "arn": f"arn:aws:s3:::{bucket}", "region": inputs.get("region") or REGION}


def _key(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"keyId": _id(name), "arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{_id(name)}"}


def _role(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}-{_id(name)}"}


AWS = {"aws:s3/bucket:Bucket": _bucket, "aws:kms/key:Key": _key, "aws:iam/role:Role": _role}


@pytest.fixture
def runner(posthog_local: LocalServer) -> ProgramRunner:
    """The example's stack: PostHog config, ``aws:region``, and a project of its own."""
    name = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())["name"]
    config = {
        "posthog:host": posthog_local.url,
        "posthog:apiKey": Secret(posthog_local.api_key),
        "aws:region": REGION,
        f"{name}:projectId": str(posthog_local.new_project()),
    }
    return ProgramRunner(MiniEngine(config, project=name, stack="test", echo=AWS))


def analyze(resources: tuple[list[Res], list[Res]], *, dry_run: bool) -> list[Diagnostic]:
    inputs, outputs = resources
    analyzer = PolicyAnalyzer(stack_config={"aws:region": REGION}, dry_run=dry_run)
    return [d for res in inputs for d in analyzer.analyze(res)] + analyzer.analyze_stack(outputs)


def test_the_s3_export_example_preview_then_update_through_the_pack(runner: ProgramRunner) -> None:
    pytest.importorskip("pulumi_aws", reason="examples/s3-export needs pulumi-aws (the examples' dev dependency)")
    preview = runner.preview(EXAMPLE / "__main__.py").expect_ok()
    planned = analyze(from_run(preview), dry_run=True)

    up = runner.up(EXAMPLE / "__main__.py").expect_ok()
    inputs, outputs = from_run(up)
    updated = analyze((inputs, outputs), dry_run=False)
    without_bucket = PolicyAnalyzer(stack_config={"aws:region": REGION}, dry_run=False).analyze_stack(
        [res for res in outputs if res.type != "aws:s3/bucket:Bucket"]
    )

    # preview: the KMS-derived encryption and the new bucket's name are not known yet
    assert summary(planned) == {
        ("posthog-export-s3-encryption", "advisory", "events-to-s3"),
        ("posthog-export-bucket-in-stack", "advisory", ""),  # a stack policy's advisory names no resource
    }
    assert all(d.is_preview_advisory for d in planned)
    assert {d.message.split(" value at ")[1].split(" ")[0] for d in planned} == {
        ".destination.config.encryption",
        ".destination.config.bucket_name",
    }
    # update: role integration, aws:kms with its key, the stack's own bucket in its region — nothing to report
    assert updated == []
    # … and it is the stack's bucket that satisfies the stack policy
    assert summary(without_bucket) == {("posthog-export-bucket-in-stack", "advisory", "events-to-s3")}
