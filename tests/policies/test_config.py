"""Policy config options and enforcement overrides, reconciled and sent by ``Configure`` as the CLI does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pulumi_posthog import destinations

from tests.policies.analyzer import PolicyAnalyzer, only, summary
from tests.policies.resources import ROLE_ARN, backfill, batch_export, encrypted_s3, integration, organization, s3

EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "policy" / "policy-config.example.json"
POSTGRES = destinations.Postgres(database="analytics", integration_id=2)


# ----- options --------------------------------------------------------------------------------------------------


def test_allowed_types_restricts_destinations() -> None:
    analyzer = PolicyAnalyzer({"posthog-export-allowed-destinations": {"allowedTypes": ["AwsS3"]}})

    s3_export = analyzer.analyze(batch_export("lake", destination=encrypted_s3()))
    pg_export = analyzer.analyze(batch_export("db", destination=POSTGRES))

    assert s3_export == []
    assert summary(pg_export) == {("posthog-export-allowed-destinations", "mandatory", "db")}
    assert "'Postgres'" in pg_export[0].message and "use one of AwsS3" in pg_export[0].message


def test_allowed_intervals_can_forbid_sub_hour_exports() -> None:
    analyzer = PolicyAnalyzer({"posthog-export-allowed-intervals": {"allowedIntervals": ["hour", "day"]}})

    hourly = analyzer.analyze(batch_export("hourly", destination=encrypted_s3(), interval="hour"))
    fast = analyzer.analyze(batch_export("fast", destination=encrypted_s3(), interval="every 5 minutes"))

    assert hourly == []
    assert summary(fast) == {("posthog-export-allowed-intervals", "mandatory", "fast")}
    assert "'every 5 minutes'" in fast[0].message and "'hour', 'day'" in fast[0].message


@pytest.mark.parametrize(("max_days", "flagged"), [(7, {"week", "month"}), (400, set()), (30.5, {"month"})])
def test_max_days_sets_the_longest_backfill(max_days: float, flagged: set[str]) -> None:
    analyzer = PolicyAnalyzer({"posthog-backfill-max-range": {"maxDays": max_days}})
    fills = [
        backfill("week", start_at="2026-01-01", end_at="2026-01-08T00:00:01Z"),
        backfill("month", start_at="2026-01-01", end_at="2026-02-01"),
    ]

    found = [d for res in fills for d in analyzer.analyze(res)]

    assert {d.resource for d in found} == flagged
    assert all(f"more than the {max_days:g} allowed" in d.message for d in found)


def test_required_encryption_rejects_the_other_algorithm() -> None:
    analyzer = PolicyAnalyzer({"posthog-export-s3-encryption": {"encryption": "aws:kms"}})

    kms = analyzer.analyze(batch_export("kms", destination=encrypted_s3()))
    aes = analyzer.analyze(batch_export("aes", destination=s3(encryption="AES256")))
    none = analyzer.analyze(batch_export("none", destination=s3()))

    assert kms == []
    assert "this stack requires encryption='aws:kms'" in aes[0].message
    assert "set encryption='aws:kms' in its destination" in none[0].message


def test_invalid_options_are_refused_before_any_analysis() -> None:
    with pytest.raises(ValueError, match="maxDays: expected number"):
        PolicyAnalyzer({"posthog-backfill-max-range": {"maxDays": "a month"}})
    with pytest.raises(ValueError, match="is not one of"):
        PolicyAnalyzer({"posthog-export-s3-encryption": {"encryption": "rot13"}})
    with pytest.raises(ValueError, match="allowedTypez is not a config property"):
        PolicyAnalyzer({"posthog-export-allowed-destinations": {"allowedTypez": ["AwsS3"]}})


# ----- enforcement overrides ------------------------------------------------------------------------------------


def test_a_mandatory_policy_can_be_made_advisory() -> None:
    analyzer = PolicyAnalyzer({"posthog-organization-enforce-2fa": "advisory"})

    assert summary(analyzer.analyze(organization())) == {("posthog-organization-enforce-2fa", "advisory", "org")}


def test_an_advisory_policy_can_be_made_mandatory_with_an_option_alongside() -> None:
    config = {"posthog-export-s3-encryption": {"enforcementLevel": "mandatory", "encryption": "AES256"}}

    found = PolicyAnalyzer(config).analyze(batch_export(destination=encrypted_s3()))

    assert summary(found) == {("posthog-export-s3-encryption", "mandatory", "events")}
    assert "requires encryption='AES256'" in found[0].message


@pytest.mark.parametrize("disabled", ["disabled", {"enforcementLevel": "disabled"}])
def test_a_disabled_policy_reports_nothing(disabled: object) -> None:
    org = organization(deletion_protection=False)
    before = PolicyAnalyzer().analyze(org)

    after = PolicyAnalyzer({"posthog-organization-enforce-2fa": disabled}).analyze(org)

    assert {d.policy for d in before} == {
        "posthog-organization-enforce-2fa",
        "posthog-organization-deletion-protection",
    }
    assert {d.policy for d in after} == {"posthog-organization-deletion-protection"}


def test_all_sets_every_policy_and_a_named_policy_overrides_it() -> None:
    resources = [organization(), batch_export(destination=s3(), paused=True), backfill(end_at="2026-01-01")]

    quiet = PolicyAnalyzer({"all": "disabled"})
    strict = PolicyAnalyzer({"all": "mandatory", "posthog-export-paused": "advisory"})

    assert [d for res in resources for d in quiet.analyze(res)] == []
    levels = {d.policy: d.level for res in resources for d in strict.analyze(res)}
    assert levels == {
        "posthog-organization-enforce-2fa": "mandatory",
        "posthog-export-s3-encryption": "mandatory",
        "posthog-export-paused": "advisory",
        "posthog-backfill-max-range": "mandatory",
    }


def test_remediate_is_reported_as_mandatory_since_the_policies_only_validate() -> None:
    found = PolicyAnalyzer({"posthog-export-paused": "remediate"}).analyze(
        batch_export(destination=encrypted_s3(), paused=True)
    )

    assert summary(found) == {("posthog-export-paused", "mandatory", "events")}


def test_reconfiguring_replaces_the_previous_config() -> None:
    analyzer = PolicyAnalyzer({"posthog-organization-enforce-2fa": "disabled"})
    assert analyzer.analyze(organization()) == []

    analyzer.configure({})

    assert summary(analyzer.analyze(organization())) == {("posthog-organization-enforce-2fa", "mandatory", "org")}


# ----- the documented example file ------------------------------------------------------------------------------


def test_the_example_config_file_is_valid_and_does_what_the_readme_says() -> None:
    config = json.loads(EXAMPLE_CONFIG.read_text())
    analyzer = PolicyAnalyzer(config)
    resources = [
        batch_export("pg", destination=POSTGRES, interval="every 5 minutes", paused=True),
        batch_export("aes", destination=s3(encryption="AES256"), interval="day"),
        batch_export("kms", destination=encrypted_s3(), interval="hour"),
        integration("keys", config={"name": "k", "aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "s"}),
        integration("role", config={"name": "r", "aws_role_arn": ROLE_ARN}),
        backfill("ten-days", start_at="2026-01-01", end_at="2026-01-11"),
        backfill("week", start_at="2026-01-01", end_at="2026-01-08"),
    ]

    found = [d for res in resources for d in analyzer.analyze(res)]

    assert summary(found) == {
        ("posthog-export-allowed-destinations", "mandatory", "pg"),
        ("posthog-export-allowed-intervals", "mandatory", "pg"),
        ("posthog-export-s3-encryption", "mandatory", "aes"),
        ("posthog-integration-prefer-aws-role", "mandatory", "keys"),
        ("posthog-backfill-max-range", "mandatory", "ten-days"),
    }  # and posthog-export-paused is disabled: "pg" is paused and not reported
    assert only(found, "posthog-export-paused") == []


def test_the_readme_shows_the_example_config_file_as_it_is() -> None:
    readme = (EXAMPLE_CONFIG.parents[1] / "README.md").read_text()
    section = readme.split("## Policy pack", 1)[1].split("\n## ", 1)[0]
    shown = section.split("```json\n", 1)[1].split("```", 1)[0]

    assert json.loads(shown) == json.loads(EXAMPLE_CONFIG.read_text())
