"""Failed steps are actionable: they name the resource, PostHog's own words and what to do — never the API key."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import LocalServer, start_server
from tests.harness import Result
from tests.resources.conftest import Stack, batch_export, goal, integration

HTTP = {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": "phc_errors_token_5678"}}
S3 = {"bucket_name": "landing", "region": "us-east-1", "prefix": "events/"}
ROLE_ARN = "arn:aws:iam::123456789012:role/posthog-batch-exports"
SERVER_KEY = "local-admin-key-" + uuid.uuid4().hex
"""Not shaped like a PostHog key (phx_…), so only the provider's own bookkeeping can keep it out of messages."""


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    server = start_server(tmp_path_factory.mktemp("errors") / "latest.sqlite3", "latest", SERVER_KEY)
    yield server
    server.stop()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def failure(result: Result) -> str:
    """The one failed step's message (the exception line the CLI shows), asserting the run failed."""
    assert not result.ok and len(result.errors) == 1, [e.message for e in result.errors]
    return result.errors[0].summary


def test_a_missing_scope_names_the_resource_posthogs_detail_and_the_scope(
    keyed_server: LocalServer, make_stack: Callable[..., Stack]
) -> None:
    key = keyed_server.new_key(scopes=["batch_export:read", "integration:read", "project:read"])
    stack = make_stack(keyed_server, api_key=key)
    name = unique("nightly")

    message = failure(
        stack.up(
            [batch_export("nightly", project_id=keyed_server.project, name=name, interval="day", destination=HTTP)]
        )
    )

    assert f"creating BatchExport '{name}' failed" in message
    assert "API key missing required scope 'batch_export:write'" in message  # PostHog's detail
    assert "Give the personal API key the scope 'batch_export:write'" in message  # what to do
    assert key not in message and SERVER_KEY not in message
    assert stack.calls == {"GET": 1, "POST": 1}  # the look for an interrupted run's export needs read only


SERVER_ONLY_400 = [  # inputs check cannot judge offline (they need PostHog's data or its version)
    (
        "missing-integration",
        lambda lake: {"type": "AwsS3", "config": S3, "integration_id": 987654},
        "destination.integration_id",
        ["987654", "does not exist"],
    ),
    (
        "wrong-integration-kind",
        lambda lake: {"type": "AwsS3", "config": S3, "integration_id": lake},
        "destination",
        ["not an AWS S3 integration", "aws-redshift"],
    ),
    (
        "redshift-role-without-host",
        lambda lake: {"type": "Redshift", "config": {"database": "d"}, "integration_id": lake},
        "destination",
        ["A 'host' is required"],
    ),
]


@pytest.mark.parametrize(("label", "destination", "prop", "says"), SERVER_ONLY_400, ids=[c[0] for c in SERVER_ONLY_400])
def test_a_400_from_posthog_names_the_property_in_the_users_terms(
    label: str,
    destination: Callable[[int], dict[str, Any]],
    prop: str,
    says: list[str],
    keyed_server: LocalServer,
    make_stack: Callable[..., Stack],
) -> None:
    stack, project, name = make_stack(keyed_server), keyed_server.project, unique(label)
    role = {"name": unique("rs"), "aws_role_arn": ROLE_ARN, "user": "posthog"}
    redshift = integration("rs", project_id=project, kind="aws-redshift", config=role)

    def program(register: Any) -> None:
        lake = int(register(redshift).id)
        register(batch_export("x", project_id=project, name=name, interval="day", destination=destination(lake)))

    message = failure(stack.up(program))

    assert f"creating BatchExport '{name}' failed (property {prop}):" in message
    assert all(text in message for text in says), message  # PostHog's detail
    assert f"Fix '{prop}'" in message  # what to do


def test_an_update_rejected_by_posthog_names_the_object_and_property(
    keyed_server: LocalServer, make_stack: Callable[..., Stack]
) -> None:
    stack, project = make_stack(keyed_server), keyed_server.project
    lake = integration(
        "lake", project_id=project, kind="aws-s3", config={"name": unique("l"), "aws_role_arn": ROLE_ARN}
    )
    db = integration(
        "db",
        project_id=project,
        kind="postgresql",
        secret_keys=("password",),
        config={"host": f"{unique('h')}.example.com", "port": 5432, "user": "u", "password": "pw-12345"},
    )

    def program(use_db: bool) -> Callable[[Any], None]:
        def run(register: Any) -> None:
            ids = {"lake": register(lake).id, "db": register(db).id}
            destination = {"type": "AwsS3", "config": S3, "integration_id": int(ids["db" if use_db else "lake"])}
            register(batch_export("s3", project_id=project, name="s3", interval="day", destination=destination))

        return run

    stack.up(program(False)).expect_ok()
    export_id = stack.id("s3")

    message = failure(stack.up(program(True)))

    assert f"updating BatchExport 's3' ({export_id}) failed (property destination)" in message
    assert "not an AWS S3 integration" in message  # PostHog's detail
    assert stack.calls_to(export_id) == {"PATCH": 1}


