"""The delete guard across commands, RPC by RPC in the engine's order (``pkg/resource/deploy/step_generator.go``: a
registration is Check then Diff; pending and undeclared entries are deleted after the program's registrations;
``--replace`` skips Diff; a refresh is Read then Diff without Check), plus ``LiveEntries`` on its own."""

from __future__ import annotations

from typing import Any

from pulumi_posthog.resources.engine import PostHogProvider
from pulumi_posthog.resources.entries import ENTRY_KEY, LiveEntries, entry_of

from tests.conftest import LocalServer
from tests.harness import ProviderClient, Secret, dynamic_token, in_process_client, provider_blob, reveal
from tests.resources.cases import US_URL, token

URN = f"urn:pulumi:dev::project::{dynamic_token('posthog', 'BatchExport')}::export"
BLOB = provider_blob(PostHogProvider("BatchExport"))
HTTP_TOKEN = token("phc")


def command(server: LocalServer) -> ProviderClient:
    """A new plugin process (one per CLI command), configured with the stack config."""
    plugin = in_process_client()
    plugin.configure({"posthog:host": server.url, "posthog:apiKey": Secret(server.api_key)})
    return plugin


def export_inputs(project: int, **extra: Any) -> dict[str, Any]:
    destination = {"type": "HTTP", "config": {"url": US_URL, "token": HTTP_TOKEN}}
    inputs = {"project_id": project, "name": "guarded", "interval": "day", "destination": destination, **extra}
    return {**inputs, "__provider": BLOB}


def exists(server: LocalServer, project: int, export_id: str) -> bool:
    return server.api("GET", f"/api/projects/{project}/batch_exports/{export_id}/").status_code == 200


def deletes(server: LocalServer) -> list[str]:
    return [r["path"] for r in server.requests_seen()["recent"] if r["method"] == "DELETE"]


def test_a_forced_replacement_onto_the_same_export_then_a_failed_run_keeps_it(
    posthog_local: LocalServer, project: int
) -> None:
    server = posthog_local
    first = command(server)
    inputs = first.check(URN, {}, export_inputs(project)).inputs
    assert inputs is not None
    old = first.create(URN, inputs)  # the entry that `pulumi up --replace` will leave pending
    export_id = old.id

    # `pulumi up --replace <urn>`: no Diff, Check with no olds, Create (it adopts the same export), then the run
    # fails before the delete of the old entry.
    forced = command(server)
    adopt = forced.check(URN, {}, export_inputs(project, adopt_id=export_id)).inputs
    assert adopt is not None
    new = forced.create(URN, adopt)
    assert new.id == export_id and new.outputs[ENTRY_KEY] != old.outputs[ENTRY_KEY]

    # The next `pulumi up`: the live entry is registered (Check, Diff), then the pending one is deleted.
    server.control("DELETE", "requests")
    nxt = command(server)
    checked = nxt.check(URN, reveal(adopt), export_inputs(project, adopt_id=export_id)).inputs
    assert checked is not None
    assert nxt.diff(URN, export_id, reveal(new.outputs), reveal(checked), reveal(adopt)).changes == "none"
    nxt.delete(URN, export_id, reveal(old.outputs), reveal(inputs))
    assert exists(server, project, export_id) and deletes(server) == []

    # `pulumi destroy --refresh`: Read and a refresh Diff of both entries (no Check), then both deleted.
    gone = command(server)
    for entry in (new, old):
        read = gone.read(URN, export_id, reveal(entry.outputs), reveal(adopt))
        assert read.inputs is not None
        gone.diff(URN, export_id, read.outputs, reveal(adopt), read.inputs)
    gone.delete(URN, export_id, reveal(new.outputs), reveal(adopt))
    gone.delete(URN, export_id, reveal(old.outputs), reveal(inputs))
    assert not exists(server, project, export_id)
    assert deletes(server) == [f"/api/projects/{project}/batch_exports/{export_id}/"] * 2  # the second one: 404


def test_read_keeps_the_entry_token_and_update_carries_it(posthog_local: LocalServer, project: int) -> None:
    plugin = command(posthog_local)
    inputs = plugin.check(URN, {}, export_inputs(project)).inputs
    assert inputs is not None
    created = plugin.create(URN, inputs)
    entry = created.outputs[ENTRY_KEY]
    read = plugin.read(URN, created.id, reveal(created.outputs), reveal(inputs))
    assert read.outputs[ENTRY_KEY] == entry and read.inputs is not None and ENTRY_KEY not in read.inputs
    renamed = plugin.check(URN, reveal(inputs), {**export_inputs(project), "name": "renamed"}).inputs
    assert renamed is not None
    updated = plugin.update(URN, created.id, reveal(read.outputs), reveal(renamed), reveal(inputs))
    assert updated[ENTRY_KEY] == entry and updated["name"] == "renamed"
    plugin.delete(URN, created.id, reveal(updated), reveal(renamed))
    assert not exists(posthog_local, project, created.id)


# ----- LiveEntries --------------------------------------------------------------------------------------------


def test_a_diff_counts_only_for_inputs_checked_in_this_process() -> None:
    live = LiveEntries()
    news = {"name": "a", "project_id": 1.0, "paused": None}
    current, stale = {"name": "a", ENTRY_KEY: "t1"}, {"name": "a", ENTRY_KEY: "t0"}
    live.diffed("x", current, news)  # a refresh Diff: nothing was checked
    assert not live.managed_by_another("x", stale)
    live.checked({"name": "a", "project_id": 1})  # as Check returned them; Diff gets them back as doubles
    live.diffed("x", current, news)
    assert live.managed_by_another("x", stale)
    assert not live.managed_by_another("x", current)  # deleting the entry that was diffed (a dependent's DBR)
    assert not live.managed_by_another("y", stale)


def test_a_created_entry_protects_older_entries_of_its_id() -> None:
    live = LiveEntries()
    live.kept("x", {"name": "a", ENTRY_KEY: "new"})
    assert live.managed_by_another("x", {"name": "a", ENTRY_KEY: "old"})
    assert not live.managed_by_another("x", {"name": "a", ENTRY_KEY: "new"})


def test_entries_written_before_tokens_are_told_apart_by_their_outputs() -> None:
    live = LiveEntries()
    live.kept("x", {"name": "a", ENTRY_KEY: "new"})
    assert live.managed_by_another("x", {"name": "a"})
    legacy = LiveEntries()
    legacy.kept("x", {"name": "a", "__provider": "blob-1"})
    assert not legacy.managed_by_another("x", {"name": "a", "__provider": "blob-2"})  # same outputs: one entry
    assert legacy.managed_by_another("x", {"name": "b"})
    assert entry_of({"name": "a", "n": 2.0}) == entry_of({"n": 2, "name": "a", "gone": None})
