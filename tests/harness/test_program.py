"""The program runner: a real Pulumi program under set_mocks, dynamic resources executed through the engine."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import settings

from .engine import MiniEngine
from .item_store import ItemStore
from .program import ProgramRunner
from .sample_provider import ENDPOINT, TOKEN, TYPE, Item
from .values import Secret, Unknown

BUCKET = "aws:s3/bucketV2:BucketV2"


class Bucket(pulumi.CustomResource):
    """Enough of ``aws.s3.BucketV2`` for a program: inputs in, ``arn``/``bucket`` out."""

    arn: pulumi.Output[str]
    bucket: pulumi.Output[str]
    tags: pulumi.Output[dict[str, str]]

    def __init__(self, name: str, tags: pulumi.Input[dict[str, Any]]) -> None:
        super().__init__(BUCKET, name, {"tags": tags, "arn": None, "bucket": None})


def program() -> None:
    item = Item("exports", {"name": "exports", "size": 2, "owner": pulumi.Output.secret("ops@example.com")})
    bucket = Bucket("landing", tags={"item": item.item_id})
    pulumi.export("item_id", item.item_id)
    pulumi.export("api_key", item.api_key)
    pulumi.export("owner", item.owner)
    pulumi.export("bucket_arn", bucket.arn)
    pulumi.export("bucket_tags", bucket.tags)
    pulumi.export("endpoint", pulumi.Config("itemstore").require("endpoint"))


@pytest.fixture
def runner(store: ItemStore) -> ProgramRunner:
    echo = {BUCKET: lambda name, inputs: {"arn": f"arn:aws:s3:::{name}", "bucket": name}}
    return ProgramRunner(MiniEngine({ENDPOINT: store.url, TOKEN: Secret(store.token)}, echo=echo))


def test_preview_makes_no_api_calls_and_computed_outputs_are_unknown(runner: ProgramRunner, store: ItemStore) -> None:
    run = runner.preview(program).expect_ok()

    assert run.result.ops() == {"exports": "create", "landing": "create"}
    assert set(run.result.calls()) == {"Configure", "Check"}
    assert store.calls == []
    assert not run.exports["item_id"].known and not run.exports["bucket_arn"].known
    assert isinstance(run.exports["item_id"].value, Unknown)
    assert run.exports["endpoint"].known and run.exports["endpoint"].value == store.url
    assert runner.engine.resources == []


def test_up_creates_wires_outputs_and_keeps_secrets(runner: ProgramRunner, store: ItemStore) -> None:
    run = runner.up(program).expect_ok()

    assert run.result.ops() == {"exports": "create", "landing": "create"}
    assert [(c.method, c.path) for c in store.writes()] == [("POST", "/items")]
    exports = run.exports
    assert exports["item_id"].value == "item-1" and not exports["item_id"].secret
    assert exports["bucket_tags"].value == {"item": "item-1"}  # an Output of the dynamic resource, resolved
    assert exports["bucket_arn"].value == "arn:aws:s3:::landing"
    assert exports["api_key"].secret and exports["api_key"].value.startswith("ak_")
    assert exports["owner"].secret and exports["owner"].value == "ops@example.com"
    landing = runner.engine.resource("landing")
    assert landing.plain_outputs == {"tags": {"item": "item-1"}, "arn": "arn:aws:s3:::landing", "bucket": "landing"}
    text = runner.engine.checkpoint_json()
    assert "ops@example.com" not in text and exports["api_key"].value not in text and store.token not in text


def test_second_up_is_all_same(runner: ProgramRunner, store: ItemStore) -> None:
    runner.up(program).expect_ok()

    again = runner.up(program).expect_ok()

    assert again.result.ops() == {"exports": "same", "landing": "same"}
    assert "Create" not in again.result.calls() and "Update" not in again.result.calls()
    assert len(store.writes()) == 1
    assert again.exports["bucket_tags"].value == {"item": "item-1"}


def test_registered_resources_carry_inputs_and_options(runner: ProgramRunner) -> None:
    run = runner.preview(program).expect_ok()

    item, bucket = run.resource("exports"), run.resource("landing")
    assert item.type == TYPE and bucket.type == BUCKET
    assert list(item.request.additionalSecretOutputs) == ["api_key"]
    assert item.inputs["owner"] == Secret("ops@example.com")
    assert isinstance(item.inputs["__provider"], Secret)
    assert item.plain_inputs["size"] == 2.0
    assert isinstance(bucket.inputs["tags"]["item"], Unknown)
    assert bucket.urn == f"urn:pulumi:dev::project::{BUCKET}::landing"


def test_a_check_failure_fails_the_program_and_writes_nothing(runner: ProgramRunner, store: ItemStore) -> None:
    def bad() -> None:
        Item("exports", {"name": "exports", "size": 11})

    run = runner.up(bad)

    assert not run.ok and run.error is not None
    assert [(e.name, e.property) for e in run.result.errors] == [("exports", "size")]
    assert "has a problem" in str(run.error)
    assert store.calls == [] and runner.engine.resources == []


def test_runs_leave_the_callers_settings_alone(runner: ProgramRunner) -> None:
    before = (settings.SETTINGS.monitor, settings.get_project(), settings.is_dry_run(), settings.get_root_resource())

    runner.preview(program).expect_ok()
    runner.up(program).expect_ok()

    after = (settings.SETTINGS.monitor, settings.get_project(), settings.is_dry_run(), settings.get_root_resource())
    assert after == before


def test_a_program_file_runs_from_its_directory(runner: ProgramRunner, store: ItemStore, tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text(
        textwrap.dedent(
            """
            import os
            import pulumi
            from tests.harness.sample_provider import Item

            item = Item("from-file", {"name": "file", "size": 3})
            pulumi.export("cwd", os.getcwd())
            pulumi.export("size", item.size)
            """
        )
    )

    run = runner.up(tmp_path).expect_ok()

    assert run.result.ops() == {"from-file": "create"}
    assert run.exports["cwd"].value == str(tmp_path)
    assert run.exports["size"].value == 3.0  # an int input comes back as a float
    assert store.writes()[0].body == {"name": "file", "size": 3.0}


def test_preview_of_an_update_leaves_the_outputs_only_the_provider_computes_unknown(runner: ProgramRunner) -> None:
    # A dynamic provider does not support preview (pulumi/dynamic/__main__.py Configure), so the engine plans an
    # update with the new inputs as outputs; the SDK resolves every output missing from them as unknown in a dry run
    # (pulumi/runtime/resource.py). A replace-forcing input fed from such an output shows a replacement in preview.
    def version(size: int) -> Any:
        def body() -> None:
            item = Item("exports", {"name": "exports", "size": size})
            pulumi.export("etag", item.etag)
            pulumi.export("size", item.size)

        return body

    runner.up(version(2)).expect_ok()
    same = runner.preview(version(2))
    changed = runner.preview(version(3))

    assert same.exports["etag"].known and same.exports["etag"].value == 1
    assert changed.result.ops() == {"exports": "update"}
    assert not changed.exports["etag"].known  # computed by the provider: unknown until `up`
    assert changed.exports["size"].known and changed.exports["size"].value == 3  # an input: known