def test_missing_credentials_say_where_to_put_them(
    keyed_server: LocalServer, monkeypatch: pytest.MonkeyPatch, make_stack: Callable[..., Stack]
) -> None:
    for variable in ("POSTHOG_PERSONAL_API_KEY", "POSTHOG_API_KEY", "POSTHOG_EU_PERSONAL_API_KEY", "POSTHOG_EU_HOST"):
        monkeypatch.delenv(variable, raising=False)
    stack = make_stack(keyed_server)
    stack.engine.config.pop("posthog:apiKey")
    default = batch_export("a", project_id=keyed_server.project, name="a", interval="day", destination=HTTP)
    named = goal(
        "BatchExport",
        "b",
        {"project_id": keyed_server.project, "name": "b", "interval": "day", "destination": HTTP},
        connection="eu",
    )

    first = failure(stack.up([default]))
    second = failure(stack.up([named]))

    assert "creating BatchExport 'a' failed" in first and "posthog:apiKey" in first
    assert "POSTHOG_PERSONAL_API_KEY" in first
    assert "connection 'eu'" in second and "posthog:connections.eu.apiKey" in second
    assert "POSTHOG_EU_PERSONAL_API_KEY" in second
    assert stack.calls == {}


def test_no_credential_appears_in_errors_logs_output_or_state(
    keyed_server: LocalServer,
    make_stack: Callable[..., Stack],
    fast_retries: None,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """API keys (right, wrong, under-scoped), a destination token and an integration password, through successful
    runs with retried failures and through every kind of failed step."""
    caplog.set_level(logging.DEBUG)
    project = keyed_server.project
    wrong_key, token, password = (f"{kind}-{uuid.uuid4().hex}" for kind in ("wrong-key", "token", "password"))
    scoped_key = keyed_server.new_key(scopes=["batch_export:read"])
    good, wrong, scoped = (make_stack(keyed_server, api_key=k) for k in (None, wrong_key, scoped_key))
    http = {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": token}}
    db = integration(
        "db",
        project_id=project,
        kind="postgresql",
        secret_keys=("password",),
        config={"host": f"{unique('h')}.example.com", "port": 5432, "user": "u", "password": password},
    )

    def export(name: str, **inputs: Any) -> Any:
        return batch_export(
            "e", project_id=project, name=name, interval="hour", destination=http, secret_keys=("token",), **inputs
        )

    def fault(**spec: Any) -> None:
        keyed_server.control("POST", "faults", json=spec)

    # success with retried failures: create, update, refresh, destroy
    fault(status=502, when="before", count=2)
    runs = [good.up([db, export("ok")]), good.up([db, export("ok", timezone="Europe/Berlin")]), good.refresh()]
    fault(status=500, when="after", method="DELETE", count=1)
    runs.append(good.destroy())
    assert all(r.ok for r in runs), [e.message for r in runs for e in r.errors]
    # failures: a wrong key (401), a key without the scope (403), a rejected input (400), an unknown outcome
    runs.append(wrong.up([db, export("wrong")]))
    runs.append(scoped.up([export("scoped")]))
    missing = {"type": "AwsS3", "config": S3, "integration_id": 424242}
    runs.append(good.up([batch_export("bad", project_id=project, name="bad", interval="day", destination=missing)]))
    fault(status=503, when="before", method="POST", count=4)
    runs.append(good.up([export("unknown-outcome")]))
    keyed_server.clear_faults()
    assert [r.ok for r in runs[4:]] == [False, False, False, False]

    out, err = capfd.readouterr()
    texts = [e.message for r in runs for e in r.errors]
    texts += [s.checkpoint() for s in (good, wrong, scoped)]
    texts += [caplog.text, out, err]
    everything = "\n".join(texts)
    assert "retrying" in caplog.text  # the logs were really captured
    for secret in (SERVER_KEY, wrong_key, scoped_key, token, password):
        assert secret not in everything, f"a credential leaked ({secret[:10]}…)"
