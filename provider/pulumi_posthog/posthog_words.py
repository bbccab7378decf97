"""PostHog's own words and tables, as its source has them: posthog-local serves them, the provider checks early with
them, and neither keeps a second copy. Imports nothing (``scripts/check_rooms.py``), so both rooms may read it.

Sources (``PostHog/posthog``):

- ``posthog/security/url_validation.py``: ``METADATA_HOSTS``, the loopback set of ``_blocked_host_reason``,
  ``INTERNAL_DOMAIN_PATTERNS``, ``INVALID_HOST_MESSAGE`` and ``UNREACHABLE_HOST_MESSAGE`` (every refusal but a shape
  error shares the second, so an error cannot map PostHog's network);
- ``posthog/models/integration/aws.py`` (``validate_aws_role_arn``): ``ROLE_NOT_VALID``, also what STS answers for a
  role IAM has not propagated yet;
- ``posthog/models/integration/postgres.py``: ``host_not_valid``;
- ``products/batch_exports/backend/api/batch_export.py`` (``validate_destination``): ``WRONG_KIND``, the message when
  an export's ``integration`` is of another kind.
"""

from __future__ import annotations

METADATA_HOSTS = frozenset({"169.254.169.254", "metadata.google.internal"})
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
INTERNAL_DOMAIN_PATTERNS = (
    ".local",
    ".internal",
    ".svc.cluster.local",
    ".cluster.local",
    ".consul",
    ".lan",
    ".home",
    ".corp",
    ".localdomain",
    ".home.arpa",
    ".intranet",
    ".priv",
)
INVALID_HOST = "Invalid host. Enter a hostname or IP address without credentials, scheme, or path."
UNREACHABLE_HOST = "Could not reach this host. Check that the hostname is correct and reachable from the internet."
ROLE_NOT_VALID = "AWS role ARN is not valid"
WRONG_KIND = {
    "Postgres": "Integration is not a PostgreSQL integration.",
    "Redshift": "Integration is not a Redshift integration.",
    "Snowflake": "Integration is not a Snowflake integration.",
    "BigQuery": "Integration is not a Google Cloud service account integration.",
    "Databricks": "Integration is not a Databricks integration.",
    "AzureBlob": "Integration is not an Azure Blob integration.",
}


def host_not_valid(host: str) -> str:
    """What a Postgres or Redshift integration answers for a host it refuses or cannot resolve."""
    return f"Provided host '{host}' is not valid"
