"""The Organization resource: create one, or adopt an existing one (``adopt_id``), and manage its settings."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

from pulumi_posthog.resources.engine import register, warn
from pulumi_posthog.resources.errors import ResourceError
from pulumi_posthog.resources.object_spec import ObjectSpec, adopt_id, setting
from pulumi_posthog.resources.program import PostHogResource
from pulumi_posthog.resources.protection import deletion_protection
from pulumi_posthog.resources.reconcile import Lookup, create_once
from pulumi_posthog.resources.spec import Context, Diff, Field

IGNORED = "is_member_join_email_enabled"
"""Read only in the newest PostHog ("Legacy field; member-join emails are controlled per user"): an output, and a
configured value is never sent nor diffed, only warned about."""
OUTPUTS = {
    "slug": "The organization's URL slug.",
    "created_at": "When it was created (ISO 8601).",
    "updated_at": "When it was last changed.",
    "membership_level": "The API key's user's level in it: 1 member, 8 admin, 15 owner.",
    "member_count": "How many members it has.",
    "projects": "Its projects: `[{id, name, organization_id}]` (`projects[0]['id']` is a `project_id`).",
    "teams": "Its environments: `[{id, project_id, name, api_token}]` (`api_token` is the project API key).",
    IGNORED: "PostHog's value of this legacy, read-only setting (each user now picks member-join emails).",
    "is_ai_training_locked": "Whether PostHog locked `is_ai_training_opted_in` (then it cannot be changed).",
    "is_hipaa": "Whether the organization is on a HIPAA plan.",
    "is_pending_deletion": "Whether PostHog is deleting the organization.",
}
# Not kept: ``is_ai_training_cta_shown`` (a UI call-out flag that changes as people use PostHog; it would churn the
# state, as the onboarding flags of ``teams`` would).
STATS = ("bayesian", "frequentist")
"""The statistics methods of experiments."""
TEAM_FIELDS = ("id", "project_id", "name", "api_token")
"""What a program uses of each environment in ``teams``. PostHog also sends onboarding and UI flags that change as
people use PostHog (~350 bytes an environment in all): kept, they would bloat and churn the state."""


class OrganizationSpec(ObjectSpec):
    """Settings left unset are not managed: PostHog (and people in its UI) keep whatever value they have."""

    name = "Organization"
    doc = "A PostHog organization (created, or adopted with adopt_id) and its settings."
    fields = (
        Field(
            "name", str, required=True, not_blank=True, max_length=64, doc="Organization name (at most 64 characters)."
        ),
        setting("logo_media_id", str, "Id of an uploaded logo.", uuid=""),
        setting(
            IGNORED,
            bool,
            "Ignored (a warning): newest PostHog made it read only, each user now picks member-join emails. "
            "Read it from the output of the same name.",
            in_body=False,
        ),
        setting("enforce_2fa", bool, "Require two-factor authentication."),
        setting("members_can_invite", bool, "Let members invite others."),
        setting(
            "members_can_create_projects",
            bool,
            "Let members below admin create projects (admins and owners always can).",
        ),
        setting("members_can_use_personal_api_keys", bool, "Let non-admin members use personal API keys."),
        setting("allow_publicly_shared_resources", bool, "Allow sharing dashboards and insights publicly."),
        setting("is_ai_data_processing_approved", bool, "Approve AI data processing."),
        setting(
            "is_ai_training_opted_in",
            bool,
            "Allow the organization's data to be used to train PostHog AI (see the output is_ai_training_locked).",
        ),
        setting("default_experiment_stats_method", str, "Default statistics method of experiments.", choices=STATS),
        setting(
            "default_anonymize_ips", bool, "Default of 'Discard client IP data' for the organization's new projects."
        ),
        setting("default_role_id", str, "Role given to new members (RBAC)."),
        adopt_id(
            "Manage an existing organization (its UUID, or '@current') instead of creating one.",
            uuid="organization",
            current_ok=True,
        ),
        deletion_protection("organization"),
    )
    outputs = OUTPUTS
    id_doc = "the organization's UUID"

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
        failures: list[CheckFailure] = []
        name = news.get("name")
        if news.get(IGNORED) is not None:
            warn(
                f"organization '{name}': {IGNORED} is ignored: PostHog made it read only (each user now chooses "
                "member-join emails in their notification settings), so it is neither sent nor shown as a change; "
                f"the output {IGNORED} has PostHog's value. Remove it from the program"
            )
        return news, failures

    def lands_on(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> str | None:
        """An ``adopt_id`` that names the managed organization itself: adopting it again would give it back."""
        if self.adopts_itself(news, id_):
            return "adopt_id names the organization it already manages"
        if news.get("adopt_id") == "@current":
            return "adopt_id '@current' is checked at `pulumi up` to be the organization it already manages"
        return None

    def diff(self, olds: dict[str, Any], news: dict[str, Any]) -> Diff:
        """Never on the ignored setting: PostHog keeps its own value whatever the program says."""
        return super().diff(
            {k: v for k, v in olds.items() if k != IGNORED}, {k: v for k, v in news.items() if k != IGNORED}
        )

    def outputs_from(self, server: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
        """The base's, with only what a program uses of each environment in ``teams``."""
        result = super().outputs_from(server, inputs)
        teams = result.get("teams")
        if isinstance(teams, list):
            result["teams"] = [{k: t[k] for k in TEAM_FIELDS if k in t} if isinstance(t, dict) else t for t in teams]
        return result

    def create(self, ctx: Context, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        client = ctx.client
        body = self.body(inputs)
        adopt = inputs.get("adopt_id")
        if adopt:
            return self.adopt(ctx, "organization", client.get_organization(adopt), inputs)
        what = f"organization '{body['name']}'"
        created, _ = create_once(
            lambda: client.create_organization(body),
            Lookup(
                what=what,
                look_for=f"an organization named '{body['name']}' among the API key's organizations",
                candidates=client.list_organizations,
                matches=lambda org: not self.diff(self.outputs_from(org, inputs), inputs).changed,
                scope="organizations",
                key=body["name"],
            ),
            ctx.warn,
            ctx.memo,
        )
        return str(created["id"]), self.outputs_from(created, inputs)

    def get_object(self, ctx: Context, id_: str) -> dict[str, Any]:
        return ctx.client.get_organization(id_)

    def patch_object(self, ctx: Context, id_: str, body: dict[str, Any]) -> dict[str, Any]:
        return ctx.client.update_organization(id_, body)

    def delete_object(self, ctx: Context, id_: str) -> None:
        ctx.client.delete_organization(id_)

    def inputs_from(self, outs: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in super().inputs_from(outs).items() if k != IGNORED}

    def update(self, ctx: Context, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        if news.get("adopt_id") == "@current" and olds.get("adopt_id") != "@current":
            _confirm_current(ctx, id_, olds)
        return super().update(ctx, id_, olds, news)


def _confirm_current(ctx: Context, id_: str, olds: dict[str, Any]) -> None:
    """``adopt_id`` became '@current' on a managed organization: it must be that organization (see lands_on)."""
    current = ctx.client.get_organization("@current")
    if str(current.get("id", "")).lower() == id_.lower():
        return
    raise AdoptionMismatch(
        f"adopt_id '@current' is organization '{current.get('name')}' ({current.get('id')}) for this API key, not "
        f"'{olds.get('name', id_)}' ({id_}) that this resource manages, so nothing was changed. To keep managing "
        f"{id_}, set adopt_id to '{id_}' (or back to what it was); to manage {current.get('id')} instead, set "
        f"adopt_id to '{current.get('id')}', which replaces the resource (and deletes {id_} unless "
        "deletion_protection is on)."
    )


class AdoptionMismatch(ResourceError):
    """An ``adopt_id`` change would switch the resource to another organization without a replacement."""


SPEC = register(OrganizationSpec())


class Organization(PostHogResource, module="posthog", name="Organization"):
    """A PostHog organization. Set ``adopt_id`` (a UUID or ``"@current"``) to manage an existing one."""

    name: pulumi.Output[str]
    slug: pulumi.Output[str]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    membership_level: pulumi.Output[int]
    member_count: pulumi.Output[int]
    projects: pulumi.Output[list[dict[str, Any]]]
    teams: pulumi.Output[list[dict[str, Any]]]
    is_member_join_email_enabled: pulumi.Output[bool]
    is_ai_training_locked: pulumi.Output[bool | None]
    is_hipaa: pulumi.Output[bool | None]
    is_pending_deletion: pulumi.Output[bool | None]
    deletion_protection: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        logo_media_id: pulumi.Input[str] | None = None,
        is_member_join_email_enabled: pulumi.Input[bool] | None = None,
        enforce_2fa: pulumi.Input[bool] | None = None,
        members_can_invite: pulumi.Input[bool] | None = None,
        members_can_create_projects: pulumi.Input[bool] | None = None,
        members_can_use_personal_api_keys: pulumi.Input[bool] | None = None,
        allow_publicly_shared_resources: pulumi.Input[bool] | None = None,
        is_ai_data_processing_approved: pulumi.Input[bool] | None = None,
        is_ai_training_opted_in: pulumi.Input[bool] | None = None,
        default_experiment_stats_method: pulumi.Input[str] | None = None,
        default_anonymize_ips: pulumi.Input[bool] | None = None,
        default_role_id: pulumi.Input[str] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        deletion_protection: pulumi.Input[bool] | None = None,
        connection: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

        A PostHog organization (created, or adopted with adopt_id) and its settings.

        :param resource_name: The name of the resource in the Pulumi program (unique per type in the stack).
        :param name: Organization name (at most 64 characters).
        :param logo_media_id: Id of an uploaded logo.
        :param is_member_join_email_enabled: Ignored (a warning): newest PostHog made it read only, each user now picks
            member-join emails. Read it from the output of the same name.
        :param enforce_2fa: Require two-factor authentication.
        :param members_can_invite: Let members invite others.
        :param members_can_create_projects: Let members below admin create projects (admins and owners always can).
        :param members_can_use_personal_api_keys: Let non-admin members use personal API keys.
        :param allow_publicly_shared_resources: Allow sharing dashboards and insights publicly.
        :param is_ai_data_processing_approved: Approve AI data processing.
        :param is_ai_training_opted_in: Allow the organization's data to be used to train PostHog AI (see the output
            is_ai_training_locked).
        :param default_experiment_stats_method: Default statistics method of experiments.
        :param default_anonymize_ips: Default of 'Discard client IP data' for the organization's new projects.
        :param default_role_id: Role given to new members (RBAC).
        :param adopt_id: Manage an existing organization (its UUID, or '@current') instead of creating one.
        :param deletion_protection: While true (the default), deleting the organization fails instead of deleting it.
        :param connection: A named PostHog connection (stack config posthog:connections.<name>); unset: the default one.
        :param opts: Pulumi resource options (depends_on, protect, parent…).

        .. /generated
        """
        super().__init__("Organization", resource_name, locals(), opts, connection)
