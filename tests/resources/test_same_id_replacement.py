"""No replacement deletes its own live object: a change whose "new" object would be the old one (an ``adopt_id`` that
names it) is planned as an update, and a delete is skipped when a resource the run keeps manages the same id.

The MiniEngine keeps pending deletes across runs and starts a fresh plugin per run, as the CLI does (one plugin process
per command, ``pkg/resource/deploy/step_generator.go``: what a failed run left pending is deleted by the next one).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.harness import Resource
from tests.resources.cases import US_URL, kinds, token
from tests.resources.conftest import Register, Stack, batch_export, integration, organization
from tests.resources.lifecycle import id_of

S3 = {"bucket_name": "lake", "region": "us-east-1", "prefix": "events/"}
KEPT = "was not deleted: a resource this run keeps manages the same PostHog object"
UPDATED = "is updated, not replaced"


def http_export(project: int, secret: str, name: str = "export", **inputs: Any) -> Resource:
    destination = {"type": "HTTP", "config": {"url": US_URL, "token": secret}}
    fields = {"project_id": project, "name": "nightly", "interval": "hour", "destination": destination, **inputs}
    return batch_export(name, secret_keys=["token"], **fields)


def broken(secret: str) -> Resource:
    """A resource whose create fails (no such project): it makes the run fail after the steps before it."""
    return http_export(987654, secret, name="broken")


def export_exists(server: LocalServer, project: int, export_id: str) -> bool:
    return server.api("GET", f"/api/projects/{project}/batch_exports/{export_id}/").status_code == 200


def pending(stack: Stack) -> list[str]:
    return [r.name for r in stack.engine.resources if r.delete]


def test_adopt_id_naming_the_managed_export_is_an_update_and_a_failed_run_leaves_nothing_to_delete(
    stack: Stack, project: int, posthog_local: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    secret = token("phc")
    stack.up([http_export(project, secret)]).expect_ok()
    export_id = stack.id("export")

    pinned = [http_export(project, secret, adopt_id=export_id)]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pulumi_posthog"):
        plan = stack.preview(pinned)
    failed = stack.up([*pinned, broken(secret)])  # the run stops after the export's step
    stack.up(pinned).expect_ok()  # the next command (a new plugin process) deletes what the failed run left pending
    assert export_exists(posthog_local, project, export_id)

    assert plan.ops() == {"export": "update"}, plan.ops()  # was a replacement that adopted the export again
    assert any(UPDATED in r.getMessage() and "adopt_id" in r.getMessage() for r in caplog.records), caplog.text
    assert not failed.ok and failed.step("export").op == "update"
    assert stack.id("export") == export_id and stack.outputs("export")["adopt_id"] == export_id
    assert stack.preview(pinned).ops() == {"export": "same"}
    stack.destroy().expect_ok()
    assert not export_exists(posthog_local, project, export_id)


KIND = kinds()["aws-s3"]


def s3_program(project: int, *, extra: tuple[Resource, ...] = (), **export: Any) -> Callable[[Register], None]:
    kind = KIND

    def run(register: Register) -> None:
        credentials = register(
            integration(
                "credentials", project_id=project, kind="aws-s3", config=dict(kind.config), secret_keys=kind.secret
            )
        )
        destination = {"type": "AwsS3", "config": dict(S3), "integration_id": id_of(credentials)}
        register(
            batch_export("export", project_id=project, name="lake", interval="hour", destination=destination, **export)
        )
        for goal in extra:
            register(goal)

    return run


def test_replace_forcing_change_of_an_export_pinned_by_adopt_id_is_no_replacement(
    stack: Stack, project: int, posthog_local: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A replacement would adopt the same export and end by deleting it; PostHog refuses the change in place, so the
    run fails with PostHog's words and nothing is deleted; without adopt_id the export is really replaced."""
    stack.up(s3_program(project)).expect_ok()
    export_id = stack.id("export")
    stack.up(s3_program(project, adopt_id=export_id)).expect_ok()

    changed = s3_program(project, adopt_id=export_id, model="persons")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pulumi_posthog"):
        plan = stack.preview(changed)
    assert plan.step("export").op == "update" and plan.step("export").replaces == []
    note = next(r.getMessage() for r in caplog.records if UPDATED in r.getMessage())
    assert "model changed" in note and "remove adopt_id" in note, note

    failed = stack.up(changed)
    assert not failed.ok and "Update" in failed.calls("export")
    message = failed.errors[0].summary
    assert "(property model)" in message and "Changing models is not supported" in message, message
    assert pending(stack) == [] and stack.calls_to("batch_exports").get("DELETE") is None
    assert stack.up(s3_program(project, adopt_id=export_id)).expect_ok().ops()["export"] == "same"
    assert export_exists(posthog_local, project, export_id)

    replaced = stack.up(s3_program(project, model="persons")).expect_ok()  # the way to a new export
    assert replaced.ops()["export"] == "replace" and stack.id("export") != export_id
    assert not export_exists(posthog_local, project, export_id)
    exports = posthog_local.api("GET", f"/api/projects/{project}/batch_exports/").json()["results"]
    assert [(e["id"], e["model"]) for e in exports] == [(stack.id("export"), "persons")]
    stack.destroy().expect_ok()


