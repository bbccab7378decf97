"""Each resource policy through the analyzer servicer: crafted resources that pass, and ones that fail."""

from __future__ import annotations

from pulumi_posthog import destinations

from tests.harness import Secret
from tests.policies.analyzer import PolicyAnalyzer, only, summary
from tests.policies.resources import (
    ROLE_ARN,
    backfill,
    batch_export,
    bucket,
    encrypted_s3,
    integration,
    organization,
    s3,
)

TWO_FA = "posthog-organization-enforce-2fa"
DELETION = "posthog-organization-deletion-protection"
CREDENTIALS = "posthog-export-no-inline-credentials"
ROLE = "posthog-integration-prefer-aws-role"
ENCRYPTION = "posthog-export-s3-encryption"
DESTINATIONS = "posthog-export-allowed-destinations"
INTERVALS = "posthog-export-allowed-intervals"
BACKFILL_RANGE = "posthog-backfill-max-range"
PAUSED = "posthog-export-paused"


# ----- posthog-organization-enforce-2fa -------------------------------------------------------------------------


def test_enforce_2fa_passes_an_organization_that_enforces_it(analyzer: PolicyAnalyzer) -> None:
    assert analyzer.analyze(organization(enforce_2fa=True)) == []


def test_enforce_2fa_fails_an_organization_that_leaves_it_unset_or_false(analyzer: PolicyAnalyzer) -> None:
    unset = only(analyzer.analyze(organization("unset")), TWO_FA)
    off = only(analyzer.analyze(organization("off", enforce_2fa=False)), TWO_FA)

    assert [(d.level, d.resource) for d in unset + off] == [("mandatory", "unset"), ("mandatory", "off")]
    assert "enforce_2fa unset" in unset[0].message and "enforce_2fa=False" in off[0].message
    assert all("set enforce_2fa=True" in d.message for d in unset + off)
    assert unset[0].message.startswith(unset[0].description + "\n")  # pulumi-policy's "<description>\n<message>"


# ----- posthog-organization-deletion-protection -----------------------------------------------------------------


def test_deletion_protection_passes_when_unset_or_true(analyzer: PolicyAnalyzer) -> None:
    default = analyzer.analyze(organization("default", enforce_2fa=True))
    kept = analyzer.analyze(organization("kept", enforce_2fa=True, deletion_protection=True))

    assert default == [] and kept == []


def test_deletion_protection_fails_when_set_false(analyzer: PolicyAnalyzer) -> None:
    found = analyzer.analyze(organization(enforce_2fa=True, deletion_protection=False))

    assert summary(found) == {(DELETION, "mandatory", "org")}
    assert "remove deletion_protection=False" in found[0].message


# ----- posthog-export-no-inline-credentials ---------------------------------------------------------------------


def test_no_inline_credentials_passes_exports_through_an_integration(analyzer: PolicyAnalyzer) -> None:
    snowflake = destinations.Snowflake(database="RAW", warehouse="WH", schema="POSTHOG", integration_id=3)
    http = destinations.HTTP(url="https://eu.i.posthog.com/batch/", token=Secret("phc_token"))

    for destination in (encrypted_s3(), snowflake, http):
        assert only(analyzer.analyze(batch_export(destination=destination)), CREDENTIALS) == []


def test_no_inline_credentials_fails_secret_keys_in_config(analyzer: PolicyAnalyzer) -> None:
    inline = {
        "type": "Snowflake",
        "config": {
            "database": "RAW",
            "warehouse": "WH",
            "schema": "POSTHOG",
            "account": "acme-xy12345",
            "user": Secret("loader"),
            "password": Secret("hunter2"),
        },
    }

    found = only(analyzer.analyze(batch_export("warehouse", destination=inline)), CREDENTIALS)

    assert [(d.level, d.resource) for d in found] == [("mandatory", "warehouse")]
    assert "(password, user)" in found[0].message and "posthog.Integration(kind='snowflake'" in found[0].message
    assert "hunter2" not in found[0].message


def test_no_inline_credentials_fails_the_legacy_s3_destination(analyzer: PolicyAnalyzer) -> None:
    legacy = destinations.S3(
        bucket_name="acme-events",
        region="eu-west-1",
        prefix="posthog/",
        aws_access_key_id=Secret("AKIAEXAMPLE"),
        aws_secret_access_key=Secret("secret"),
        encryption="AES256",
    )

    found = only(analyzer.analyze(batch_export("legacy", destination=legacy)), CREDENTIALS)

    assert [(d.level, d.resource) for d in found] == [("mandatory", "legacy")]
    assert "posthog.destinations.AwsS3" in found[0].message and "aws_role_arn" in found[0].message


# ----- posthog-integration-prefer-aws-role ----------------------------------------------------------------------


def test_prefer_aws_role_passes_role_integrations_and_other_kinds(analyzer: PolicyAnalyzer) -> None:
    role = integration(config={"name": "lake", "aws_role_arn": ROLE_ARN})
    redshift_plain = integration(
        "warehouse", kind="aws-redshift", config={"host": "h", "port": 5439, "user": "u", "password": Secret("p")}
    )
    postgres = integration("db", kind="postgresql", config={"host": "h", "user": "u", "password": Secret("p")})

    assert [analyzer.analyze(res) for res in (role, redshift_plain, postgres)] == [[], [], []]


