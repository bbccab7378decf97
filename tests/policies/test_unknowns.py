"""Preview values: an unknown a policy needs gives pulumi-policy's advisory; secrets are read as plain values."""

from __future__ import annotations

import pytest
from pulumi_policy import ResourceValidationPolicy

from tests.harness import Secret, Unknown
from tests.policies.analyzer import PolicyAnalyzer
from tests.policies.resources import (
    Res,
    backfill,
    batch_export,
    encrypted_s3,
    integration,
    organization,
    s3,
)

CASES = {
    "enforce-2fa": (organization(enforce_2fa=Unknown()), "posthog-organization-enforce-2fa", ".enforce_2fa"),
    "deletion-protection": (
        organization(enforce_2fa=True, deletion_protection=Unknown()),
        "posthog-organization-deletion-protection",
        ".deletion_protection",
    ),
    "interval": (
        batch_export(destination=encrypted_s3(), interval=Unknown()),
        "posthog-export-allowed-intervals",
        ".interval",
    ),
    "paused": (batch_export(destination=encrypted_s3(), paused=Unknown()), "posthog-export-paused", ".paused"),
    "encryption": (
        batch_export(destination=s3(encryption=Unknown())),
        "posthog-export-s3-encryption",
        ".destination.config.encryption",
    ),
    "start_at": (backfill(start_at=Unknown(), end_at="2026-01-01"), "posthog-backfill-max-range", ".start_at"),
    "config": (integration(config=Unknown()), "posthog-integration-prefer-aws-role", ".config"),
}


@pytest.mark.parametrize(("res", "policy", "path"), list(CASES.values()), ids=list(CASES))
def test_an_unknown_value_a_policy_reads_gives_the_preview_advisory(res: Res, policy: str, path: str) -> None:
    found = PolicyAnalyzer().analyze(res)

    assert [(d.policy, d.level) for d in found] == [(policy, "advisory")]
    assert found[0].message == (
        f"can't run policy '{policy}' from policy pack 'posthog@v0.0.1' during preview: "
        f"string value at {path} can't be known during preview"
    )


def test_an_unknown_destination_type_gives_the_advisory_for_each_export_policy() -> None:
    found = PolicyAnalyzer().analyze(batch_export(destination={"type": Unknown(), "config": {}}))

    assert {d.policy for d in found} == {
        "posthog-export-no-inline-credentials",
        "posthog-export-s3-encryption",
        "posthog-export-allowed-destinations",
        "posthog-export-verify-destination",
    }
    assert all(d.is_preview_advisory and ".destination.type can't be known" in d.message for d in found)


def test_unknown_values_no_policy_needs_give_no_advisory() -> None:
    """The integration id, bucket name and export id are unknown in every first preview: no policy reads them."""
    export = batch_export(destination=s3(bucket_name=Unknown(), encryption="AES256") | {"integration_id": Unknown()})
    fill = backfill(start_at="2026-01-01", end_at="2026-01-02")
    fill.props["batch_export_id"] = Unknown()
    role = integration(config={"name": Unknown(), "aws_role_arn": Unknown()})

    assert [PolicyAnalyzer().analyze(res) for res in (export, fill, role)] == [[], [], []]


def test_a_present_key_with_an_unknown_value_is_set_so_no_advisory_is_needed() -> None:
    """Whether a credential or a KMS key is in the config does not depend on its value."""
    inline = {"type": "Postgres", "config": {"database": "d", "password": Unknown()}}
    kms = s3(encryption="aws:kms", kms_key_id=Unknown())

    credentials = PolicyAnalyzer().analyze(batch_export("pg", destination=inline))
    encryption = PolicyAnalyzer().analyze(batch_export("kms", destination=kms))

    assert [(d.policy, d.level) for d in credentials] == [("posthog-export-no-inline-credentials", "mandatory")]
    assert "(password)" in credentials[0].message
    assert encryption == []


def test_secret_values_are_read_as_plain_values() -> None:
    org = organization(enforce_2fa=Secret(False))
    export = batch_export(destination=Secret(s3(encryption="aws:kms")), paused=Secret(True))

    org_found = PolicyAnalyzer().analyze(org)
    export_found = PolicyAnalyzer().analyze(export)

    assert [d.policy for d in org_found] == ["posthog-organization-enforce-2fa"]
    assert "enforce_2fa=False" in org_found[0].message
    assert {d.policy for d in export_found} == {"posthog-export-s3-encryption", "posthog-export-paused"}


def test_policies_never_see_the_serialized_provider() -> None:
    """The engine drops ``__provider`` (SkipInternalKeys): a policy that reads every key finds no ``__*`` key."""
    seen: list[str] = []
    spy = ResourceValidationPolicy("spy", "records the keys", lambda args, report: seen.extend(args.props))

    PolicyAnalyzer(policies=[spy]).analyze(organization(enforce_2fa=True))

    assert sorted(seen) == ["enforce_2fa", "name"]
