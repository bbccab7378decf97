"""First-start bootstrap, idempotent: a user, an organization it owns, a default project, a `*` key."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from pulumi_posthog.local.models import (
    Organization,
    OrganizationMembership,
    PersonalAPIKey,
    Team,
    User,
    hash_key_value,
)
from pulumi_posthog.local.projects import create_project_with_team
from pulumi_posthog.local.views.organizations import ALL_FEATURES, unique_slug

BOOTSTRAP_EMAIL = "local@posthog-local.dev"
BOOTSTRAP_KEY_LABEL = "posthog-local bootstrap"


@dataclass(frozen=True)
class Bootstrapped:
    user: User
    organization: Organization
    team: Team


def bootstrap(api_key: str) -> Bootstrapped:
    with transaction.atomic():
        user, _ = User.objects.get_or_create(
            email=BOOTSTRAP_EMAIL, defaults={"first_name": "Local", "distinct_id": "posthog-local"}
        )
        owned = OrganizationMembership.objects.filter(user=user, level=OrganizationMembership.Level.OWNER)
        membership = owned.select_related("organization").order_by("joined_at").first()
        org = membership.organization if membership else None
        if org is None:
            org = Organization.objects.create(
                name="posthog-local", slug=unique_slug("posthog-local"), available_product_features=ALL_FEATURES
            )
            OrganizationMembership.objects.create(organization=org, user=user, level=OrganizationMembership.Level.OWNER)
        team = org.teams.order_by("id").first() or create_project_with_team(org)
        if user.organization is None or user.team is None:
            user.current_organization = org
            user.current_team = team
            user.save(update_fields=["current_organization", "current_team"])
        secure = hash_key_value(api_key)
        key = PersonalAPIKey.objects.filter(user=user, label=BOOTSTRAP_KEY_LABEL).first()
        if key is None:
            PersonalAPIKey.objects.filter(secure_value=secure).delete()
            PersonalAPIKey.objects.create(
                user=user, label=BOOTSTRAP_KEY_LABEL, secure_value=secure, mask_value=mask(api_key), scopes=["*"]
            )
        elif key.secure_value != secure:
            key.secure_value = secure
            key.mask_value = mask(api_key)
            key.save(update_fields=["secure_value", "mask_value"])
    return Bootstrapped(user=user, organization=org, team=team)


def mask(value: str) -> str:
    """PostHog shows keys as their first and last few characters."""
    return f"{value[:4]}...{value[-4:]}" if len(value) > 12 else "********"
