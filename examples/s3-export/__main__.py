"""PostHog events → an encrypted, versioned S3 bucket, in one program: bucket → role → Integration → BatchExport.

PostHog writes to the bucket by assuming an IAM role in your AWS account. The role's trust policy (from
``posthog.aws.trust_policy``) lets only PostHog's export role assume it, and only with the external id
``posthog-<organization id>``; its inline policy allows what an export needs and nothing else.

Stack config:
  aws:region                  the AWS region of the bucket (required by the AWS provider)
  posthogRegion               PostHog Cloud region whose export role is trusted: "us" (default) or "eu"
  posthogPrincipalArn         self-hosted PostHog: the role ARN your instance exports with (instead of posthogRegion)
  projectId                   the PostHog project to export (default: the current organization's first project)
  prefix                      the key prefix of exported files (default "posthog/events/")
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_posthog as posthog

config = pulumi.Config()
prefix = config.get("prefix") or "posthog/events/"

# The organization and project the PostHog API key belongs to (a lookup, nothing is managed).
current = posthog.get_organization("@current")
organization_id = current["id"]
project_id = config.get_int("projectId") or int(current["projects"][0]["id"])

# --- AWS: a KMS key, a private versioned bucket encrypted with it ---------------------------------------------
key = aws.kms.Key(
    "posthog-exports",
    description="Encrypts PostHog batch exports",
    deletion_window_in_days=7,
    enable_key_rotation=True,
)
bucket = aws.s3.Bucket("posthog-exports")
aws.s3.BucketVersioning(
    "posthog-exports",
    bucket=bucket.id,
    versioning_configuration={"status": "Enabled"},
)
encryption = aws.s3.BucketServerSideEncryptionConfiguration(
    "posthog-exports",
    bucket=bucket.id,
    rules=[
        {
            "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn},
            "bucket_key_enabled": True,
        }
    ],
)
aws.s3.BucketPublicAccessBlock(
    "posthog-exports",
    bucket=bucket.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)

# --- AWS: the role PostHog assumes, and exactly what it may do --------------------------------------------------
role = aws.iam.Role(
    "posthog-exports",
    description="Assumed by PostHog batch exports (external id posthog-<organization id>)",
    assume_role_policy=posthog.aws.trust_policy(
        organization_id,
        region=config.get("posthogRegion") or "us",
        principal_arn=config.get("posthogPrincipalArn"),
    ),
)


def least_privilege(bucket_arn: str, key_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "WriteExportFiles",
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
                    "Resource": f"{bucket_arn}/{prefix}*",
                },
                {"Sid": "FindTheBucket", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket_arn},
                {
                    "Sid": "EncryptWithTheBucketKey",
                    "Effect": "Allow",
                    "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                    "Resource": key_arn,
                },
            ],
        }
    )


policy = aws.iam.RolePolicy(
    "posthog-exports",
    role=role.id,
    policy=pulumi.Output.all(bucket.arn, key.arn).apply(lambda arns: least_privilege(*arns)),
)

# --- PostHog: the role as an Integration, and the export that uses it ------------------------------------------
# PostHog checks at create time that it can assume the role: create the Integration after the role's policy.
integration = posthog.Integration(
    "s3-exports",
    project_id=project_id,
    kind="aws-s3",
    config={"name": "s3-exports", "aws_role_arn": role.arn},
    opts=pulumi.ResourceOptions(depends_on=[policy]),
)

sse_algorithm = encryption.rules.apply(lambda rules: rules[0].apply_server_side_encryption_by_default.sse_algorithm)

export = posthog.BatchExport(
    "events-to-s3",
    project_id=project_id,
    name="events to S3",
    interval="hour",
    destination=posthog.destinations.AwsS3(
        bucket_name=bucket.bucket,
        region=bucket.region,
        prefix=prefix,
        file_format="Parquet",
        compression="zstd",
        encryption=sse_algorithm,
        kms_key_id=key.arn,
        integration_id=integration,  # the resource itself: its id is sent, its kind is checked at preview
    ),
    verify_destination=True,  # `pulumi up` runs PostHog's destination test before it creates or re-points it
)

pulumi.export("bucket", bucket.bucket)
pulumi.export("role_arn", role.arn)
pulumi.export("external_id", posthog.aws.external_id(organization_id))
pulumi.export("integration_id", integration.id)
pulumi.export("batch_export_id", export.id)
