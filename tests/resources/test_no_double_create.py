"""Nothing doubled, nothing taken from another resource: creates after an interrupted run, ambiguous POSTs whose
check cannot list, two exports with one name, and backfills whose bounds PostHog shifts.

Each scenario runs against a private posthog-local (``fault_server``) and counts the objects PostHog holds
afterwards. Faults are posthog-local's own (``/_local/faults``); a killed ``pulumi up`` is a real plugin process
ended with SIGKILL while PostHog is still committing its POST.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pulumi_posthog.testing.faults import fault, faults_pending
from pulumi_posthog.testing.listings import backfills_on, exports_on, orgs_named
from pulumi_posthog.testing.soak import HTTP, HTTP_SECRETS

from tests.conftest import LocalServer
from tests.harness import PluginProcess, Result
from tests.resources.conftest import Stack, backfill, batch_export, organization
from tests.resources.test_faults import unique

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPORTS = r"/batch_exports/$"
BACKFILLS = r"/backfills/$"
RECENT_ENV = "POSTHOG_ADOPT_RECENT_SECONDS"


def export(project: int, name: str, resource: str = "export", **inputs: Any) -> Any:
    inputs.setdefault("interval", "hour")
    inputs.setdefault("destination", HTTP)
    return batch_export(resource, project_id=project, name=name, secret_keys=HTTP_SECRETS, **inputs)


def named(server: LocalServer, project: int, name: str) -> list[dict[str, Any]]:
    return [e for e in exports_on(server, project) if e["name"] == name]


def api_create(server: LocalServer, project: int, name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "interval": "hour", "destination": HTTP, **fields}
    response = server.api("POST", f"/api/projects/{project}/batch_exports/", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def while_posting(server: LocalServer, path: str, run: Callable[[], Result], then: Callable[[], None]) -> Result:
    """``run`` in a thread whose create POST (to ``path``) PostHog holds 2 s, commits, then drops; ``then`` is
    called as soon as PostHog took that POST (the look before it is done by then; 2 s leave room on a busy machine)."""
    fault(server, drop=True, when="after", latency_ms=2000, method="POST", path=path, count=1)
    outcome: list[Result] = []
    worker = threading.Thread(target=lambda: outcome.append(run()))
    worker.start()
    wait_for(lambda: faults_pending(server) == [])
    then()
    worker.join(60)
    assert outcome, "the run did not finish"
    return outcome[0]


@pytest.fixture
def project(fault_server: LocalServer) -> int:
    return fault_server.new_project()


@pytest.fixture
def no_recent_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(RECENT_ENV, raising=False)
    yield


# ----- 2: reconciliation never adopts another resource's object -----------------------------------------------


@pytest.mark.parametrize("window", ["default", "0"])
@pytest.mark.parametrize(
    "differs",
    [
        {"interval": "day"},
        {"destination": {**HTTP, "config": {**HTTP["config"], "url": "https://eu.i.posthog.com/batch/"}}},
    ],
    ids=["interval", "config"],
)
def test_an_ambiguous_post_never_binds_to_another_stacks_export_of_the_same_name(
    fault_stack: Stack,
    make_stack: Callable[..., Stack],
    project: int,
    monkeypatch: pytest.MonkeyPatch,
    window: str,
    differs: dict[str, Any],
) -> None:
    """Two stacks of one program (or a copy-paste) declare one export name in one project. The second one's POST
    fails before PostHog commits it: the first stack's export has the name, type and model, but not the settings."""
    if window != "default":
        monkeypatch.setenv(RECENT_ENV, window)  # no look before the POST: only the match protects it
    server, name = fault_stack.server, unique("twin")
    first = make_stack(server)
    first.up([export(project, name)]).expect_ok()
    fault(server, status=500, when="before", method="POST", path=EXPORTS, count=1)

    fault_stack.up([export(project, name, **differs)]).expect_ok()

    ids = sorted(e["id"] for e in named(server, project, name))
    assert fault_stack.id("export") != first.id("export"), "the second stack took the first stack's export"
    assert ids == sorted([first.id("export"), fault_stack.id("export")])


def test_several_identical_recent_exports_fail_naming_them_with_zero_writes(
    fault_stack: Stack, project: int, no_recent_env: None
) -> None:
    server, name = fault_stack.server, unique("many")
    made = [api_create(server, project, name)["id"] for _ in range(2)]

    failed = fault_stack.up([export(project, name)])

    assert not failed.ok and fault_stack.engine.resources == []
    message = failed.errors[0].message
    assert all(i in message for i in made) and "adopt_id" in message, message
    assert [m for m, _, _ in fault_stack.requests] == ["GET"]  # the look; nothing written
    assert sorted(e["id"] for e in named(server, project, name)) == sorted(made)