def test_prefer_aws_role_flags_access_keys(analyzer: PolicyAnalyzer) -> None:
    keys = {"aws_access_key_id": Secret("AKIAEXAMPLE"), "aws_secret_access_key": Secret("secret")}
    s3_keys = integration("s3-keys", config={"name": "lake", **keys})
    redshift_keys = integration("rs-keys", kind="aws-redshift", config={"name": "rs", "host": "h", **keys})

    found = analyzer.analyze(s3_keys) + analyzer.analyze(redshift_keys)

    assert summary(found) == {(ROLE, "advisory", "s3-keys"), (ROLE, "advisory", "rs-keys")}
    assert all("set config aws_role_arn" in d.message and "AKIAEXAMPLE" not in d.message for d in found)


# ----- posthog-export-s3-encryption -----------------------------------------------------------------------------


def test_s3_encryption_passes_kms_with_a_key_aes256_and_non_s3_exports(analyzer: PolicyAnalyzer) -> None:
    aes = s3(encryption="AES256")
    bigquery = destinations.BigQuery(dataset_id="posthog", integration_id=4)

    for destination in (encrypted_s3(), aes, bigquery):
        assert only(analyzer.analyze(batch_export(destination=destination)), ENCRYPTION) == []


def test_s3_encryption_flags_missing_encryption_and_kms_without_key(analyzer: PolicyAnalyzer) -> None:
    plain = only(analyzer.analyze(batch_export("plain", destination=s3())), ENCRYPTION)
    no_key = only(analyzer.analyze(batch_export("no-key", destination=s3(encryption="aws:kms"))), ENCRYPTION)

    assert [(d.level, d.resource) for d in plain + no_key] == [("advisory", "plain"), ("advisory", "no-key")]
    assert "without server-side encryption" in plain[0].message and "encryption='aws:kms'" in plain[0].message
    assert "without kms_key_id" in no_key[0].message


# ----- posthog-export-allowed-destinations / -intervals (defaults: everything the provider accepts) -------------


def test_allowed_destinations_and_intervals_accept_every_type_and_interval_by_default(
    analyzer: PolicyAnalyzer,
) -> None:
    exports = [
        batch_export("s3", destination=encrypted_s3(), interval="every 5 minutes"),
        batch_export("pg", destination=destinations.Postgres(database="d", integration_id=2), interval="week"),
        batch_export("http", destination=destinations.HTTP(url="https://us.i.posthog.com/batch/", token="t")),
    ]

    found = [d for res in exports for d in analyzer.analyze(res)]

    assert only(found, DESTINATIONS) == [] and only(found, INTERVALS) == []


def test_allowed_destinations_and_intervals_flag_what_the_provider_does_not_know(analyzer: PolicyAnalyzer) -> None:
    odd = batch_export("odd", destination={"type": "Kafka", "config": {}}, interval="every minute")

    found = analyzer.analyze(odd)

    assert summary(found) == {(DESTINATIONS, "mandatory", "odd"), (INTERVALS, "mandatory", "odd")}
    assert "'Kafka'" in only(found, DESTINATIONS)[0].message
    assert "'every minute'" in only(found, INTERVALS)[0].message


# ----- posthog-backfill-max-range -------------------------------------------------------------------------------


def test_backfill_max_range_passes_up_to_31_days(analyzer: PolicyAnalyzer) -> None:
    dates = backfill("dates", start_at="2026-01-01", end_at="2026-02-01")  # 31 days
    times = backfill("times", start_at="2026-01-01T00:00:00+02:00", end_at="2026-01-31T22:00:00Z")

    assert analyzer.analyze(dates) == [] and analyzer.analyze(times) == []


def test_backfill_max_range_flags_longer_and_open_ended_backfills(analyzer: PolicyAnalyzer) -> None:
    long = only(
        analyzer.analyze(backfill("long", start_at="2026-01-01", end_at="2026-02-01T00:00:01Z")), BACKFILL_RANGE
    )
    year = only(analyzer.analyze(backfill("year", start_at="2025-01-01", end_at="2026-01-01")), BACKFILL_RANGE)
    open_ended = only(analyzer.analyze(backfill("open", end_at="2026-01-01")), BACKFILL_RANGE)

    assert [(d.level, d.resource) for d in long + year + open_ended] == [
        ("mandatory", "long"),
        ("mandatory", "year"),
        ("mandatory", "open"),
    ]
    assert "spans 365 days" in year[0].message and "more than the 31 allowed" in year[0].message
    assert "split it" in year[0].message and "maxDays" in year[0].message
    assert "no start_at" in open_ended[0].message


# ----- posthog-export-paused ------------------------------------------------------------------------------------


def test_paused_passes_running_and_unmanaged_exports(analyzer: PolicyAnalyzer) -> None:
    running = batch_export("running", destination=encrypted_s3(), paused=False)
    unmanaged = batch_export("unmanaged", destination=encrypted_s3())

    assert analyzer.analyze(running) == [] and analyzer.analyze(unmanaged) == []


def test_paused_flags_exports_declared_paused(analyzer: PolicyAnalyzer) -> None:
    found = analyzer.analyze(batch_export("halted", destination=encrypted_s3(), paused=True))

    assert summary(found) == {(PAUSED, "advisory", "halted")}
    assert "set paused=False" in found[0].message


# ----- matching on type only ------------------------------------------------------------------------------------


def test_policies_match_on_type_token_not_on_properties(analyzer: PolicyAnalyzer) -> None:
    """A non-PostHog resource with PostHog-looking properties is left alone (and a bucket is not an export)."""
    lookalike = organization(enforce_2fa=False, deletion_protection=False)
    lookalike.type = "pulumi-python:dynamic/other:Organization"
    export_like = bucket(bucket_name="x", destination=s3(), interval="every minute", paused=True)

    assert analyzer.analyze(lookalike) == [] and analyzer.analyze(export_like) == []
