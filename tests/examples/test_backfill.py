"""examples/backfill: one BatchExportBackfill per period — started once, left alone by later runs, cancelled when
a still-running period is removed."""

from __future__ import annotations

import json

from tests.examples.conftest import OrgOwner, program, runner_for

BACKFILL = program("backfill")


def backfills(owner: OrgOwner, export_id: str) -> list[dict]:
    path = f"/api/projects/{owner.project}/batch_exports/{export_id}/backfills/"
    return sorted(owner.api("GET", path)["results"], key=lambda b: b["start_at"])


def test_a_daily_export_and_one_backfill_per_period(org_owner: OrgOwner) -> None:
    runner = runner_for("backfill", org_owner.server, key=org_owner.key)

    run = runner.up(BACKFILL).expect_ok()

    [export] = org_owner.exports()
    assert (export["interval"], export["offset_hour"], export["destination"]["type"]) == ("day", 2, "HTTP")
    assert run.exports["batch_export_id"].value == export["id"]
    started = backfills(org_owner, export["id"])
    assert [(b["start_at"][:10], b["end_at"][:10]) for b in started] == [
        ("2025-01-01", "2025-01-08"),
        ("2025-01-08", "2025-01-15"),
    ]
    assert started[0]["start_at"].startswith("2025-01-01T02:00:00")  # a date means the export's offset_hour
    listed = run.exports["backfills"].value
    assert sorted(b["id"] for b in listed.values()) == sorted(b["id"] for b in started)

    again = runner.up(BACKFILL).expect_ok()
    assert {s.op for s in again.result.steps} == {"same"}
    assert len(backfills(org_owner, export["id"])) == 2  # PostHog never deduplicates: Pulumi state does


def test_backfilling_an_existing_export_and_cancelling_a_removed_running_period(org_owner: OrgOwner) -> None:
    server = org_owner.server
    server.control("PUT", "backfills", json={"complete_after_seconds": 3600})  # keep them Running
    try:
        export = org_owner.api(
            "POST",
            f"/api/projects/{org_owner.project}/batch_exports/",
            json={
                "name": "existing hourly export",
                "interval": "hour",
                "destination": {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": "phc_x"}},
            },
        )
        periods = [
            {"start_at": "2025-02-01T00:00:00Z", "end_at": "2025-02-01T12:00:00Z"},
            {"start_at": "2025-02-01T12:00:00Z", "end_at": "2025-02-02T00:00:00Z"},
        ]
        config = {"projectId": str(org_owner.project), "batchExportId": export["id"]}

        runner = runner_for("backfill", server, key=org_owner.key, config={**config, "periods": json.dumps(periods)})
        run = runner.up(BACKFILL).expect_ok()
        assert [r.name for r in run.resources] == [
            "backfill-2025-02-01T000000Z-2025-02-01T120000Z",
            "backfill-2025-02-01T120000Z-2025-02-02T000000Z",
        ]
        assert len(org_owner.exports()) == 1  # nothing created: the existing export is backfilled
        assert {b["status"] for b in backfills(org_owner, export["id"])} == {"Running"}

        runner.engine.config[f"{runner.engine.project}:periods"] = json.dumps(periods[:1])
        runner.up(BACKFILL).expect_ok()
        assert [b["status"] for b in backfills(org_owner, export["id"])] == ["Running", "Cancelled"]
    finally:
        server.control("PUT", "backfills", json={"complete_after_seconds": 2.0})
