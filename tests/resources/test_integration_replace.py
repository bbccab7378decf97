"""Replacing a named-kind Integration under an export: create the new one (fresh suffixed name), repoint the export,
then delete the old one — and a clear dependency error when the export was not repointed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import LocalServer
from tests.harness import in_process_client, reveal
from tests.resources.cases import kinds
from tests.resources.conftest import Register, Stack, batch_export, integration
from tests.resources.lifecycle import id_of

S3 = {"bucket_name": "lake", "region": "us-east-1", "prefix": "events/"}


def program(project: int, config: dict[str, Any], secret: tuple[str, ...], pinned: int | None = None) -> Callable:
    """An aws-s3 Integration and an AwsS3 export using its id (or a fixed id: no dependency)."""

    def run(register: Register) -> None:
        credentials = register(
            integration("credentials", project_id=project, kind="aws-s3", config=dict(config), secret_keys=secret)
        )
        used = pinned if pinned is not None else id_of(credentials)
        destination = {"type": "AwsS3", "config": dict(S3), "integration_id": used}
        register(batch_export("export", project_id=project, name="lake", interval="hour", destination=destination))

    return run


def integration_ids(server: LocalServer, project: int) -> list[int]:
    return [i["id"] for i in server.api("GET", f"/api/projects/{project}/integrations/").json()["results"]]


def export_integration(server: LocalServer, project: int, export_id: str) -> int:
    return server.api("GET", f"/api/projects/{project}/batch_exports/{export_id}/").json()["destination"]["integration"]


def test_named_integration_replace_repoints_the_export_in_between(
    stack: Stack, project: int, posthog_local: LocalServer
) -> None:
    kind = kinds()["aws-s3"]
    stack.up(program(project, kind.config, kind.secret)).expect_ok()
    old_id = int(stack.id("credentials"))
    old_name = stack.outputs("credentials")["config"]["name"]
    export_id = stack.id("export")

    rotated = {**kind.config, **kind.rotate}
    plan = stack.preview(program(project, rotated, kind.secret))
    assert plan.ops() == {"credentials": "replace", "export": "update"}
    assert plan.step("export").diffs == ["destination"]

    result = stack.up(program(project, rotated, kind.secret)).expect_ok()
    assert [(s.name, s.op) for s in result.steps] == [
        ("credentials", "replace"),
        ("export", "update"),
        ("credentials", "delete-replaced"),
    ]
    writes = [(m, p) for m, p, _ in stack.requests if m != "GET"]
    assert writes == [
        ("POST", f"/api/projects/{project}/integrations/"),
        ("PATCH", f"/api/projects/{project}/batch_exports/{export_id}/"),
        ("DELETE", f"/api/projects/{project}/integrations/{old_id}/"),
    ]
    new_id = int(stack.id("credentials"))
    new_name = stack.outputs("credentials")["config"]["name"]
    assert new_id != old_id and new_name != old_name and new_name.startswith(kind.config["name"] + "-")
    assert export_integration(posthog_local, project, export_id) == new_id
    assert integration_ids(posthog_local, project) == [new_id]
    assert stack.outputs("export")["destination"]["integration_id"] == new_id
    assert stack.preview(program(project, rotated, kind.secret)).ops() == {"credentials": "same", "export": "same"}
    stack.destroy().expect_ok()
    assert integration_ids(posthog_local, project) == []


def test_replace_without_dependency_reports_the_export_using_it(
    stack: Stack, project: int, posthog_local: LocalServer
) -> None:
    kind = kinds()["aws-s3"]
    stack.up(program(project, kind.config, kind.secret)).expect_ok()
    old_id = int(stack.id("credentials"))
    rotated = {**kind.config, **kind.rotate}

    result = stack.up(program(project, rotated, kind.secret, pinned=old_id))
    assert not result.ok
    message = result.errors[0].summary
    assert f"Integration {old_id} cannot be deleted yet" in message and "used by batch exports" in message, message
    assert "integration_id" in message  # says what to do
    assert sorted(integration_ids(posthog_local, project)) == sorted([old_id, int(stack.id("credentials"))])
    pending = [r for r in stack.engine.resources if r.delete]
    assert [int(r.id) for r in pending] == [old_id]  # kept for the next run, as the engine does

    stack.up(program(project, rotated, kind.secret)).expect_ok()  # with the dependency: repoint, then delete
    assert integration_ids(posthog_local, project) == [int(stack.id("credentials"))]
    stack.destroy().expect_ok()


def test_forced_replace_of_an_upsert_kind_never_deletes_the_live_row(stack: Stack, project: int) -> None:
    """``pulumi up --replace`` of a postgresql Integration with unchanged identity: the new create upserts onto the
    same row (same id), and the old one's delete, which comes after it, must not delete that live row."""
    kind = kinds()["postgresql"]
    goal = integration(
        "credentials", project_id=project, kind=kind.kind, config=dict(kind.config), secret_keys=kind.secret
    )
    stack.up([goal]).expect_ok()
    old = stack.engine.resource("credentials")

    # The engine's create-before-delete replacement, in one plugin process (as one `pulumi up` runs it).
    plugin = in_process_client()
    plugin.configure(stack.engine.config)
    checked = plugin.check(old.urn, {}, reveal(goal.inputs))
    assert not checked.failures
    created = plugin.create(old.urn, checked.inputs or {})
    assert created.id == old.id  # PostHog upserted onto the same row
    plugin.delete(old.urn, old.id, reveal(old.outputs), reveal(old.inputs))
    plugin.close()

    path = f"/api/projects/{project}/integrations/{old.id}/"
    assert stack.server.api("GET", path).status_code == 200
    stack.destroy().expect_ok()  # a later run deletes it normally
    assert stack.server.api("GET", path).status_code == 404
