"""posthog-export-bucket-in-stack through AnalyzeStack: the AwsS3 export's bucket is an AWS bucket of the stack."""

from __future__ import annotations

import os

import pulumi
from pulumi.runtime import config, settings
from pulumi_posthog import destinations

from tests.harness import Unknown
from tests.policies.analyzer import PolicyAnalyzer, only, summary
from tests.policies.resources import BUCKET, aws_provider, batch_export, bucket, encrypted_s3

POLICY = "posthog-export-bucket-in-stack"


def test_an_export_to_a_bucket_v2_of_the_stack_in_its_region_passes(analyzer: PolicyAnalyzer) -> None:
    landing = bucket(bucket_name="acme-events", region="eu-west-1")
    export = batch_export(destination=encrypted_s3("acme-events", "eu-west-1"))

    assert analyzer.analyze_stack([landing, export]) == []


def test_an_export_to_a_legacy_bucket_resource_passes(analyzer: PolicyAnalyzer) -> None:
    legacy = bucket(bucket_name="acme-events", type_=BUCKET, region="eu-west-1")

    assert analyzer.analyze_stack([legacy, batch_export(destination=encrypted_s3("acme-events"))]) == []


def test_an_export_to_a_bucket_the_stack_does_not_manage_is_flagged_on_the_export(analyzer: PolicyAnalyzer) -> None:
    other = bucket(bucket_name="acme-logs", region="eu-west-1")
    export = batch_export(destination=encrypted_s3("someone-elses-bucket"))

    found = analyzer.analyze_stack([other, export])

    assert [(d.policy, d.level, d.urn) for d in found] == [(POLICY, "advisory", export.urn)]
    assert "'someone-elses-bucket'" in found[0].message and "pass bucket.bucket as bucket_name" in found[0].message


def test_a_bucket_in_another_region_is_flagged_with_the_region_to_set(analyzer: PolicyAnalyzer) -> None:
    landing = bucket(bucket_name="acme-events", region="us-east-1")
    export = batch_export(destination=encrypted_s3("acme-events", "eu-west-1"))

    found = analyzer.analyze_stack([landing, export])

    assert summary(found) == {(POLICY, "advisory", "events")}
    assert "region='eu-west-1'" in found[0].message and "region to 'us-east-1'" in found[0].message


def test_a_bucket_without_a_region_output_is_in_the_stacks_aws_region() -> None:
    landing = bucket(bucket_name="acme-events")  # no region output (e.g. an older provider, or a preview)
    export = batch_export(destination=encrypted_s3("acme-events", "eu-west-1"))

    same = PolicyAnalyzer(stack_config={"aws:region": "eu-west-1"}).analyze_stack([landing, export])
    other = PolicyAnalyzer(stack_config={"aws:region": "ap-south-1"}).analyze_stack([landing, export])

    assert same == []
    assert summary(other) == {(POLICY, "advisory", "events")} and "is in ap-south-1" in other[0].message


def test_a_region_not_known_yet_is_the_buckets_provider_region(analyzer: PolicyAnalyzer) -> None:
    """In a preview a new bucket's computed region is unknown: its explicit provider decides, not aws:region."""
    provider = aws_provider("us", region="us-east-2")
    landing = bucket(bucket_name="acme-events", region=Unknown())
    landing.provider = provider
    export = batch_export(destination=encrypted_s3("acme-events", "eu-west-1"))

    found = analyzer.analyze_stack([provider, landing, export])

    assert summary(found) == {(POLICY, "advisory", "events")} and "is in us-east-2" in found[0].message


def test_with_no_region_anywhere_the_bucket_name_alone_is_checked() -> None:
    landing = bucket(bucket_name="acme-events")
    export = batch_export(destination=encrypted_s3("acme-events", "eu-west-1"))

    assert PolicyAnalyzer(stack_config={}).analyze_stack([landing, export]) == []


def test_other_destinations_and_stacks_without_s3_exports_are_not_checked(analyzer: PolicyAnalyzer) -> None:
    r2 = destinations.S3Compatible(bucket_name="not-here", region="auto", prefix="p/", integration_id=5)
    nameless = bucket("pending", bucket_name=Unknown())  # never read: no AwsS3 export needs it

    found = analyzer.analyze_stack([nameless, batch_export("r2", destination=r2)])

    assert found == []


def test_an_unknown_bucket_name_gives_the_preview_advisory(analyzer: PolicyAnalyzer) -> None:
    landing = bucket(bucket_name="acme-events", region="eu-west-1")
    export = batch_export(destination=encrypted_s3(Unknown()))

    found = only(analyzer.analyze_stack([landing, export]), POLICY)

    assert [d.level for d in found] == ["advisory"] and found[0].is_preview_advisory
    assert ".destination.config.bucket_name can't be known during preview" in found[0].message


def test_the_stack_config_reaches_the_pack_only() -> None:
    """``aws:region`` comes from PULUMI_CONFIG in the pack's environment; the test process keeps its own settings."""
    before = (dict(os.environ), settings.SETTINGS.project, settings.is_dry_run(), dict(config.CONFIG.get()))
    landing = bucket(bucket_name="acme-events")

    found = PolicyAnalyzer(stack_config={"aws:region": "sa-east-1"}).analyze_stack(
        [landing, batch_export(destination=encrypted_s3("acme-events", "eu-west-1"))]
    )

    assert "is in sa-east-1" in found[0].message
    assert (dict(os.environ), settings.SETTINGS.project, settings.is_dry_run(), dict(config.CONFIG.get())) == before
    assert pulumi.Config("aws").get("region") is None
