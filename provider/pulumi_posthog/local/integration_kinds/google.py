"""google-cloud-service-account: PostHog's ``GoogleCloudServiceAccountIntegration`` (BigQuery; upsert)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_posthog.local.integration_kinds.common import BuildContext, fail, upsert
from pulumi_posthog.local.models import Integration

KIND = "google-cloud-service-account"
TOKEN_URIS = frozenset({"https://oauth2.googleapis.com/token", "https://accounts.google.com/o/oauth2/token"})
INVALID_TOKEN_URI = (
    "The token_uri in your Google Cloud JSON key file is not Google's OAuth token endpoint. Please download "
    "a fresh service account key from Google Cloud and re-upload the JSON file without editing it."
)


def email_used_by_another_organization(email: str, organization_id: str) -> bool:
    """An impersonated service account (no private key stored) may belong to one organization only."""
    rows = (
        Integration.objects.select_related("team")
        .filter(kind=KIND, config__service_account_email=email)
        .exclude(sensitive_config__has_key="private_key")
    )
    return any(str(row.team.organization_id) != organization_id for row in rows)


def build_google_service_account(config: Mapping[str, Any], ctx: BuildContext) -> Integration:
    """Key-file variant when private_key, private_key_id and token_uri are all strings; else impersonated."""
    email, project_id = config.get("service_account_email"), config.get("project_id")
    if not (email and project_id):
        raise fail("Service account email and project ID must be provided")
    if not all(isinstance(value, str) for value in (email, project_id)):
        raise fail("Service account email and project ID must be strings")
    private_key = config.get("private_key", None)
    private_key_id = config.get("private_key_id", None)
    token_uri = config.get("token_uri", None)
    if private_key is None and email_used_by_another_organization(email, ctx.organization_id):
        raise fail("Cannot create Google Cloud service account integration: Invalid service account")
    secrets: dict[str, str] = {}
    if isinstance(private_key, str) and isinstance(private_key_id, str) and isinstance(token_uri, str):
        if token_uri.strip() not in TOKEN_URIS:
            raise fail(INVALID_TOKEN_URI)
        secrets = {
            "private_key": private_key,
            "private_key_id": private_key_id,
            "token_uri": token_uri.strip(),
        }
    variant = "key-file" if secrets else "impersonated"
    stored = {"project_id": project_id, "service_account_email": email}
    return upsert(ctx, KIND, f"{email}-{ctx.team_id}-{variant}", stored, secrets)
