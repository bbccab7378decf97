"""The EnvironmentsRollback resource: PostHog's one-time "move environments back into projects" migration."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

from pulumi_posthog.client import AmbiguousWriteError, ValidationError
from pulumi_posthog.resources.engine import register
from pulumi_posthog.resources.object_spec import organization_id
from pulumi_posthog.resources.program import PostHogResource
from pulumi_posthog.resources.spec import Context, Field, ResourceSpec
from pulumi_posthog.resources.values import is_unknown, plain

ALREADY = "already been requested"


class RollbackSpec(ResourceSpec):
    """PostHog runs it once per organization; deleting the resource cannot undo it."""

    name = "EnvironmentsRollback"
    doc = "Triggers PostHog's environments rollback for an organization (once; it cannot be undone)."
    fields = (
        organization_id(),
        Field(
            "environment_mappings",
            dict,
            required=True,
            replace=True,
            doc='{"<source environment id>": <target environment id>}',
        ),
    )
    outputs = {"message": "PostHog's answer, e.g. `Migration started`."}
    id_doc = "`<organization id>/environments-rollback`"

    def describe(self, id_: str, state: dict[str, Any]) -> str:
        return f"EnvironmentsRollback of organization {state.get('organization_id')}"

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
        failures: list[CheckFailure] = []
        mapping = news.get("environment_mappings")
        if not isinstance(mapping, dict) or is_unknown(mapping):
            return news, failures
        if not mapping:
            return news, [*failures, CheckFailure("environment_mappings", "Environment mappings are required")]
        bad = [f"{k}: {v!r}" for k, v in mapping.items() if not str(k).isdigit() or not _is_id(v)]
        if bad:
            reason = f"ids must be environment ids (integers); got {', '.join(bad)}"
            failures.append(CheckFailure("environment_mappings", reason))
        return news, failures

    def create(self, ctx: Context, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        org = inputs["organization_id"]
        mapping = {str(k): int(plain(v)) for k, v in inputs["environment_mappings"].items()}
        try:
            result = ctx.client.environments_rollback(org, mapping)
        except AmbiguousWriteError:
            result = self._confirm(ctx, org, mapping)
        outs = {"organization_id": org, "environment_mappings": mapping, "message": result.get("message")}
        return f"{org}/environments-rollback", {k: v for k, v in outs.items() if v is not None}

    @staticmethod
    def _confirm(ctx: Context, org: str, mapping: dict[str, int]) -> dict[str, Any]:
        """After an unknown outcome, ask again: PostHog answers "already requested" if the first one landed."""
        try:
            return ctx.client.environments_rollback(org, mapping)
        except ValidationError as exc:
            if ALREADY in (exc.detail or ""):
                return {"message": "Migration started"}
            raise

    def read(self, ctx: Context, id_: str, state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        return state, {k: state[k] for k in ("organization_id", "environment_mappings") if k in state}

    def update(self, ctx: Context, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        return {**olds, **news}

    def delete(self, ctx: Context, id_: str, state: dict[str, Any]) -> None:
        ctx.warn("an environments rollback cannot be undone; the resource is removed from the stack only")


def _is_id(value: Any) -> bool:
    value = plain(value)
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit())


SPEC = register(RollbackSpec())


class EnvironmentsRollback(PostHogResource, module="posthog", name="EnvironmentsRollback"):
    """PostHog's environments rollback for an organization (runs once; needs a legacy unscoped key)."""

    message: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        organization_id: pulumi.Input[str],
        environment_mappings: pulumi.Input[dict[str, int]],
        connection: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

        Triggers PostHog's environments rollback for an organization (once; it cannot be undone).

        :param resource_name: The name of the resource in the Pulumi program (unique per type in the stack).
        :param organization_id: The organization UUID (or '@current').
        :param environment_mappings: {"<source environment id>": <target environment id>}
        :param connection: A named PostHog connection (stack config posthog:connections.<name>); unset: the default one.
        :param opts: Pulumi resource options (depends_on, protect, parent…).

        .. /generated
        """
        super().__init__("EnvironmentsRollback", resource_name, locals(), opts, connection)
