"""AWS wiring for exports to S3/Redshift: the external id and the trust policy that let PostHog assume a role."""

from __future__ import annotations

import json
from typing import Any

import pulumi

# PostHog's export role per Cloud region (BATCH_EXPORT_S3_EXTERNAL_ROLE_ARN); self-hosted: ask your admin.
POSTHOG_ROLE_ARNS = {
    "us": "arn:aws:iam::309986977637:role/posthog-external-batch-exports",
    "eu": "arn:aws:iam::623789312881:role/posthog-external-batch-exports",
}


def _apply(value: Any, func: Any) -> Any:
    return pulumi.Output.from_input(value).apply(func) if isinstance(value, pulumi.Output) else func(value)


def external_id(organization_id: pulumi.Input[str]) -> Any:
    """``posthog-<organization uuid>``: the sts:ExternalId PostHog sends when assuming your role."""
    return _apply(organization_id, lambda org: f"posthog-{org}")


def _policy(organization_id: str, principal: str) -> str:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowPostHogBatchExports",
                "Effect": "Allow",
                "Principal": {"AWS": principal},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": f"posthog-{organization_id}"}},
            }
        ],
    }
    return json.dumps(document, indent=2)


def trust_policy(organization_id: pulumi.Input[str], region: str = "us", principal_arn: str | None = None) -> Any:
    """The IAM trust policy (JSON) letting PostHog's export role assume yours, bound to the external id.

    ``region`` is the PostHog Cloud region (``"us"`` or ``"eu"``); pass ``principal_arn`` for self-hosted PostHog.
    """
    if principal_arn is None:
        if region not in POSTHOG_ROLE_ARNS:
            raise ValueError(f"region must be 'us' or 'eu' (PostHog Cloud), or pass principal_arn; got {region!r}")
        principal_arn = POSTHOG_ROLE_ARNS[region]
    principal = principal_arn
    return _apply(organization_id, lambda org: _policy(org, principal))
