"""``display_name``: PostHog's ``Integration.display_name`` property for the batch-export kinds."""

from __future__ import annotations

from pulumi_posthog.local.models import Integration


def _aws_detail(integration: Integration) -> str:
    config = integration.config or {}
    role, account_id = config.get("aws_role_arn"), config.get("aws_account_id")
    host, user = config.get("host"), config.get("user")
    if role:
        return f"AWS role '{role}'"
    if account_id:
        return f"AWS account {account_id}"
    if integration.kind == "aws-redshift" and user and host:
        return f"{user}@{host}"
    return "access key"


def display_name(integration: Integration) -> str:
    kind, config = integration.kind, integration.config or {}
    name = integration.integration_id or "unknown ID"
    if kind == "databricks":
        return name
    if kind in ("aws-s3", "aws-redshift"):
        return f"{name} ({_aws_detail(integration)})"
    if kind == "s3-compatible":
        endpoint_url = config.get("endpoint_url")
        return f"{name} ({f'access key, {endpoint_url}' if endpoint_url else 'access key'})"
    if kind == "snowflake":
        auth_type = config.get("authentication_type", "password")
        return f"{name} (account: {config.get('account')}, {auth_type} auth)"
    return f"ID: {integration.integration_id}"
