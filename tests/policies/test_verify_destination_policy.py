"""posthog-export-verify-destination: exports to a destination PostHog can test are advised to test it first."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_posthog import destinations, policies
from pulumi_posthog.local.destination_tests import CATALOGUE

from tests.policies.analyzer import PolicyAnalyzer, only, summary
from tests.policies.resources import batch_export, encrypted_s3

POLICY = "posthog-export-verify-destination"
CLOUD: dict[str, dict[str, Any]] = {
    "AwsS3": encrypted_s3(),
    "S3Compatible": {"type": "S3Compatible", "config": {"bucket_name": "b", "region": "auto", "prefix": "p/"}},
    "BigQuery": {"type": "BigQuery", "config": {"dataset_id": "d"}, "integration_id": 3},
    "Snowflake": {"type": "Snowflake", "config": {"database": "d", "warehouse": "w", "schema": "s"}},
    "Databricks": {"type": "Databricks", "config": {"http_path": "/sql", "catalog": "c", "schema": "s"}},
    "AzureBlob": {"type": "AzureBlob", "config": {"container_name": "c"}, "integration_id": 4},
}
UNTESTED = {
    "HTTP": {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/"}},
    "Postgres": {"type": "Postgres", "config": {"database": "db"}, "integration_id": 5},
    "Redshift": {"type": "Redshift", "config": {"database": "db"}, "integration_id": 6},
}


@pytest.mark.parametrize("type_", sorted(CLOUD))
def test_a_cloud_export_without_verify_destination_is_advised_to_set_it(analyzer: PolicyAnalyzer, type_: str) -> None:
    unset = only(analyzer.analyze(batch_export("unset", destination=CLOUD[type_], verify_destination=None)), POLICY)
    off = only(analyzer.analyze(batch_export("off", destination=CLOUD[type_], verify_destination=False)), POLICY)

    assert summary(unset + off) == {(POLICY, "advisory", "unset"), (POLICY, "advisory", "off")}
    message = unset[0].message
    assert f"posthog.BatchExport 'unset' writes to {type_} without verify_destination=True" in message
    assert "set verify_destination=True" in message and "destination test" in message


@pytest.mark.parametrize("type_", sorted(CLOUD))
def test_a_cloud_export_that_verifies_passes(analyzer: PolicyAnalyzer, type_: str) -> None:
    found = analyzer.analyze(batch_export(destination=CLOUD[type_], verify_destination=True))

    assert only(found, POLICY) == []


@pytest.mark.parametrize("type_", sorted(UNTESTED))
def test_a_destination_posthog_cannot_test_is_not_flagged(analyzer: PolicyAnalyzer, type_: str) -> None:
    found = analyzer.analyze(batch_export(destination=UNTESTED[type_], verify_destination=None))

    assert only(found, POLICY) == []


def test_the_tested_types_are_the_ones_posthog_local_and_the_provider_test() -> None:
    served = set(CATALOGUE["latest"]) | set(CATALOGUE["2025"])
    assert set(policies.TESTED_TYPES) == set(destinations.TESTED_TYPES) == served
