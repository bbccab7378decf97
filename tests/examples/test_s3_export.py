"""examples/s3-export: real ``pulumi_aws`` classes (echoed by the engine) wired into a posthog.Integration (role mode)
and a posthog.BatchExport (AwsS3) that runs against posthog-local."""

from __future__ import annotations

import json

from pulumi_posthog.aws import POSTHOG_ROLE_ARNS

from tests.examples.conftest import OrgOwner, aws_echo, program, runner_for
from tests.harness import ProgramRun

S3_EXPORT = program("s3-export")


def by_type(run: ProgramRun, token: str) -> dict:
    [found] = [r for r in run.resources if r.type == token]
    return found.plain_inputs


def test_bucket_role_integration_and_export_are_wired_with_outputs(org_owner: OrgOwner) -> None:
    runner = runner_for(
        "s3-export", org_owner.server, key=org_owner.key, config={"aws:region": "eu-west-1"}, echo=aws_echo()
    )

    preview = runner.preview(S3_EXPORT).expect_ok()
    assert len(preview.result.steps) == 9 and {s.op for s in preview.result.steps} == {"create"}
    assert org_owner.exports() == []

    run = runner.up(S3_EXPORT).expect_ok()
    out = {k: v.value for k, v in run.exports.items()}
    state = {r.type: r for r in runner.engine.resources}
    bucket = state["aws:s3/bucket:Bucket"].plain_outputs
    key_arn = state["aws:kms/key:Key"].plain_outputs["arn"]
    role_arn = state["aws:iam/role:Role"].plain_outputs["arn"]

    # PostHog: the role as an aws-s3 Integration, and the export that uses it
    integrations = org_owner.api("GET", f"/api/projects/{org_owner.project}/integrations/")["results"]
    [integration] = [i for i in integrations if i["kind"] == "aws-s3"]
    assert str(integration["id"]) == out["integration_id"]
    assert integration["config"]["aws_role_arn"] == role_arn == out["role_arn"]
    assert integration["config"]["name"].startswith("s3-exports-")  # auto-suffixed: replaceable without collision
    [export] = org_owner.exports()
    assert export["id"] == out["batch_export_id"] and export["interval"] == "hour"
    destination = export["destination"]
    assert destination["type"] == "AwsS3" and destination["integration"] == integration["id"]
    config = destination["config"]
    assert (config["bucket_name"], config["region"], config["prefix"]) == (
        bucket["bucket"],
        "eu-west-1",
        "posthog/events/",
    )
    assert (config["file_format"], config["compression"]) == ("Parquet", "zstd")
    assert (config["encryption"], config["kms_key_id"]) == ("aws:kms", key_arn)
    assert out["bucket"] == bucket["bucket"]

    # AWS: trust policy bound to PostHog's US export role and the organization's external id
    trust = json.loads(by_type(run, "aws:iam/role:Role")["assumeRolePolicy"])
    [statement] = trust["Statement"]
    assert statement["Principal"] == {"AWS": POSTHOG_ROLE_ARNS["us"]} and statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": f"posthog-{org_owner.organization}"}}
    assert out["external_id"] == f"posthog-{org_owner.organization}"

    # AWS: least privilege — write under the prefix, find the bucket, use the key; nothing else
    policy = json.loads(by_type(run, "aws:iam/rolePolicy:RolePolicy")["policy"])
    granted = {
        (action, statement["Resource"])
        for statement in policy["Statement"]
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    }
    assert granted == {
        ("s3:PutObject", f"{bucket['arn']}/posthog/events/*"),
        ("s3:AbortMultipartUpload", f"{bucket['arn']}/posthog/events/*"),
        ("s3:ListBucket", bucket["arn"]),
        ("kms:GenerateDataKey", key_arn),
        ("kms:Decrypt", key_arn),
    }
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])

    # AWS: versioned, SSE-KMS with the key, not public
    assert by_type(run, "aws:s3/bucketVersioning:BucketVersioning")["versioningConfiguration"] == {"status": "Enabled"}
    [rule] = by_type(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[
        "rules"
    ]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_arn}
    block = by_type(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))

    # the Integration waits for the role's policy (PostHog assumes the role when the Integration is created)
    integration_request = run.resource("s3-exports").request
    assert any(":iam/rolePolicy:RolePolicy::" in urn for urn in integration_request.dependencies)

    again = runner.up(S3_EXPORT).expect_ok()
    assert {s.op for s in again.result.steps} == {"same"}


def test_eu_region_trusts_posthog_eu_and_a_self_hosted_principal_can_be_given(org_owner: OrgOwner) -> None:
    principal = "arn:aws:iam::111122223333:role/self-hosted-posthog-exports"
    for config, expected in (
        ({"posthogRegion": "eu"}, POSTHOG_ROLE_ARNS["eu"]),
        ({"posthogPrincipalArn": principal}, principal),
    ):
        runner = runner_for(
            "s3-export",
            org_owner.server,
            key=org_owner.key,
            config={"aws:region": "eu-west-1", **config},
            echo=aws_echo(),
        )
        run = runner.preview(S3_EXPORT).expect_ok()
        trust = json.loads(by_type(run, "aws:iam/role:Role")["assumeRolePolicy"])
        assert trust["Statement"][0]["Principal"] == {"AWS": expected}
