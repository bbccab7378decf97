"""Secrets in state, through the public classes: a program passing every credential as a plain string ends with
each of them secret in inputs and outputs, and the checkpoint holds none of them in plaintext.

The program declares an Integration of each of the eight kinds, an export of each destination type using it
(``posthog.destinations`` helpers, ``integration_id=integration.id``), and an HTTP export with a plain token.
Which keys are secret comes from PostHog's rules in ``cases.py``, not from the provider's own tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_posthog as posthog
import pytest

from tests.conftest import LocalServer
from tests.harness import MiniEngine, ProgramRunner, Secret
from tests.resources.cases import Destination, Kind, destinations, kinds
from tests.resources.conftest import assert_no_plaintext, plaintext_in

HELPERS: dict[str, Callable[..., dict[str, Any]]] = {
    "HTTP": posthog.destinations.HTTP,
    "AwsS3": posthog.destinations.AwsS3,
    "S3Compatible": posthog.destinations.S3Compatible,
    "Snowflake": posthog.destinations.Snowflake,
    "Postgres": posthog.destinations.Postgres,
    "Redshift": posthog.destinations.Redshift,
    "BigQuery": posthog.destinations.BigQuery,
    "Databricks": posthog.destinations.Databricks,
    "AzureBlob": posthog.destinations.AzureBlob,
}


def make_program(project: int, all_kinds: dict[str, Kind], types: dict[str, Destination]) -> Callable[[], None]:
    def program() -> None:
        created: dict[str, posthog.Integration] = {}
        for name, kind in all_kinds.items():
            created[name] = posthog.Integration(name, project_id=project, kind=kind.kind, config=dict(kind.config))
        for type_, destination in types.items():
            extra = {"integration_id": created[destination.kind].id} if destination.kind else {}
            helper = HELPERS[type_](**destination.config, **extra)
            export = posthog.BatchExport(
                f"export-{type_}", project_id=project, name=f"to {type_}", interval="hour", destination=helper
            )
            pulumi.export(f"{type_}-destination", export.destination)
        pulumi.export("aws-s3-config", created["aws-s3"].config)

    return program


def expected_paths(values: dict[str, Any], secret: tuple[str, ...], prefix: str) -> list[str]:
    return sorted(f"{prefix}.{k}" for k in secret if values.get(k) is not None)


@pytest.fixture
def runner(posthog_local: LocalServer) -> ProgramRunner:
    return ProgramRunner(
        MiniEngine({"posthog:host": posthog_local.url, "posthog:apiKey": Secret(posthog_local.api_key)})
    )


def plain_secrets(all_kinds: dict[str, Kind], types: dict[str, Destination], api_key: str) -> set[str]:
    values = {str(k.config[key]) for k in all_kinds.values() for key in k.secret if key in k.config}
    values |= {str(d.config[key]) for d in types.values() for key in d.secret if key in d.config}
    return values | {api_key}


def test_plain_string_credentials_end_up_secret_in_state(
    runner: ProgramRunner, project: int, posthog_local: LocalServer
) -> None:
    all_kinds, types = kinds(), destinations()
    program = make_program(project, all_kinds, types)
    secrets = plain_secrets(all_kinds, types, posthog_local.api_key)
    assert len(secrets) == 15  # 13 integration credentials, the HTTP token, the API key

    posthog_local.control("DELETE", "requests")
    preview = runner.preview(program).expect_ok()
    assert set(preview.result.ops().values()) == {"create"} and len(preview.result.ops()) == 17
    assert posthog_local.requests_seen()["counts"] == {}  # a preview makes no API call

    run = runner.up(program).expect_ok()
    assert set(run.result.ops().values()) == {"create"}
    engine = runner.engine
    for name, kind in all_kinds.items():
        state = engine.resource(name)
        expected = expected_paths(kind.config, kind.secret, "config")
        assert state.secret_inputs == expected, (name, state.secret_inputs)
        assert state.secret_outputs == expected, (name, state.secret_outputs)
    for type_, destination in types.items():
        state = engine.resource(f"export-{type_}")
        expected = expected_paths(destination.config, destination.secret, "destination.config")
        assert state.secret_inputs == expected, (type_, state.secret_inputs)
        assert state.secret_outputs == expected, (type_, state.secret_outputs)
    assert run.exports["HTTP-destination"].secret  # the program sees the token as a secret too
    assert run.exports["aws-s3-config"].secret
    assert_no_plaintext(engine.checkpoint_json(), secrets)

    again = runner.up(program).expect_ok()
    assert set(again.result.ops().values()) == {"same"}
    assert_no_plaintext(engine.checkpoint_json(), secrets)
    engine.refresh().expect_ok()
    assert_no_plaintext(engine.checkpoint_json(), secrets)
    engine.destroy().expect_ok()


def test_the_leak_check_finds_a_plaintext_secret() -> None:
    """The helper the scenarios rely on does see plaintext (raw or JSON-escaped), and not ciphertext."""
    engine = MiniEngine({"posthog:apiKey": "phx_plain_key_123456"})
    checkpoint = engine.checkpoint_json()
    assert plaintext_in(checkpoint, ["phx_plain_key_123456"]) == []  # no resource yet: config is not rendered
    pem = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"
    assert plaintext_in('{"k": "-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----"}', [pem]) == [pem]
    assert plaintext_in('{"k": "v1:abc:def"}', [pem, "phx_plain_key_123456"]) == []
