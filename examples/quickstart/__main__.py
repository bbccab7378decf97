"""Quickstart: adopt the current PostHog organization, set two of its settings, export its events, backfill.

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

# Adopt it: nothing is created, the settings below are applied to the existing organization. deletion_protection
# keeps its default (True), and retain_on_delete makes `pulumi destroy` release the organization instead of
# trying to delete it.
org = posthog.Organization(
    "org",
    adopt_id="@current",
    name=config.get("organizationName") or current["name"],
    enforce_2fa=True,  # what the repo's policy pack requires of every organization
    is_member_join_email_enabled=False,
    opts=pulumi.ResourceOptions(retain_on_delete=True),
)

project_id = config.get_int("projectId") or org.projects.apply(lambda projects: int(projects[0]["id"]))

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
