"""PostHog's destination tests: the steps per destination type, run without reaching any cloud (all pass unless
``PUT /_local/destination-tests`` says otherwise).

Names, descriptions, order and the Skipped rules follow
``products/batch_exports/backend/presentation/views/destination_tests/{s3,bigquery,snowflake,databricks,azure_blob}.py``
and ``…/destination_tests/base.py`` (a result is ``{"status": "Passed"|"Failed"|"Skipped", "message": str|None}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_posthog.local import state

Step = tuple[str, str]

S3_ASSUME_ROLE: Step = (
    "Ensure we can assume provided AWS role",
    "Ensure the configured AWS role ARN exists and that we have the required trust relationship to assume it.",
)
S3_BUCKET: Step = (
    "Check S3 bucket exists",
    "Ensure the configured S3 bucket exists and that we have the required permissions to access it.",
)
BIGQUERY: tuple[Step, ...] = (
    ("Impersonate BigQuery service account", "Confirm we can impersonate a BigQuery service account."),
    (
        "Verify BigQuery service account ownership",
        "Confirm that the current PostHog organization owns a BigQuery service account by ensuring its organization "
        "ID is set as part of the service account description.",
    ),
    (
        "Verify BigQuery project",
        "Ensure the configured BigQuery project exists and that we have the required permissions to access it.",
    ),
    (
        "Verify BigQuery dataset",
        "Ensure the configured BigQuery dataset exists and that we have the required permissions to access it.",
    ),
    (
        "Verify BigQuery table",
        "Ensure the configured BigQuery table already exists or that we have the required permissions to create it. "
        "Additionally, when creating a table, we will attempt to delete it.",
    ),
)
SNOWFLAKE: tuple[Step, ...] = (
    (
        "Establish connection to Snowflake",
        "Attempt to establish a Snowflake connection with the provided configuration values.",
    ),
    (
        "Verify Snowflake warehouse",
        "Verify the configured Snowflake warehouse exists and we have the necessary permissions to use it.",
    ),
    (
        "Verify Snowflake database",
        "Verify the configured Snowflake database exists and we have the necessary permissions to use it.",
    ),
    (
        "Verify Snowflake schema",
        "Verify the configured Snowflake schema exists and we have the necessary permissions to use it.",
    ),
)
DATABRICKS: tuple[Step, ...] = (
    (
        "Establish connection to Databricks",
        "Attempt to establish a Databricks connection with the provided configuration values.",
    ),
    (
        "Verify Databricks catalog",
        "Verify the configured Databricks catalog exists and we have the necessary permissions to use it.",
    ),
    (
        "Verify Databricks schema",
        "Verify the configured Databricks schema exists and we have the necessary permissions to use it.",
    ),
    (
        "Verify Databricks table",
        "Ensure the configured Databricks table already exists or that we have the required permissions to create "
        "it. Additionally, when creating this test table, we will attempt to delete it.",
    ),
    (
        "Verify permissions to create a Databricks volume",
        "Ensure we have the required permissions to create a Databricks volume. We need to create temporary volumes "
        "as part of the batch export process.",
    ),
)
AZURE_BLOB: tuple[Step, ...] = (
    (
        "Check Azure Blob container exists",
        "Ensure the configured container exists and that we have the required permissions to access it.",
    ),
)

# get_destination_test: the newest code tests these types; Postgres, Redshift, HTTP and the rest have no test
# (``GET …/test/`` answers 404, ``run_test_step_new`` a 500 from its ValueError). The 2025 code tested the S3
# family (``destination in S3_FAMILY_TYPES``, the legacy ``S3`` type there) with one bucket step.
CATALOGUE: dict[str, dict[str, tuple[Step, ...]]] = {
    "latest": {
        "AwsS3": (S3_ASSUME_ROLE, S3_BUCKET),
        "S3Compatible": (S3_BUCKET,),
        "BigQuery": BIGQUERY,
        "Snowflake": SNOWFLAKE,
        "Databricks": DATABRICKS,
        "AzureBlob": AZURE_BLOB,
    },
    "2025": {
        "S3": (S3_BUCKET,),
        "BigQuery": BIGQUERY,
        "Snowflake": SNOWFLAKE,
        "Databricks": DATABRICKS,
        "AzureBlob": AZURE_BLOB,
    },
}
SKIPPED_NO_ROLE = "No configured AWS role ARN, skipping test"
SKIPPED_NO_IMPERSONATION = (
    "Using credentials without impersonation, skipping test",
    "Using credentials without impersonation, ownership is assumed",
)


class UnsupportedDestination(ValueError):
    """PostHog's ``ValueError(f"Unsupported destination: {destination}")``."""


def steps_of(profile: str, destination: str) -> tuple[Step, ...]:
    steps = CATALOGUE[profile].get(destination)
    if steps is None:
        raise UnsupportedDestination(f"Unsupported destination: {destination}")
    return steps


def describe(profile: str, destination: str) -> dict[str, Any]:
    """``DestinationTest.as_dict()`` before any step ran: every ``result`` is null."""
    return {"steps": [_step(step, None) for step in steps_of(profile, destination)]}


def run_step(profile: str, destination: str, index: int, config: Mapping[str, Any], integrated: bool) -> dict:
    """``DestinationTestStep.as_dict()`` after running step ``index`` (an IndexError for a step out of range, as
    PostHog's ``self.steps[step]``). ``config`` is the destination config merged with the integration's config
    and sensitive config; ``integrated`` says whether the destination has an integration."""
    steps = steps_of(profile, destination)
    position = range(len(steps))[index]  # PostHog's ``self.steps[step]``: negative indexes count from the end
    step = steps[position]
    skipped = _skipped(destination, position, config, integrated)
    if skipped:
        return _step(step, {"status": "Skipped", "message": skipped})
    failure = state.destination_test_failure(destination)
    if failure is not None:
        failing_step = failure.get("step")
        if (len(steps) - 1 if failing_step is None else failing_step) == position:
            return _step(step, {"status": "Failed", "message": failure["message"]})
    return _step(step, {"status": "Passed", "message": None})


def _skipped(destination: str, index: int, config: Mapping[str, Any], integrated: bool) -> str | None:
    if destination == "AwsS3" and index == 0 and (not config.get("aws_role_arn") or not config.get("bucket_name")):
        return SKIPPED_NO_ROLE  # key-based credentials: nothing to assume
    if destination == "BigQuery" and index in (0, 1) and (not integrated or config.get("private_key")):
        return SKIPPED_NO_IMPERSONATION[index]  # a key file (or inline keys): no impersonation to check
    return None


def _step(step: Step, result: dict[str, Any] | None) -> dict[str, Any]:
    name, description = step
    return {"name": name, "description": description, "result": result}
