"""Which of the policy pack's defaults (pulumi_posthog.policies) an exported program does not meet, and why.

The export keeps what PostHog has; where that breaks a default policy the command says so instead of changing it.
Mirrors the rules in ``pulumi_posthog/policies.py`` (importing it would need the ``policy`` extra)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pulumi_posthog.destinations import TESTED_TYPES, TYPES

ENCRYPTED_TYPES = tuple(sorted(name for name, spec in TYPES.items() if "encryption" in spec.fields))


@dataclass(frozen=True)
class PolicyNote:
    policy: str
    level: str
    resource: str
    why: str

    def line(self) -> str:
        return f"policy {self.policy} ({self.level}) not met by {self.resource}: {self.why}"


def organization_notes(resource: str, org: dict[str, Any]) -> list[PolicyNote]:
    if org.get("enforce_2fa") is True:
        return []
    return [
        PolicyNote(
            "posthog-organization-enforce-2fa",
            "mandatory",
            resource,
            "the organization does not enforce 2FA, and the program keeps that (turning it on locks out every "
            "member without 2FA): add enforce_2fa=True once they have it, or disable the policy for this stack",
        )
    ]


def integration_notes(resource: str, integration: dict[str, Any], secret_keys: list[str]) -> list[PolicyNote]:
    if integration.get("kind") in ("aws-s3", "aws-redshift") and "aws_access_key_id" in secret_keys:
        return [
            PolicyNote(
                "posthog-integration-prefer-aws-role",
                "advisory",
                resource,
                "it holds AWS access keys in PostHog: a role (config aws_role_arn) is preferred",
            )
        ]
    return []


def export_notes(resource: str, export: dict[str, Any]) -> list[PolicyNote]:
    destination = export.get("destination") or {}
    type_, config = destination.get("type"), destination.get("config") or {}
    notes = []
    if TYPES.get(str(type_)) is not None and TYPES[str(type_)].legacy:
        notes.append(
            PolicyNote(
                "posthog-export-no-inline-credentials",
                "mandatory",
                resource,
                f"the legacy '{type_}' destination keeps AWS keys in its config: move to AwsS3 with an Integration",
            )
        )
    if type_ in ENCRYPTED_TYPES:
        if config.get("encryption") is None:
            why = "PostHog writes its files without server-side encryption (set encryption= to change that)"
            notes.append(PolicyNote("posthog-export-s3-encryption", "advisory", resource, why))
        elif config.get("encryption") == "aws:kms" and not config.get("kms_key_id"):
            why = "encryption='aws:kms' without kms_key_id"
            notes.append(PolicyNote("posthog-export-s3-encryption", "advisory", resource, why))
    if type_ == "AwsS3":
        why = f"its bucket '{config.get('bucket_name')}' is not managed in this stack (import it with pulumi_aws)"
        notes.append(PolicyNote("posthog-export-bucket-in-stack", "advisory", resource, why))
    if type_ in TESTED_TYPES:
        why = "it does not set verify_destination=True (PostHog's destination test before a change to it)"
        notes.append(PolicyNote("posthog-export-verify-destination", "advisory", resource, why))
    if export.get("paused"):
        why = "it is paused in PostHog, and the program keeps it paused"
        notes.append(PolicyNote("posthog-export-paused", "advisory", resource, why))
    return notes
