"""Shared pieces of the per-kind integration builders: context, errors, named create and upsert."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError

from pulumi_posthog.local.models import Integration, User


@dataclass(frozen=True)
class BuildContext:
    """What a builder knows about the request: the URL's team, its organization and the caller."""

    team_id: int
    organization_id: str
    user: User


def fail(message: str) -> ValidationError:
    """PostHog re-raises every kind-specific error as ``ValidationError(str(e))``: a 400, ``attr`` null."""
    return ValidationError(message)


def required_str(config: Mapping[str, Any], key: str, friendly_name: str, kind: str) -> str:
    """PostHog's ``_return_non_empty_str_from_config``: missing, non-string and empty values all fail."""
    value = config.get(key)
    if value is not None and isinstance(value, str) and len(value) > 0:
        return value
    raise fail(f"{friendly_name} is required for {kind} integration")


def create_named(
    ctx: BuildContext, kind: str, name: str, config: dict[str, Any], sensitive_config: dict[str, Any]
) -> Integration:
    """Named kinds are created, never upserted: a name taken for this team and kind is a 400."""
    try:
        with transaction.atomic():
            return Integration.objects.create(
                team_id=ctx.team_id,
                kind=kind,
                integration_id=name,
                config=config,
                sensitive_config=sensitive_config,
                created_by=ctx.user,
            )
    except IntegrityError:
        raise fail(f"An integration named '{name}' already exists") from None


def upsert(
    ctx: BuildContext,
    kind: str,
    integration_id: str,
    config: dict[str, Any],
    sensitive_config: dict[str, Any],
) -> Integration:
    """Upsert kinds overwrite the row with the same derived id (same ``id``), then clear ``errors``."""
    integration, _ = Integration.objects.update_or_create(
        team_id=ctx.team_id,
        kind=kind,
        integration_id=integration_id,
        defaults={"config": config, "sensitive_config": sensitive_config, "created_by": ctx.user},
    )
    if integration.errors:
        integration.errors = ""
        integration.save()
    return integration