def test_an_adoption_under_a_new_name_survives_a_failed_run(
    stack: Stack, project: int, posthog_local: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Renamed resource, same export: the new name adopts it and the old name's delete must not remove it, also
    when the run that adopted it failed and the old entry's delete is left to the next command."""
    secret = token("phc")
    stack.up([http_export(project, secret, name="old")]).expect_ok()
    export_id = stack.id("old")

    moved = http_export(project, secret, name="new", adopt_id=export_id)
    failed = stack.up([moved, broken(secret)])
    assert not failed.ok and failed.step("new").op == "create"
    assert {r.name for r in stack.engine.resources} == {"old", "new"}  # a failed run deletes nothing

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pulumi_posthog"):
        result = stack.up([moved]).expect_ok()  # a new plugin process: it has not seen the adoption
    assert result.step("old", "delete").id == export_id
    assert export_exists(posthog_local, project, export_id)
    assert stack.calls_to("batch_exports").get("DELETE") is None
    assert any(KEPT in r.getMessage() and export_id in r.getMessage() for r in caplog.records), caplog.text
    assert [r.name for r in stack.engine.resources] == ["new"]

    stack.destroy().expect_ok()  # the one entry left deletes it
    assert not export_exists(posthog_local, project, export_id)


def test_two_entries_of_one_export_removed_together_delete_it(
    stack: Stack, project: int, posthog_local: LocalServer
) -> None:
    """The guard only keeps an object that a resource of the run keeps: remove both and the export goes."""
    secret = token("phc")
    stack.up([http_export(project, secret, name="old")]).expect_ok()
    export_id = stack.id("old")
    assert not stack.up([http_export(project, secret, name="new", adopt_id=export_id), broken(secret)]).ok

    result = stack.up([]).expect_ok()
    assert sorted(s.name for s in result.steps if s.op == "delete") == ["new", "old"]
    assert not export_exists(posthog_local, project, export_id)
    assert stack.engine.resources == []


# ----- organizations ---------------------------------------------------------------------------------------------


@pytest.fixture
def owner(posthog_local: LocalServer, make_stack: Callable[..., Stack]) -> Stack:
    """A stack whose key belongs to a fresh owner: the organizations it creates become its '@current'."""
    user = posthog_local.new_user("owner")
    return make_stack(posthog_local, posthog_local.new_key(user_id=user))


def test_organization_adopt_id_naming_itself_or_current_is_an_update(owner: Stack) -> None:
    name = f"Acme {token('org')[-6:]}"
    owner.up([organization("org", name=name, deletion_protection=False)]).expect_ok()
    org_id = owner.id("org")

    for adopt in (org_id.upper(), "@current"):
        goals = [organization("org", name=name, deletion_protection=False, adopt_id=adopt)]
        plan = owner.preview(goals)
        assert plan.ops() == {"org": "update"}, (adopt, plan.ops())  # a replacement would adopt it again
        owner.up(goals).expect_ok()
        assert owner.id("org") == org_id and owner.outputs("org")["adopt_id"] == adopt
        assert set(owner.calls) == {"GET"}, owner.requests
    owner.destroy().expect_ok()


def test_organization_adopt_id_current_naming_another_organization_fails_and_changes_nothing(
    owner: Stack, posthog_local: LocalServer
) -> None:
    name = f"Acme {token('org')[-6:]}"
    owner.up([organization("org", name=name, deletion_protection=False)]).expect_ok()
    org_id = owner.id("org")
    other = posthog_local.api("POST", "/api/organizations/", key=owner.api_key, json={"name": "Now current"}).json()

    failed = owner.up([organization("org", name=name, deletion_protection=False, adopt_id="@current")])
    assert not failed.ok and "Update" in failed.calls("org")
    message = failed.errors[0].summary
    assert other["id"] in message and org_id in message and "adopt_id" in message, message
    assert set(owner.calls) == {"GET"}
    assert owner.id("org") == org_id and "adopt_id" not in owner.outputs("org")
    owner.destroy().expect_ok()
    posthog_local.api("DELETE", f"/api/organizations/{other['id']}/", key=owner.api_key)


def test_project_id_change_of_a_pinned_export_is_checked_in_the_new_project(
    stack: Stack, project: int, posthog_local: LocalServer
) -> None:
    """An export cannot move between projects: with adopt_id naming it, a new project_id is an update that first
    reads the export there, and fails (changing nothing) when it is not there."""
    secret = token("phc")
    stack.up([http_export(project, secret)]).expect_ok()
    export_id = stack.id("export")
    other = posthog_local.new_project()

    moved = [http_export(other, secret, adopt_id=export_id)]
    assert stack.preview(moved).ops() == {"export": "update"}
    failed = stack.up(moved)
    assert not failed.ok and "404" in failed.errors[0].summary, failed.errors[0].summary
    assert stack.calls == {"GET": 1} and stack.outputs("export")["project_id"] == project
    assert export_exists(posthog_local, project, export_id)
    stack.destroy().expect_ok()
