"""Whole programs with the public classes (``import pulumi_posthog as posthog``) under set_mocks, executed for real.

The PostHog resources run through the MiniEngine against posthog-local; ``aws:s3/bucketV2:BucketV2`` is echoed.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_posthog as posthog
import pytest

from tests.conftest import LocalServer
from tests.harness import MiniEngine, ProgramRunner, Secret
from tests.resources.conftest import assert_no_plaintext

BUCKET = "aws:s3/bucketV2:BucketV2"
ROLE_ARN = "arn:aws:iam::123456789012:role/posthog-batch-exports"
TOKEN = "phc_program_mirror_token_3456"
MAX_BLOB = 200


class BucketV2(pulumi.CustomResource):
    """Enough of ``aws.s3.BucketV2`` for a program (type token and outputs); the engine echoes it."""

    bucket: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, bucket: str) -> None:
        super().__init__(BUCKET, name, {"bucket": bucket, "arn": None})


def echo_bucket(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"arn": f"arn:aws:s3:::{inputs['bucket']}"}


def s3_program(project: int, bucket_name: str) -> Callable[[], None]:
    def program() -> None:
        bucket = BucketV2("landing", bucket=bucket_name)
        lake = posthog.Integration(
            "lake", project_id=project, kind="aws-s3", config={"name": "lake", "aws_role_arn": ROLE_ARN}
        )
        export = posthog.BatchExport(
            "events",
            project_id=project,
            name="events to s3",
            interval="hour",
            destination=posthog.destinations.AwsS3(
                bucket_name=bucket.bucket, region="eu-west-1", prefix="posthog/", integration_id=lake.id
            ),
        )
        mirror = posthog.BatchExport(
            "mirror",
            project_id=project,
            name="mirror",
            interval="hour",
            destination=posthog.destinations.HTTP(url="https://eu.i.posthog.com/batch/", token=TOKEN),
        )
        fill = posthog.BatchExportBackfill(
            "fill",
            project_id=project,
            batch_export_id=export.id,
            start_at="2026-01-01T00:00:00Z",
            end_at="2026-01-01T06:00:00Z",
        )
        pulumi.export("export_id", export.id)
        pulumi.export("integration_id", lake.id)
        pulumi.export("bucket_arn", bucket.arn)
        pulumi.export("exported_bucket", export.destination.apply(lambda d: d["config"]["bucket_name"]))
        pulumi.export("mirror_destination", mirror.destination)
        pulumi.export("backfill_status", fill.status)

    return program


def api_calls(server: LocalServer) -> list[tuple[str, str, int]]:
    return [(r["method"], r["path"], r["status"]) for r in server.requests_seen()["recent"]]


@pytest.fixture
def runner(posthog_local: LocalServer) -> ProgramRunner:
    config = {"posthog:host": posthog_local.url, "posthog:apiKey": Secret(posthog_local.api_key)}
    return ProgramRunner(MiniEngine(config, echo={BUCKET: echo_bucket}))


def test_preview_up_and_a_second_up_of_a_program_with_the_public_classes(
    runner: ProgramRunner, posthog_local: LocalServer
) -> None:
    server, project = posthog_local, posthog_local.new_project()
    program = s3_program(project, "acme-events")

    server.control("DELETE", "requests")
    preview = runner.preview(program).expect_ok()
    assert api_calls(server) == []  # a preview never calls PostHog
    assert set(preview.result.ops().values()) == {"create"} and len(preview.result.ops()) == 5
    assert not preview.exports["export_id"].known and not preview.exports["integration_id"].known
    assert runner.engine.resources == []

    up = runner.up(program).expect_ok()
    exports = {k: v.value for k, v in up.exports.items()}
    live = server.api("GET", f"/api/projects/{project}/batch_exports/{exports['export_id']}/").json()
    assert live["destination"]["config"]["bucket_name"] == "acme-events" == exports["exported_bucket"]
    assert str(live["destination"]["integration"]) == exports["integration_id"]
    assert server.api("GET", f"/api/projects/{project}/integrations/{exports['integration_id']}/").status_code == 200
    fills = server.api("GET", f"/api/projects/{project}/batch_exports/{exports['export_id']}/backfills/").json()
    assert [f["id"] for f in fills["results"]] == [runner.engine.resource("fill").id]
    assert exports["bucket_arn"] == "arn:aws:s3:::acme-events" and exports["backfill_status"]

    server.control("DELETE", "requests")
    again = runner.up(program).expect_ok()
    assert set(again.result.ops().values()) == {"same"}, again.result.ops()
    assert api_calls(server) == []
    assert again.exports["export_id"].value == exports["export_id"]


def test_secret_outputs_stay_secret_and_blobs_stay_small(runner: ProgramRunner, posthog_local: LocalServer) -> None:
    project = posthog_local.new_project()

    run = runner.up(s3_program(project, "acme-secrets")).expect_ok()

    mirror = run.exports["mirror_destination"]
    assert mirror.secret and mirror.value["config"]["token"] == TOKEN
    assert not run.exports["export_id"].secret
    assert runner.engine.resource("mirror").secret_outputs == ["destination.config.token"]
    assert_no_plaintext(runner.engine.checkpoint_json(), [TOKEN, posthog_local.api_key])
    for registered in run.resources:
        if registered.type.startswith("pulumi-python:dynamic/posthog:"):
            blob = registered.plain_inputs["__provider"]
            raw = base64.b64decode(blob)
            assert len(blob) <= MAX_BLOB and registered.type.rsplit(":", 1)[1].encode() in raw
            assert posthog_local.url.encode() not in raw and posthog_local.api_key.encode() not in raw


def test_two_connections_in_one_program_write_to_their_own_servers(
    posthog_local: LocalServer, fresh_local: Callable[..., LocalServer]
) -> None:
    us, eu = posthog_local, fresh_local("latest")
    eu_key = eu.new_key(scopes=["*"])
    us_project = us.new_project()
    config = {
        "posthog:host": us.url,
        "posthog:apiKey": Secret(us.api_key),
        "posthog:connections": Secret(json.dumps({"eu": {"host": eu.url, "apiKey": eu_key}})),
    }
    runner = ProgramRunner(MiniEngine(config))

    def program() -> None:
        destination = posthog.destinations.HTTP(url="https://us.i.posthog.com/batch/", token=TOKEN)
        home = posthog.BatchExport("home", project_id=us_project, name="to-us", interval="day", destination=destination)
        away = posthog.BatchExport(
            "away", project_id=eu.project, name="to-eu", interval="day", destination=destination, connection="eu"
        )
        lake = posthog.Integration(
            "eu-lake",
            project_id=eu.project,
            kind="aws-s3",
            config={"name": "eu-lake", "aws_role_arn": ROLE_ARN},
            connection="eu",
        )
        pulumi.export("ids", pulumi.Output.all(home.id, away.id, lake.id))

    preview = runner.preview(program).expect_ok()
    run = runner.up(program).expect_ok()

    assert set(preview.result.ops().values()) == {"create"}
    home_id, away_id, lake_id = run.exports["ids"].value

    def names(server: LocalServer, project: int) -> list[str]:
        return [e["name"] for e in server.api("GET", f"/api/projects/{project}/batch_exports/").json()["results"]]

    assert names(us, us_project) == ["to-us"] and names(eu, eu.project) == ["to-eu"]
    assert us.api("GET", f"/api/projects/{us_project}/batch_exports/{away_id}/").status_code == 404
    assert eu.api("GET", f"/api/projects/{eu.project}/batch_exports/{home_id}/").status_code == 404
    assert eu.api("GET", f"/api/projects/{eu.project}/integrations/{lake_id}/").status_code == 200
    for registered in run.resources:
        raw = base64.b64decode(registered.plain_inputs["__provider"])
        assert (b"eu" in raw) == (registered.name != "home"), registered.name
        for secret in (us.api_key, eu_key, us.url, eu.url):
            assert secret.encode() not in raw, (registered.name, secret[:10])
    checkpoint = runner.engine.checkpoint_json()
    assert_no_plaintext(checkpoint, [us.api_key, eu_key, TOKEN])
    assert set(runner.up(program).expect_ok().result.ops().values()) == {"same"}
    runner.engine.destroy().expect_ok()
    assert names(us, us_project) == [] and names(eu, eu.project) == []


def test_bad_input_in_a_program_fails_per_property_and_sends_nothing(
    runner: ProgramRunner, posthog_local: LocalServer
) -> None:
    def program() -> None:
        posthog.BatchExport(
            "bad",
            project_id=posthog_local.project,
            name=" ",
            interval="fortnight",
            destination=posthog.destinations.HTTP(url="https://evil.example.com/batch/", token=TOKEN),
        )

    posthog_local.control("DELETE", "requests")
    runs = [runner.preview(program), runner.up(program)]

    for run in runs:
        assert not run.ok and run.error is not None
        assert sorted(e.property or "" for e in run.result.errors) == ["destination", "interval", "name"]
    assert api_calls(posthog_local) == [] and runner.engine.resources == []


def test_a_malformed_connection_name_fails_the_program_before_anything_runs(runner: ProgramRunner) -> None:
    def program() -> None:
        posthog.Organization("org", name="Acme", connection="eu west")

    run = runner.preview(program)

    assert isinstance(run.error, ValueError) and "connection 'eu west'" in str(run.error)
    assert run.result.calls() == []
