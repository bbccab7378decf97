"""The Project resource: a project in an organization (or an adopted one, ``adopt_id``) and its settings."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

from pulumi_posthog.resources.batch_export_rules import timezones
from pulumi_posthog.resources.engine import register
from pulumi_posthog.resources.errors import ResourceError
from pulumi_posthog.resources.object_spec import ObjectSpec, adopt_id, organization_id, setting
from pulumi_posthog.resources.program import PostHogResource
from pulumi_posthog.resources.protection import deletion_protection
from pulumi_posthog.resources.reconcile import Lookup, create_once
from pulumi_posthog.resources.spec import Context, Field
from pulumi_posthog.resources.values import is_unknown

OUTPUTS = {
    "uuid": "The project's UUID.",
    "api_token": "The project API key (`phc_…`, public: it goes into the app's PostHog snippet).",
    "created_at": "When it was created.",
}
NAME_MAX = 200  # posthog/models/project.py: name = models.CharField(max_length=200)


class ProjectSpec(ObjectSpec):
    """Settings left unset are not managed: PostHog (and people in its UI) keep whatever value they have. The body
    fields are what ``ProjectBackwardCompatSerializer`` (posthog/api/project.py) takes that a platform team sets in
    code."""

    name = "Project"
    doc = "A PostHog project in an organization (created, or adopted with adopt_id) and its settings."
    fields = (
        organization_id(
            "The organization UUID (or '@current') the project belongs to.", in_body=False, read_as="organization"
        ),
        Field(
            "name",
            str,
            required=True,
            not_blank=True,
            max_length=NAME_MAX,
            doc=f"Project name (at most {NAME_MAX} characters).",
        ),
        setting("product_description", str, "What the project's product is."),
        setting("timezone", str, "IANA time zone of the project's dates (PostHog: UTC)."),
        setting("anonymize_ips", bool, "Discard client IP data."),
        setting("app_urls", list, "The app's URLs (toolbar and heatmaps)."),
        adopt_id("Manage an existing project of the organization (its id) instead of creating one."),
        deletion_protection("project"),
    )
    outputs = OUTPUTS
    id_doc = "the project's id (an integer, as a string; it is a `project_id`)"

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
        failures: list[CheckFailure] = []
        tz = news.get("timezone")
        if isinstance(tz, str) and timezones() and tz not in timezones():
            failures.append(CheckFailure("timezone", f'"{tz}" is not a valid choice.'))
        urls = news.get("app_urls")
        if isinstance(urls, list) and any(not isinstance(u, str) and not is_unknown(u) for u in urls):
            failures.append(CheckFailure("app_urls", "Each app URL must be a string."))
        adopt = news.get("adopt_id")
        if isinstance(adopt, str) and not is_unknown(adopt) and not adopt.isdigit():
            failures.append(CheckFailure("adopt_id", f"'{adopt}' is not a project id (an integer)."))
        return news, failures

    def lands_on(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> str | None:
        if self.adopts_itself(news, id_):
            return "adopt_id names the project it already manages"
        return None

    def create(self, ctx: Context, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        client = ctx.client
        body = self.body(inputs)
        org = inputs["organization_id"]
        adopt = inputs.get("adopt_id")
        if adopt:
            current = client.get_project(adopt)
            _same_organization(ctx, org, current)
            return self.adopt(ctx, "project", current, inputs)
        created, _ = create_once(
            lambda: client.create_organization_project(org, body),
            Lookup(
                what=f"project '{body['name']}'",
                look_for=f"a project named '{body['name']}' in organization {org}",
                candidates=lambda: client.list_organization_projects(org),
                matches=lambda p: p.get("name") == body["name"],
                scope=f"projects of {org}",
                key=body["name"],
            ),
            ctx.warn,
            ctx.memo,
        )
        if "api_token" not in created or "created_at" not in created:  # a listed (short) body: read the full one
            created = client.get_project(created["id"])
        return str(created["id"]), self.outputs_from(created, inputs)

    def get_object(self, ctx: Context, id_: str) -> dict[str, Any]:
        return ctx.client.get_project(id_)

    def patch_object(self, ctx: Context, id_: str, body: dict[str, Any]) -> dict[str, Any]:
        return ctx.client.update_project(id_, body)

    def delete_object(self, ctx: Context, id_: str) -> None:
        ctx.client.delete_project(id_)


def _same_organization(ctx: Context, org: str, project: dict[str, Any]) -> None:
    """An adopted project must be in ``organization_id``: adopting another organization's project is refused."""
    wanted = ctx.client.get_organization(org)["id"] if org == "@current" else org
    if str(project.get("organization", "")).lower() == str(wanted).lower():
        return
    raise ForeignProject(
        f"adopt_id {project.get('id')} is project '{project.get('name')}' of organization "
        f"{project.get('organization')}, not of organization_id {org}, so it was not adopted. Set adopt_id to a "
        "project of that organization, or organization_id to the project's organization."
    )


class ForeignProject(ResourceError):
    """``adopt_id`` names a project of another organization."""


SPEC = register(ProjectSpec())


class Project(PostHogResource, module="posthog", name="Project"):
    """A PostHog project. Set ``adopt_id`` (a project id) to manage an existing one of the organization."""

    organization_id: pulumi.Output[str]
    name: pulumi.Output[str]
    uuid: pulumi.Output[str]
    api_token: pulumi.Output[str]
    created_at: pulumi.Output[str]
    deletion_protection: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        *,
        organization_id: pulumi.Input[str],
        name: pulumi.Input[str],
        product_description: pulumi.Input[str] | None = None,
        timezone: pulumi.Input[str] | None = None,
        anonymize_ips: pulumi.Input[bool] | None = None,
        app_urls: pulumi.Input[list[str]] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        deletion_protection: pulumi.Input[bool] | None = None,
        connection: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

        A PostHog project in an organization (created, or adopted with adopt_id) and its settings.

        :param resource_name: The name of the resource in the Pulumi program (unique per type in the stack).
        :param organization_id: The organization UUID (or '@current') the project belongs to.
        :param name: Project name (at most 200 characters).
        :param product_description: What the project's product is.
        :param timezone: IANA time zone of the project's dates (PostHog: UTC).
        :param anonymize_ips: Discard client IP data.
        :param app_urls: The app's URLs (toolbar and heatmaps).
        :param adopt_id: Manage an existing project of the organization (its id) instead of creating one.
        :param deletion_protection: While true (the default), deleting the project fails instead of deleting it.
        :param connection: A named PostHog connection (stack config posthog:connections.<name>); unset: the default one.
        :param opts: Pulumi resource options (depends_on, protect, parent…).

        .. /generated
        """
        super().__init__("Project", resource_name, locals(), opts, connection)
