"""aws-s3, aws-redshift (role and access-key modes), s3-compatible: PostHog's ``integration/aws.py``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_posthog.local import state
from pulumi_posthog.local.integration_kinds import network
from pulumi_posthog.local.integration_kinds.common import BuildContext, create_named, fail, required_str
from pulumi_posthog.local.models import Integration
from pulumi_posthog.posthog_words import ROLE_NOT_VALID

AWS_ROLE_ARN_RE = re.compile(r"^arn:aws(-[a-z-]+)?:iam::\d{12}:role/.+")
WORKGROUP_ARN_RE = re.compile(r"^arn:aws(-[a-z-]+)?:redshift-serverless:[a-z0-9-]+:\d{12}:workgroup/.+")
AWS_ROLE_KINDS = ("aws-s3", "aws-redshift")
# PostHog asks STS GetCallerIdentity for the account of an access key. posthog-local cannot reach AWS and
# stores this fixed placeholder instead (a known difference, see the package docstring).
PLACEHOLDER_AWS_ACCOUNT_ID = "000000000000"


def external_id(organization_id: str) -> str:
    """The ``sts:ExternalId`` PostHog uses to assume a customer's role: ``posthog-<organization uuid>``."""
    return f"posthog-{organization_id}"


def _aws_str(config: Mapping[str, Any], key: str, friendly_name: str) -> str:
    return required_str(config, key, friendly_name, "AWS")


def _redshift_extra(config: Mapping[str, Any]) -> dict[str, Any]:
    """The database user and optional options both AWS Redshift modes store in ``config``."""
    extra: dict[str, Any] = {"user": _aws_str(config, "user", "Username")}
    groups = config.get("groups")
    if groups is not None:
        if not isinstance(groups, list) or any(not isinstance(g, str) for g in groups) or len(groups) < 1:
            raise fail("Groups must be a list of at least one string")
        extra["groups"] = groups
    auto_create = config.get("auto_create")
    if auto_create is not None:
        if not isinstance(auto_create, bool):
            raise fail("Auto create can only be True or False")
        extra["auto_create"] = auto_create
    workgroup_arn = config.get("workgroup_arn")
    if workgroup_arn is not None:
        if not isinstance(workgroup_arn, str) or not WORKGROUP_ARN_RE.match(workgroup_arn):
            raise fail("Workgroup ARN must be a valid Redshift Serverless workgroup ARN")
        extra["workgroup_arn"] = workgroup_arn
    return extra


def _extra_for(kind: str, config: Mapping[str, Any]) -> dict[str, Any]:
    return _redshift_extra(config) if kind == "aws-redshift" else {}


def role_arn_used_by_another_organization(aws_role_arn: str, organization_id: str) -> bool:
    """PostHog blocks two organizations from assuming the same customer role."""
    return (
        Integration.objects.filter(kind__in=AWS_ROLE_KINDS, config__aws_role_arn=aws_role_arn)
        .exclude(team__organization_id=organization_id)
        .exists()
    )


def build_role(kind: str, config: Mapping[str, Any], ctx: BuildContext) -> Integration:
    """Role mode: ``{name, aws_role_arn}`` (+ Redshift user options); nothing secret is stored."""
    name = _aws_str(config, "name", "A name")
    aws_role_arn = _aws_str(config, "aws_role_arn", "A valid role ARN")
    if role_arn_used_by_another_organization(aws_role_arn, ctx.organization_id):
        raise fail("Cannot create AWS integration: Invalid role")
    extra = _extra_for(kind, config)
    if not AWS_ROLE_ARN_RE.match(aws_role_arn):
        raise fail(ROLE_NOT_VALID)
    # PostHog now assumes its own role, then the customer's with ExternalId=external_id(...), which fails with
    # the same message while IAM has not propagated a new role (posthog/models/integration/aws.py,
    # validate_aws_role_arn). Skipped here, except for that window when /_local/aws sets one.
    window = state.get().assume_role_fails_for_seconds
    if state.role_age(aws_role_arn) < window:
        raise fail(ROLE_NOT_VALID)
    return create_named(ctx, kind, name, {"name": name, "aws_role_arn": aws_role_arn, **extra}, {})


def build_access_key(kind: str, config: Mapping[str, Any], ctx: BuildContext) -> Integration:
    """Access-key mode: the key pair goes to ``sensitive_config``; ``config`` keeps name and account id."""
    name = _aws_str(config, "name", "A name")
    access_key_id = _aws_str(config, "aws_access_key_id", "Access key ID")
    secret_access_key = _aws_str(config, "aws_secret_access_key", "Secret access key")
    # PostHog validates the pair with STS GetCallerIdentity here: skipped locally, placeholder account id.
    extra = _extra_for(kind, config)
    return create_named(
        ctx,
        kind,
        name,
        {"name": name, "aws_account_id": PLACEHOLDER_AWS_ACCOUNT_ID, **extra},
        {"aws_access_key_id": access_key_id, "aws_secret_access_key": secret_access_key},
    )


def build_aws_s3(config: Mapping[str, Any], ctx: BuildContext) -> Integration:
    """The presence of the ``aws_role_arn`` key (not its value) picks the role branch."""
    if "aws_role_arn" in config:
        return build_role("aws-s3", config, ctx)
    return build_access_key("aws-s3", config, ctx)


def build_s3_compatible(config: Mapping[str, Any], ctx: BuildContext) -> Integration:
    """Named kind with the provider's ``endpoint_url`` (SSRF-checked) and a key pair; no credential test."""
    name = required_str(config, "name", "A name", "S3-compatible")
    access_key_id = required_str(config, "aws_access_key_id", "Access key ID", "S3-compatible")
    secret_access_key = required_str(config, "aws_secret_access_key", "Secret access key", "S3-compatible")
    endpoint_url = required_str(config, "endpoint_url", "Endpoint URL", "S3-compatible")
    reason = network.url_block_reason(endpoint_url)
    if reason is not None:
        raise fail(f"Invalid endpoint URL: {reason}")
    return create_named(
        ctx,
        "s3-compatible",
        name,
        {"name": name, "endpoint_url": endpoint_url},
        {"aws_access_key_id": access_key_id, "aws_secret_access_key": secret_access_key},
    )
