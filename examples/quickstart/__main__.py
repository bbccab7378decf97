"""Quickstart: adopt the current PostHog organization, enforce 2FA, export its events, backfill.

`make demo` runs this program (the repo's root Pulumi.yaml points here) against posthog-local. It works against
PostHog Cloud or self-hosted PostHog too: set `posthog:host` and `posthog:apiKey` (see docs/configuration.md).

Optional stack config (namespace `quickstart`):
  quickstart:organizationName   rename the organization (default: keep its current name)
  quickstart:projectId          the project to export from (default: the organization's first project)
  quickstart:destinationToken   (secret) the project API key (phc_…) of the PostHog project that receives the events
  quickstart:backfillStart / quickstart:backfillEnd   the backfilled period (default: 2025-01-01, 00:00 to 06:00 UTC)
"""

import os

import pulumi
import pulumi_posthog as posthog

config = pulumi.Config("quickstart")

# The organization the API key's user is in right now, as PostHog has it (a plain lookup, no resource).
current = posthog.get_organization("@current")

# Adopt it: nothing is created, the setting below is applied to the existing organization (a preview cannot show
# that PATCH: it compares with the last state, and an adoption has none). deletion_protection keeps its default
# (True), and retain_on_delete makes `pulumi destroy` release the organization instead of deleting it.
org = posthog.Organization(
    "org",
    adopt_id="@current",
    name=config.get("organizationName") or current["name"],
    # What the repo's policy pack requires of every organization. It applies to EVERY member: people without 2FA
    # are asked to set it up at their next login. Remove it if your organization is not ready.
    enforce_2fa=True,
    opts=pulumi.ResourceOptions(retain_on_delete=True),
)

# The project comes from the lookup above, not from `org.projects`: replace-forcing inputs (`project_id`) must be
# known at preview. An output of a resource with a pending update is unknown in a preview, so `org.projects` would
# show the export and the backfill as replaced whenever the organization changes (docs/batch-export.md).
project_id = config.get_int("projectId") or int(current["projects"][0]["id"])

# An hourly export of the project's events to PostHog US Cloud's batch ingestion endpoint (HTTP needs no cloud
# credentials: only the receiving project's API key, which becomes a Pulumi secret in state).
export = posthog.BatchExport(
    "events-to-posthog",
    project_id=project_id,
    name="quickstart: events to PostHog US",
    interval="hour",
    destination=posthog.destinations.HTTP(
        url="https://us.i.posthog.com/batch/",
        token=config.get_secret("destinationToken") or "phc_quickstart_demo_project_token",
    ),
)

# Re-export six past hours once. Fixed bounds keep `pulumi up` idempotent: changing them starts a new backfill.
backfill = posthog.BatchExportBackfill(
    "first-hours",
    project_id=project_id,
    batch_export_id=export.id,
    start_at=config.get("backfillStart") or "2025-01-01T00:00:00Z",
    end_at=config.get("backfillEnd") or "2025-01-01T06:00:00Z",
)

host = (pulumi.Config("posthog").get("host") or os.environ.get("POSTHOG_HOST") or "https://us.posthog.com").rstrip("/")

pulumi.export("organization_id", org.id)
pulumi.export("organization_name", org.name)
pulumi.export("project_id", project_id)
pulumi.export("batch_export_id", export.id)
pulumi.export("batch_export_paused", export.paused)
pulumi.export("backfill_id", backfill.backfill_id)
pulumi.export("backfill_status", backfill.status)
pulumi.export(
    "batch_export_url",
    pulumi.Output.all(project_id, export.id).apply(lambda a: f"{host}/api/projects/{a[0]}/batch_exports/{a[1]}/"),
)
