"""posthog-export-no-inline-credentials looks at every depth: Redshift COPY keys inside ``copy_inputs``."""

from __future__ import annotations

from typing import Any

from pulumi_posthog import destinations

from tests.harness import Secret, Unknown
from tests.policies.analyzer import PolicyAnalyzer, only
from tests.policies.resources import ROLE_ARN, batch_export

CREDENTIALS = "posthog-export-no-inline-credentials"
KEYS = {"aws_access_key_id": Secret("AKIANESTEDEXAMPLE"), "aws_secret_access_key": Secret("nested-secret-value")}


def redshift_copy(authorization: Any, bucket_credentials: Any) -> dict[str, Any]:
    copy_inputs = {
        "s3_bucket": "staging",
        "region_name": "eu-west-1",
        "s3_key_prefix": "posthog/",
        "authorization": authorization,
        "bucket_credentials": bucket_credentials,
    }
    return destinations.Redshift(
        database="dev", host="cluster.example.com", mode="COPY", copy_inputs=copy_inputs, integration_id=4
    )


def test_keys_inside_copy_inputs_are_inline_credentials(analyzer: PolicyAnalyzer) -> None:
    export = batch_export("warehouse", destination=redshift_copy(dict(KEYS), dict(KEYS)))

    found = only(analyzer.analyze(export), CREDENTIALS)

    assert [(d.level, d.resource) for d in found] == [("mandatory", "warehouse")]
    message = found[0].message
    for holder in ("authorization", "bucket_credentials"):
        for key in KEYS:
            assert f"copy_inputs.{holder}.{key}" in message, message
    assert "in place of the keys" in message and "posthog.Integration(kind='aws-redshift'" in message
    assert "nested-secret-value" not in message and "AKIANESTEDEXAMPLE" not in message


def test_a_role_arn_and_integration_ids_in_copy_inputs_pass(analyzer: PolicyAnalyzer) -> None:
    export = batch_export("warehouse", destination=redshift_copy(ROLE_ARN, 12))

    assert only(analyzer.analyze(export), CREDENTIALS) == []


def test_a_secret_key_name_anywhere_in_the_config_is_found(analyzer: PolicyAnalyzer) -> None:
    """PostHog strips a Redshift secret name wherever it is, so that is where the policy looks too."""
    destination = redshift_copy(ROLE_ARN, 12)
    destination["config"]["copy_inputs"]["extra"] = {"password": Secret("deep-password")}

    found = only(analyzer.analyze(batch_export("deep", destination=destination)), CREDENTIALS)

    assert len(found) == 1 and "copy_inputs.extra.password" in found[0].message


def test_unknowns_inside_copy_inputs() -> None:
    """A key present with an unknown value is set; an unknown bucket is no credential; an unknown container
    (it could hold keys) gives the preview advisory."""
    present = redshift_copy({"aws_access_key_id": Unknown(), "aws_secret_access_key": Unknown()}, 12)
    scalar = redshift_copy(ROLE_ARN, 12)
    scalar["config"]["copy_inputs"]["s3_bucket"] = Unknown()
    container = redshift_copy(Unknown(), 12)

    found = [only(PolicyAnalyzer().analyze(batch_export(destination=d)), CREDENTIALS) for d in (present, scalar)]
    unknown = only(PolicyAnalyzer().analyze(batch_export(destination=container)), CREDENTIALS)

    assert [d.level for d in found[0]] == ["mandatory"] and found[1] == []
    assert len(unknown) == 1 and unknown[0].is_preview_advisory
    assert ".destination.config.copy_inputs.authorization can't be known" in unknown[0].message
