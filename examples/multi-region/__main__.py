"""PostHog US and EU Cloud in one program: the same security settings in both, and an export in each region.

The default connection is US (`posthog:host`, `posthog:apiKey`); the EU organization uses the named connection
"eu" (`posthog:connections.eu.host`, `posthog:connections.eu.apiKey`). Only the connection's *name* is stored
with each resource: hosts and keys stay in stack config (see docs/configuration.md).

Stack config:
  usMirrorToken / euMirrorToken   (secrets) project API keys (phc_…) of the project in the same region that
                                  receives a copy of the events (data stays in its region)
"""

import pulumi
import pulumi_posthog as posthog

config = pulumi.Config()

# Settings every organization must have, whichever region it lives in.
SECURITY = {"enforce_2fa": True, "allow_publicly_shared_resources": False, "members_can_invite": False}

# region → (connection name, that region's batch ingestion URL)
REGIONS = {
    "us": (None, "https://us.i.posthog.com/batch/"),
    "eu": ("eu", "https://eu.i.posthog.com/batch/"),
}

for region, (connection, ingestion_url) in REGIONS.items():
    current = posthog.get_organization("@current", connection=connection)
    org = posthog.Organization(
        f"{region}-organization",
        adopt_id="@current",
        name=current["name"],
        connection=connection,
        opts=pulumi.ResourceOptions(retain_on_delete=True),
        **SECURITY,
    )
    export = posthog.BatchExport(
        f"{region}-mirror",
        project_id=int(current["projects"][0]["id"]),
        name=f"{region}: events to the mirror project",
        interval="hour",
        destination=posthog.destinations.HTTP(url=ingestion_url, token=config.require_secret(f"{region}MirrorToken")),
        connection=connection,
    )
    pulumi.export(f"{region}_organization_id", org.id)
    pulumi.export(f"{region}_batch_export_id", export.id)