# ----- 6: an interrupted up leaves an export; the next up adopts it ---------------------------------------------


def test_an_identical_export_created_moments_ago_is_adopted_with_a_warning(
    fault_stack: Stack, project: int, no_recent_env: None, capfd: pytest.CaptureFixture[str]
) -> None:
    server, name = fault_stack.server, unique("orphan")
    orphan = api_create(server, project, name, interval="day", offset_hour=4, timezone="Europe/Paris")

    result = fault_stack.up([export(project, name, interval="day", offset_hour=4, timezone="Europe/Paris")])

    result.expect_ok()
    assert fault_stack.id("export") == orphan["id"] and [e["id"] for e in named(server, project, name)] == [
        orphan["id"]
    ]
    # one look, then the secret PostHog cannot show is sent (what the state holds is what PostHog uses)
    assert [(m, s) for m, _, s in fault_stack.requests] == [("GET", 200), ("PATCH", 200)]
    warning = capfd.readouterr().err
    assert f"adopting {orphan['id']} instead of creating another one" in warning and RECENT_ENV in warning
    assert fault_stack.up([export(project, name, interval="day", offset_hour=4, timezone="Europe/Paris")]).ops() == {
        "export": "same"
    }


def test_the_recent_window_bounds_adoption_and_can_be_turned_off(
    fault_stack: Stack, make_stack: Callable[..., Stack], project: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = fault_stack.server
    old_name, off_name = unique("aged"), unique("off")
    aged = api_create(server, project, old_name)["id"]
    api_create(server, project, off_name)

    monkeypatch.setenv(RECENT_ENV, "1")
    time.sleep(1.2)
    fault_stack.up([export(project, old_name)]).expect_ok()
    assert fault_stack.id("export") != aged and len(named(server, project, old_name)) == 2  # too old to be ours

    monkeypatch.setenv(RECENT_ENV, "0")
    off = make_stack(server)
    off.up([export(project, off_name)]).expect_ok()
    assert [m for m, _, _ in off.requests] == ["POST"] and len(named(server, project, off_name)) == 2  # no look

    monkeypatch.setenv(RECENT_ENV, "ten minutes")
    bad = make_stack(server)
    failed = bad.up([export(project, unique("bad"))])
    assert not failed.ok and bad.requests == []
    assert f"{RECENT_ENV}='ten minutes' is not a number of seconds" in failed.errors[0].message


def test_a_create_killed_by_sigkill_is_adopted_by_the_next_up_not_doubled(
    fault_server: LocalServer, make_stack: Callable[..., Stack], project: int, no_recent_env: None
) -> None:
    """The plugin process dies (SIGKILL) while PostHog is committing its POST; the next ``up`` (a new plugin, the
    state without that resource, as after ``pulumi refresh --clear-pending-creates``) finds and adopts it."""
    server, name = fault_server, unique("killed")
    started: list[PluginProcess] = []

    def plugin(record: Any) -> PluginProcess:
        process = PluginProcess(REPO_ROOT, record=record).start()
        started.append(process)
        return process

    killed = make_stack(server, plugin=plugin)

    def kill() -> None:
        process = started[0]._process
        assert process is not None
        os.kill(process.pid, signal.SIGKILL)

    fault(server, latency_ms=3000, method="POST", path=EXPORTS, count=1)  # room to kill it on a busy machine
    outcome: list[Result] = []
    worker = threading.Thread(target=lambda: outcome.append(killed.up([export(project, name)])))
    worker.start()
    wait_for(lambda: faults_pending(server) == [])  # PostHog holds the POST: kill the plugin now
    kill()
    worker.join(60)
    assert outcome and not outcome[0].ok
    wait_for(lambda: len(named(server, project, name)) == 1)  # PostHog committed it after all
    left = named(server, project, name)[0]["id"]

    rerun = make_stack(server)
    rerun.up([export(project, name)]).expect_ok()

    assert rerun.id("export") == left and [e["id"] for e in named(server, project, name)] == [left]
    assert [m for m, _, _ in rerun.requests if m == "POST"] == []


def test_an_organization_an_interrupted_run_left_is_adopted_not_doubled(
    fault_stack: Stack, no_recent_env: None, capfd: pytest.CaptureFixture[str]
) -> None:
    server, name = fault_stack.server, unique("Org")
    response = server.api("POST", "/api/organizations/", json={"name": name, "members_can_invite": False})
    assert response.status_code == 201, response.text
    left = response.json()["id"]
    goal = organization("org", name=name, members_can_invite=False, deletion_protection=False)

    fault_stack.up([goal]).expect_ok()

    assert fault_stack.id("org") == left and [o["id"] for o in orgs_named(server, name)] == [left]
    assert [m for m, _, _ in fault_stack.requests] == ["GET"]  # the look; nothing else to send
    assert f"adopting {left} instead of creating another one" in capfd.readouterr().err
    fault_stack.destroy().expect_ok()


def test_the_creates_of_one_up_share_one_listing_per_project(
    fault_stack: Stack, project: int, no_recent_env: None
) -> None:
    """The look before a create costs one GET per project and ``pulumi up``, not one per export."""
    names = [unique("batch") for _ in range(4)]

    fault_stack.up([export(project, n, resource=f"export-{i}") for i, n in enumerate(names)]).expect_ok()

    assert fault_stack.calls_to("/batch_exports/") == {"GET": 1, "POST": 4}
    assert sorted(e["name"] for e in exports_on(fault_stack.server, project)) == sorted(names)


# ----- 5: an ambiguous create whose check cannot list: "may exist", then adopted ----------------------------------


def test_a_create_whose_check_cannot_list_says_it_may_exist_and_the_next_up_adopts_it(
    fault_stack: Stack, project: int, no_recent_env: None
) -> None:
    server, name = fault_stack.server, unique("unlisted")

    failed = while_posting(
        server,
        EXPORTS,
        lambda: fault_stack.up([export(project, name)]),
        lambda: fault(server, status=500, method="GET", path=EXPORTS, count=40),  # PostHog keeps failing
    )
    server.clear_faults()

    assert not failed.ok and fault_stack.engine.resources == []
    message = failed.errors[0].message
    assert "may exist" in message and f"a batch export named '{name}' in project {project}" in message, message
    assert "created around" in message and "adopts it" in message
    assert len(named(server, project, name)) == 1  # the dropped POST was committed
    assert [m for m, _, _ in fault_stack.requests].count("POST") == 1  # never POSTed again blindly

    fault_stack.up([export(project, name)]).expect_ok()

    assert [e["id"] for e in named(server, project, name)] == [fault_stack.id("export")]


# ----- 3: one declared backfill is one backfill -------------------------------------------------------------


def days_ago(days: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).date().isoformat()


def hours_ago(hours: int) -> str:
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return (now - timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


def backfill_program(project: int, name: str, start: str, end: str, **schedule: Any) -> Callable[..., None]:
    def program(register: Callable[..., Any]) -> None:
        parent = register(export(project, name, **schedule))
        register(backfill("fill", project_id=project, batch_export_id=parent.id, start_at=start, end_at=end))

    return program


def test_a_backfill_whose_check_cannot_list_is_not_started_twice(
    fault_stack: Stack, project: int, no_recent_env: None
) -> None:
    server, name = fault_stack.server, unique("fill")
    program = backfill_program(project, name, hours_ago(30), hours_ago(26))

    failed = while_posting(
        server,
        BACKFILLS,
        lambda: fault_stack.up(program),
        lambda: fault(server, status=500, method="GET", path=BACKFILLS, count=40),
    )
    server.clear_faults()

    export_id = fault_stack.id("export")
    assert not failed.ok and "may exist" in failed.errors[0].message, failed.errors
    assert "a backfill of batch export" in failed.errors[0].message
    assert len(backfills_on(server, project, export_id)) == 1

    fault_stack.up(program).expect_ok()

    assert [b["id"] for b in backfills_on(server, project, export_id)] == [fault_stack.id("fill")]


def test_a_backfill_of_a_shifted_daily_export_is_recognised_after_an_ambiguous_post(
    fault_stack: Stack, project: int, no_recent_env: None
) -> None:
    """PostHog stores a date bound at the export's offset hour in its time zone, not at midnight UTC."""
    server, name = fault_stack.server, unique("paris")
    program = backfill_program(
        project, name, days_ago(5), days_ago(3), interval="day", offset_hour=3, timezone="Europe/Paris"
    )
    fault(server, status=500, when="after", method="POST", path=BACKFILLS, count=1)

    fault_stack.up(program).expect_ok()

    fills = backfills_on(server, project, fault_stack.id("export"))
    assert [b["id"] for b in fills] == [fault_stack.id("fill")], "the ambiguous backfill was started twice"
    assert not fills[0]["start_at"].endswith("T00:00:00Z")  # the case is real: PostHog moved the bound
    assert [m for m, p, _ in fault_stack.requests if "backfills" in p].count("POST") == 1
