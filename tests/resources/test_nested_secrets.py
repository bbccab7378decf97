"""Secrets at any depth: Redshift COPY keys inside ``copy_inputs`` are secret in state, never plaintext in the
checkpoint, and never a diff after PostHog leaves them out of its answers (it strips them at every depth)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_posthog as posthog
import pytest
from pulumi_posthog.destinations import TYPES

from tests.conftest import LocalServer
from tests.harness import MiniEngine, ProgramRunner, Secret
from tests.resources.cases import kinds, token
from tests.resources.conftest import assert_no_plaintext

HOLDERS = ("authorization", "bucket_credentials")
AWS_KEYS = ("aws_access_key_id", "aws_secret_access_key")
NESTED = sorted(f"destination.config.copy_inputs.{h}.{k}" for h in HOLDERS for k in AWS_KEYS)


def copy_keys() -> dict[str, dict[str, str]]:
    return {h: {"aws_access_key_id": token("AKIA"), "aws_secret_access_key": token("aws-secret")} for h in HOLDERS}


def make_program(project: int, keys: dict[str, dict[str, str]]) -> Callable[[], None]:
    warehouse = kinds()["aws-redshift"]

    def program() -> None:
        credentials = posthog.Integration("warehouse", project_id=project, kind="aws-redshift", config=warehouse.config)
        copy_inputs = {"s3_bucket": "staging", "region_name": "eu-west-1", "s3_key_prefix": "posthog/", **keys}
        destination = posthog.destinations.Redshift(
            database="dev", mode="COPY", copy_inputs=copy_inputs, integration_id=credentials.id
        )
        export = posthog.BatchExport("copy", project_id=project, name="copy", interval="hour", destination=destination)
        pulumi.export("destination", export.destination)

    return program


def values(keys: dict[str, dict[str, str]]) -> set[str]:
    return {value for holder in keys.values() for value in holder.values()}


@pytest.fixture
def runner(posthog_local: LocalServer) -> ProgramRunner:
    return ProgramRunner(
        MiniEngine({"posthog:host": posthog_local.url, "posthog:apiKey": Secret(posthog_local.api_key)})
    )


def export_calls(server: LocalServer) -> list[str]:
    return [r["method"] for r in server.requests_seen()["recent"] if "/batch_exports/" in r["path"]]


def test_copy_inputs_keys_are_secret_and_never_re_patched(
    runner: ProgramRunner, project: int, posthog_local: LocalServer
) -> None:
    keys = copy_keys()
    program = make_program(project, keys)
    secrets = values(keys) | {posthog_local.api_key}

    run = runner.up(program).expect_ok()

    state = runner.engine.resource("copy")
    assert set(NESTED) <= set(state.secret_inputs), state.secret_inputs
    assert set(NESTED) <= set(state.secret_outputs), state.secret_outputs
    assert_no_plaintext(runner.engine.checkpoint_json(), secrets)
    assert run.exports["destination"].secret
    stored = state.plain_outputs["destination"]["config"]["copy_inputs"]
    assert {h: stored[h] for h in HOLDERS} == keys  # kept from the program: PostHog answered without them

    posthog_local.control("DELETE", "requests")
    again = runner.up(program).expect_ok()
    assert set(again.result.ops().values()) == {"same"} and export_calls(posthog_local) == []

    runner.engine.refresh().expect_ok()
    assert (
        runner.engine.resource("copy").plain_outputs["destination"]["config"]["copy_inputs"]["authorization"]
        == (keys["authorization"])
    )
    posthog_local.control("DELETE", "requests")
    after_refresh = runner.up(program).expect_ok()
    assert set(after_refresh.result.ops().values()) == {"same"}, after_refresh.result.ops()
    assert export_calls(posthog_local) == []
    assert_no_plaintext(runner.engine.checkpoint_json(), secrets)

    rotated = {**keys, "bucket_credentials": {**keys["bucket_credentials"], "aws_secret_access_key": token("rot")}}
    posthog_local.control("DELETE", "requests")
    changed = runner.up(make_program(project, rotated)).expect_ok()
    assert changed.result.ops()["copy"] == "update" and export_calls(posthog_local) == ["PATCH"]
    assert_no_plaintext(runner.engine.checkpoint_json(), secrets | values(rotated))
    runner.engine.destroy().expect_ok()


def test_declared_nested_paths_follow_posthogs_secret_names() -> None:
    """A nested secret's key is one of the type's ``secret_fields`` (the names PostHog strips at any depth)."""
    for spec in TYPES.values():
        for path in spec.secret_paths():
            assert path[-1] in spec.secret, (spec.name, path)
    redshift = {".".join(p) for p in TYPES["Redshift"].secret_paths()}
    assert {n.removeprefix("destination.config.") for n in NESTED} <= redshift


def test_an_output_on_a_secret_path_is_made_secret_whole() -> None:
    """``copy_inputs=Output`` (built from other resources) cannot be looked into: all of it becomes secret."""
    from pulumi_posthog.resources.export_secrets import mark_secret

    async def check() -> None:  # Outputs need an event loop (a program has one)
        copy_inputs: Any = pulumi.Output.from_input({"authorization": {"aws_secret_access_key": "x"}})
        marked = mark_secret("Redshift", {"database": "dev", "copy_inputs": copy_inputs, "user": "u"})

        assert marked["database"] == "dev"
        assert isinstance(marked["copy_inputs"], pulumi.Output) and marked["copy_inputs"] is not copy_inputs
        assert await marked["copy_inputs"].is_secret() and await marked["user"].is_secret()
        assert not await copy_inputs.is_secret()

    asyncio.run(check())
