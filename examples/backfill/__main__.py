"""Backfills as code: re-export past periods through a batch export, once each, with their progress in the stack.

PostHog never deduplicates backfills: two backfills of the same period export the same events twice. Here each
period is one ``posthog.BatchExportBackfill`` resource, so `pulumi up` starts it once and later runs leave it alone;
a new period in the list starts a new backfill, and removing a period that is still running cancels it.

Stack config:
  projectId          the PostHog project (default: the current organization's first project)
  batchExportId      backfill this existing export (its UUID) instead of the daily export created below
  destinationToken   (secret) project API key (phc_…) of the project the created export sends events to
  periods            [{"start_at": …, "end_at": …}, …] (default: two weeks of January 2025). Daily and weekly exports
                     take dates ("2025-01-01"), hourly and shorter ones datetimes with an offset ("…T00:00:00Z");
                     end_at is exclusive and must not be in the future.
"""

import pulumi
import pulumi_posthog as posthog

config = pulumi.Config()
project_id = config.get_int("projectId") or int(posthog.get_organization("@current")["projects"][0]["id"])

batch_export_id = config.get("batchExportId")
if batch_export_id is None:
    # A daily export at 02:00 UTC into PostHog EU Cloud's batch ingestion endpoint.
    export = posthog.BatchExport(
        "daily-events",
        project_id=project_id,
        name="daily events to PostHog EU",
        interval="day",
        offset_hour=2,
        destination=posthog.destinations.HTTP(
            url="https://eu.i.posthog.com/batch/",
            token=config.get_secret("destinationToken") or "phc_backfill_example_project_token",
        ),
    )
    batch_export_id = export.id

periods = config.get_object("periods") or [
    {"start_at": "2025-01-01", "end_at": "2025-01-08"},
    {"start_at": "2025-01-08", "end_at": "2025-01-15"},
]

backfills = {}
for period in periods:
    # The resource name carries the period, so a changed period is a new backfill (the old one is cancelled if it
    # still runs) rather than an in-place change (a backfill cannot be changed).
    name = f"backfill-{period['start_at']}-{period['end_at']}".replace(":", "")
    backfills[name] = posthog.BatchExportBackfill(
        name,
        project_id=project_id,
        batch_export_id=batch_export_id,
        start_at=period["start_at"],
        end_at=period["end_at"],
    )

pulumi.export("batch_export_id", batch_export_id)
pulumi.export("backfills", {name: {"id": b.backfill_id, "status": b.status} for name, b in backfills.items()})
