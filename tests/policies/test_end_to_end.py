"""A program with the public classes previewed under the program runner, then fed to the analyzer like the CLI does:
``Analyze`` on each resource's checked inputs, ``AnalyzeStack`` on the planned outputs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_posthog as posthog
import pytest

from tests.harness import MiniEngine, ProgramRun, ProgramRunner, Secret
from tests.policies.analyzer import Diagnostic, PolicyAnalyzer, from_run, only, summary
from tests.policies.test_config import EXAMPLE_CONFIG

BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
ROLE_ARN = "arn:aws:iam::123456789012:role/posthog-exports"
PROJECT = 2
# Preview makes no PostHog call (the provider checks offline), so the host is never contacted.
STACK_CONFIG = {"posthog:host": "http://127.0.0.1:9", "posthog:apiKey": Secret("phx_never_sent")}


class BucketV2(pulumi.CustomResource):
    """Enough of ``aws.s3.BucketV2`` for a program (type token and outputs); the engine echoes it."""

    bucket: pulumi.Output[str]
    arn: pulumi.Output[str]
    region: pulumi.Output[str]

    def __init__(self, name: str, bucket: str) -> None:
        super().__init__(BUCKET_V2, name, {"bucket": bucket, "arn": None, "region": None})


def echo_bucket(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"arn": f"arn:aws:s3:::{inputs['bucket']}", "region": "eu-west-1"}


def s3_export_program(bucket_name: str = "acme-events") -> Callable[[], None]:
    """Bucket → role Integration → encrypted-less AwsS3 export of that bucket, an org, a 59-day backfill."""

    def program() -> None:
        bucket = BucketV2("landing", bucket=bucket_name)
        posthog.Organization("org", name="Acme")  # enforce_2fa unset; deletion_protection left at its default
        lake = posthog.Integration(
            "lake", project_id=PROJECT, kind="aws-s3", config={"name": "lake", "aws_role_arn": ROLE_ARN}
        )
        export = posthog.BatchExport(
            "events",
            project_id=PROJECT,
            name="events to s3",
            interval="hour",
            destination=posthog.destinations.AwsS3(
                bucket_name=bucket.bucket, region="eu-west-1", prefix="posthog/", integration_id=lake
            ),
        )
        posthog.BatchExportBackfill(
            "fill", project_id=PROJECT, batch_export_id=export.id, start_at="2026-01-01", end_at="2026-03-01"
        )

    return program


def preview(program: Callable[[], None]) -> ProgramRun:
    runner = ProgramRunner(MiniEngine(STACK_CONFIG, echo={BUCKET_V2: echo_bucket}))
    return runner.preview(program).expect_ok()


def analyze(run: ProgramRun, config: dict[str, Any] | None = None, aws_region: str = "eu-west-1") -> list[Diagnostic]:
    inputs, outputs = from_run(run)
    analyzer = PolicyAnalyzer(config, stack_config={"aws:region": aws_region})
    return [d for res in inputs for d in analyzer.analyze(res)] + analyzer.analyze_stack(outputs)


@pytest.fixture(scope="module")
def s3_export_preview() -> ProgramRun:
    return preview(s3_export_program())


def test_the_preview_registers_the_provider_type_tokens(s3_export_preview: ProgramRun) -> None:
    assert [(r.type, r.name) for r in s3_export_preview.resources] == [
        (BUCKET_V2, "landing"),
        ("pulumi-python:dynamic/posthog:Organization", "org"),
        ("pulumi-python:dynamic/posthog:Integration", "lake"),
        ("pulumi-python:dynamic/posthog:BatchExport", "events"),
        ("pulumi-python:dynamic/posthog:BatchExportBackfill", "fill"),
    ]


def test_the_default_pack_reports_2fa_encryption_and_the_long_backfill(s3_export_preview: ProgramRun) -> None:
    found = analyze(s3_export_preview)

    assert summary(found) == {
        ("posthog-organization-enforce-2fa", "mandatory", "org"),
        ("posthog-export-s3-encryption", "advisory", "events"),
        ("posthog-backfill-max-range", "mandatory", "fill"),
        ("posthog-export-verify-destination", "advisory", "events"),
    }
    assert "spans 59 days (2026-01-01 → 2026-03-01)" in only(found, "posthog-backfill-max-range")[0].message
    assert not any(d.is_preview_advisory for d in found)  # unknown ids (integration, export) are never read


def test_the_stack_policy_sees_the_bucket_and_checks_its_region(s3_export_preview: ProgramRun) -> None:
    in_region = only(analyze(s3_export_preview), "posthog-export-bucket-in-stack")
    elsewhere = only(analyze(s3_export_preview, aws_region="us-east-1"), "posthog-export-bucket-in-stack")

    assert in_region == []
    assert [(d.level, d.resource) for d in elsewhere] == [("advisory", "events")]
    assert "bucket 'acme-events' is in us-east-1" in elsewhere[0].message


def test_a_bucket_outside_the_stack_is_reported() -> None:
    def program() -> None:
        s3_export_program("acme-events")()
        posthog.BatchExport(
            "archive",
            project_id=PROJECT,
            name="archive",
            interval="day",
            destination=posthog.destinations.AwsS3(
                bucket_name="legacy-archive", region="eu-west-1", prefix="p/", integration_id=7, encryption="AES256"
            ),
        )

    found = only(analyze(preview(program)), "posthog-export-bucket-in-stack")

    assert [(d.level, d.resource) for d in found] == [("advisory", "archive")]
    assert "'legacy-archive'" in found[0].message


def test_the_example_policy_config_changes_what_the_same_preview_reports(s3_export_preview: ProgramRun) -> None:
    found = analyze(s3_export_preview, json.loads(EXAMPLE_CONFIG.read_text()))

    assert summary(found) == {
        ("posthog-organization-enforce-2fa", "mandatory", "org"),
        ("posthog-export-s3-encryption", "mandatory", "events"),
        ("posthog-backfill-max-range", "mandatory", "fill"),
        ("posthog-export-verify-destination", "advisory", "events"),
    }
    assert "more than the 7 allowed" in only(found, "posthog-backfill-max-range")[0].message
