"""Per-kind builders for the eight batch-export integration kinds, with PostHog's validation and messages.

Each builder validates ``config`` in PostHog's order, splits it into the visible ``config`` and the
``sensitive_config`` (never serialized), derives ``integration_id`` and writes the row. Named kinds (aws-s3,
s3-compatible, snowflake, aws-redshift in role/access-key mode) are created, and a taken name is a 400.
Upsert kinds (postgresql, plain aws-redshift, databricks, azure-blob, google-cloud-service-account) overwrite
the row with the same derived id. Unknown config keys are dropped: a builder stores only the keys it knows.

Known differences from PostHog (posthog-local never talks to AWS, Google, Azure, Databricks or DNS):

- aws-s3 / aws-redshift access-key mode: PostHog checks the key pair with STS ``GetCallerIdentity`` and
  stores the account it returns as ``config.aws_account_id``. posthog-local accepts any non-empty key pair
  and stores the placeholder account ``000000000000`` (``aws.PLACEHOLDER_AWS_ACCOUNT_ID``), so
  ``display_name`` reads ``"<name> (AWS account 000000000000)"``. PostHog's "AWS credentials are not
  valid: …" and "Could not validate AWS credentials: …" errors never occur.
- aws-s3 / aws-redshift role mode: the ARN format check, the one-organization-per-role rule and the external
  id (``posthog-<organization uuid>``) are implemented. PostHog's assume-role round trips (its own role, the
  "allows access without a required external id" probe, the ``ExternalId`` assume) are skipped, so any
  well-formed ARN is accepted, except while ``PUT /_local/aws {"assume_role_fails_for_seconds": N}`` makes a
  role first seen less than N seconds ago fail as an unpropagated IAM role does ("AWS role ARN is not valid").
- SSRF checks (s3-compatible ``endpoint_url``, postgresql/Redshift ``host``, databricks ``server_hostname``,
  azure-blob endpoints): every check PostHog makes without the network is made, as PostHog Cloud runs it
  (no dev-mode bypass). So ``localhost``, loopback/private/link-local/CGNAT literals, ``169.254.169.254``,
  ``metadata.google.internal`` and internal suffixes such as ``.local`` or ``.internal`` are refused with
  PostHog's messages. Host *names* are never resolved: a well-formed name is taken to resolve to a public
  address (unless ``/_local/dns`` lists it as unresolvable), where PostHog refuses names that do not resolve
  ("Could not resolve host") or that resolve to private addresses. A value that is not a hostname at all is
  refused as "Could not resolve host".
- google-cloud-service-account: PostHog checks no key at create time either. The run-time ownership check
  (``posthog:<org id>`` in the service account's description) belongs to export runs, not to this API.
- Kinds outside the eight: every other real PostHog kind passes the ``kind`` choice field and is answered
  "Kind not supported" (PostHog runs its OAuth/GitHub/e-mail/… flows for many of them), except
  ``slack-posthog-code`` (PostHog's "deprecated" message) and ``google-pubsub``/``google-cloud-storage``
  ("Key file not provided": they need a multipart upload, and JSON requests never carry one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_posthog.local.integration_kinds.aws import build_aws_s3, build_s3_compatible, external_id
from pulumi_posthog.local.integration_kinds.azure import build_azure_blob
from pulumi_posthog.local.integration_kinds.common import BuildContext, fail
from pulumi_posthog.local.integration_kinds.databricks import build_databricks
from pulumi_posthog.local.integration_kinds.display import display_name
from pulumi_posthog.local.integration_kinds.google import build_google_service_account
from pulumi_posthog.local.integration_kinds.postgres import build_postgres
from pulumi_posthog.local.integration_kinds.redshift import build_aws_redshift
from pulumi_posthog.local.integration_kinds.snowflake import build_snowflake
from pulumi_posthog.local.models import Integration

Builder = Callable[[Mapping[str, Any], BuildContext], Integration]


def _postgresql(config: Mapping[str, Any], ctx: BuildContext) -> Integration:
    return build_postgres("postgresql", config, ctx)


BUILDERS: dict[str, Builder] = {
    "aws-s3": build_aws_s3,
    "s3-compatible": build_s3_compatible,
    "postgresql": _postgresql,
    "aws-redshift": build_aws_redshift,
    "snowflake": build_snowflake,
    "google-cloud-service-account": build_google_service_account,
    "databricks": build_databricks,
    "azure-blob": build_azure_blob,
}
# Keys the view pops from config before building, so callers cannot inject them (s3-compatible pops two).
POPPED_KEYS = {
    "aws-s3": ("team_id", "created_by", "organization_id"),
    "aws-redshift": ("team_id", "created_by", "organization_id"),
    "postgresql": ("team_id", "created_by", "organization_id"),
    "s3-compatible": ("team_id", "created_by"),
}
DEPRECATED_KIND = "slack-posthog-code"
KEY_FILE_KINDS = ("google-pubsub", "google-cloud-storage")
# PostHog's ``Integration.IntegrationKind`` (posthog/models/integration/model.py @ 63cf1adf).
ALL_KINDS = (
    "anthropic", "apns", "aws-redshift", "aws-s3", "azure-blob", "bing-ads", "clickup", "customerio-app",
    "customerio-track", "customerio-webhook", "databricks", "email", "firebase", "github", "gitlab",
    "google-ads", "google-analytics", "google-calendar", "google-cloud-service-account",
    "google-cloud-storage", "google-pubsub", "google-search-console", "google-sheets", "hubspot",
    "instagram", "intercom", "jira", "linear", "linkedin-ads", "meta-ads", "pardot", "pinterest-ads",
    "postgresql", "posthog", "reddit-ads", "resend", "s3-compatible", "salesforce", "slack",
    "slack-posthog-code", "snapchat", "snowflake", "stripe", "tiktok-ads", "twilio", "vercel",
    "youtube-analytics",
)  # fmt: skip

__all__ = [
    "ALL_KINDS",
    "BUILDERS",
    "DEPRECATED_KIND",
    "POPPED_KEYS",
    "BuildContext",
    "build",
    "display_name",
    "external_id",
]


def build(kind: str, config: dict[str, Any], ctx: BuildContext) -> Integration | None:
    """Build (create or upsert) the integration; None when posthog-local does not handle the kind."""
    if kind in KEY_FILE_KINDS:
        raise fail("Key file not provided")
    builder = BUILDERS.get(kind)
    if builder is None:
        return None
    for key in POPPED_KEYS.get(kind, ()):
        config.pop(key, None)
    return builder(config, ctx)
