"""Crafted resources for the policy tests, shaped as the provider's classes register them (plus ``__provider``)."""

from __future__ import annotations

from typing import Any

from pulumi_posthog import destinations

from tests.policies.analyzer import Res

ORGANIZATION = "pulumi-python:dynamic/posthog:Organization"
BATCH_EXPORT = "pulumi-python:dynamic/posthog:BatchExport"
INTEGRATION = "pulumi-python:dynamic/posthog:Integration"
BACKFILL = "pulumi-python:dynamic/posthog:BatchExportBackfill"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
AWS_PROVIDER = "pulumi:providers:aws"
ROLE_ARN = "arn:aws:iam::123456789012:role/posthog-exports"
KMS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BLOB = "ZGlsbCBibG9i"  # stands for the serialized provider, which the engine never shows a policy


def organization(name: str = "org", **props: Any) -> Res:
    """A posthog.Organization."""
    return Res(ORGANIZATION, name, {"name": "Acme", **props, "__provider": BLOB})


def batch_export(name: str = "events", *, destination: Any, interval: Any = "hour", **props: Any) -> Res:
    """A posthog.BatchExport in project 1, with ``verify_destination=True`` unless told otherwise (so that the
    other policies' tests see only their own findings; ``verify_destination=None`` leaves it unset)."""
    props.setdefault("verify_destination", True)
    props = {k: v for k, v in props.items() if not (k == "verify_destination" and v is None)}
    inputs = {"project_id": 1, "name": name, "destination": destination, "interval": interval, **props}
    return Res(BATCH_EXPORT, name, {**inputs, "__provider": BLOB})


def s3(bucket_name: Any = "acme-events", region: Any = "eu-west-1", **config: Any) -> dict[str, Any]:
    """An AwsS3 destination through an integration (the public helper's dict)."""
    return destinations.AwsS3(bucket_name=bucket_name, region=region, prefix="posthog/", integration_id=7, **config)


def encrypted_s3(bucket_name: Any = "acme-events", region: Any = "eu-west-1") -> dict[str, Any]:
    """An AwsS3 destination encrypted with a KMS key."""
    return s3(bucket_name, region, encryption="aws:kms", kms_key_id=KMS_KEY)


def integration(name: str = "lake", *, kind: str = "aws-s3", config: dict[str, Any]) -> Res:
    """A posthog.Integration in project 1."""
    return Res(INTEGRATION, name, {"project_id": 1, "kind": kind, "config": config, "__provider": BLOB})


def backfill(name: str = "fill", *, end_at: Any, start_at: Any = None) -> Res:
    """A posthog.BatchExportBackfill of export 0190…."""
    props = {"project_id": 1, "batch_export_id": "01900000-0000-7000-8000-000000000001", "end_at": end_at}
    if start_at is not None:
        props["start_at"] = start_at
    return Res(BACKFILL, name, {**props, "__provider": BLOB})


def bucket(name: str = "landing", *, bucket_name: Any, type_: str = BUCKET_V2, **outputs: Any) -> Res:
    """An AWS S3 bucket's outputs (``bucket``, ``arn``, and what is given, e.g. ``region``)."""
    return Res(type_, name, {"bucket": bucket_name, "arn": f"arn:aws:s3:::{bucket_name}", **outputs})


def aws_provider(name: str = "eu", region: str = "eu-west-1") -> Res:
    """An explicit AWS provider resource (its inputs)."""
    return Res(AWS_PROVIDER, name, {"region": region, "version": "6.83.0"})
