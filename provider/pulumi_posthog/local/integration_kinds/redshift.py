"""aws-redshift: PostHog's view picks one of three backends from the keys present in ``config``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_posthog.local.integration_kinds.aws import build_access_key, build_role
from pulumi_posthog.local.integration_kinds.common import BuildContext, fail
from pulumi_posthog.local.integration_kinds.postgres import build_postgres
from pulumi_posthog.local.models import Integration


def build_aws_redshift(config: Mapping[str, Any], ctx: BuildContext) -> Integration:
    """Role (named), access keys (named, checked before plain since both carry ``user``), plain (upsert)."""
    if "aws_role_arn" in config:
        return build_role("aws-redshift", config, ctx)
    if any(key in config for key in ("aws_access_key_id", "aws_secret_access_key")):
        return build_access_key("aws-redshift", config, ctx)
    if any(key in config for key in ("host", "port", "user", "password")):
        return build_postgres("aws-redshift", config, ctx)
    raise fail("Missing required inputs")
