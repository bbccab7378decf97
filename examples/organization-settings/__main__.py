"""Manage an existing PostHog organization's security settings as code, protected against deletion.

Nothing is created: ``adopt_id`` takes over the organization PostHog already has (its UUID, or "@current" for the
API key's current one) and applies the settings below; settings you leave out are not managed, so whatever PostHog
(or someone in its UI) sets stays as it is.

Stack config:
  organizationId          the organization UUID to manage (default "@current")
  organizationName        its name (default: keep the current name)
  environmentsRollback    OPTIONAL, read the README first: a map {"<source environment id>": <target environment id>}
                          that triggers PostHog's one-time environments rollback. Not set: nothing happens.
"""

import pulumi
import pulumi_posthog as posthog

config = pulumi.Config()
organization_id = config.get("organizationId") or "@current"
current = posthog.get_organization(organization_id)

org = posthog.Organization(
    "org",
    adopt_id=organization_id,
    name=config.get("organizationName") or current["name"],
    # Security settings. Some need a PostHog plan feature (2FA enforcement, security settings, invite settings):
    # without it PostHog answers 400 "payment_required" and `pulumi up` names the property.
    enforce_2fa=True,
    members_can_invite=False,
    # Keys of non-admin members stop working when this is False: the key this program uses must belong to an
    # admin or owner.
    members_can_use_personal_api_keys=False,
    allow_publicly_shared_resources=False,
    is_ai_data_processing_approved=False,
    # The default, spelled out: removing this resource from the program (or `pulumi destroy`) fails with a clear
    # message instead of deleting the organization. To stop managing it, see the README.
    deletion_protection=True,
)

# PostHog's environments rollback moves a project's environments back into separate projects. It runs once per
# organization, cannot be undone, and needs a legacy personal API key without scopes (PostHog refuses scoped keys,
# even "*", on this action). It only happens when `environmentsRollback` is set in the stack config.
mappings = config.get_object("environmentsRollback")
if mappings:
    rollback = posthog.EnvironmentsRollback(
        "environments-rollback",
        organization_id=org.id,
        environment_mappings=mappings,
    )
    pulumi.export("environments_rollback", rollback.message)

pulumi.export("organization_id", org.id)
pulumi.export("slug", org.slug)
pulumi.export("member_count", org.member_count)
pulumi.export("deletion_protection", org.deletion_protection)
