"""The Integration resource: batch-export credentials (a role, keys or a password) kept by PostHog."""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

from pulumi_posthog.client import NotFoundError, PostHogError, ValidationError
from pulumi_posthog.destinations import INTEGRATION_SECRETS
from pulumi_posthog.resources import propagation
from pulumi_posthog.resources.engine import register
from pulumi_posthog.resources.errors import ResourceError
from pulumi_posthog.resources.integration_rules import KINDS, changed_keys, check_config, identity, is_named
from pulumi_posthog.resources.nested import Change, Nested
from pulumi_posthog.resources.program import PostHogResource
from pulumi_posthog.resources.reconcile import replay, write_once
from pulumi_posthog.resources.secret_paths import Path
from pulumi_posthog.resources.spec import Context, Field, ResourceSpec
from pulumi_posthog.resources.values import is_unknown, plain, same

SUFFIX_LEN = 7
OUTPUTS = {
    "display_name": "PostHog's label, e.g. `prod-lake (AWS role 'arn:…')`.",
    "created_at": "When it was created.",
    "errors": "PostHog's last error with these credentials, if any.",
}


class IntegrationInUse(ResourceError):
    """PostHog refuses to delete an integration while batch exports use it."""


class AdoptionError(Exception):
    """``adopt_id`` names an integration the program cannot take over as written."""


def _listing(keys: list[str], config: dict[str, Any]) -> str:
    return ", ".join(f"{k}={config.get(k)!r}" for k in keys) or "other settings"


def autoname(base: str, previous: Any) -> str:
    """``base-xxxxxxx``: reuse the previous generated name for the same base, else draw a new suffix."""
    if isinstance(previous, str) and re.fullmatch(re.escape(base) + rf"-[a-z0-9]{{{SUFFIX_LEN}}}", previous):
        return previous
    alphabet = string.ascii_lowercase + string.digits
    return f"{base}-{''.join(secrets.choice(alphabet) for _ in range(SUFFIX_LEN))}"


def secret_keys(kind: Any) -> frozenset[str]:
    return INTEGRATION_SECRETS.get(kind, frozenset()) if isinstance(kind, str) else frozenset()


class Settings(Nested):
    """An integration's ``config``: a change of a named kind, or of an upsert kind's identity, is a replacement;
    its kind's secrets are top-level keys. PostHog's answer keeps the configured secrets and what it omits."""

    def change(self, old: dict[str, Any], new: dict[str, Any], news: Mapping[str, Any]) -> Change:
        kind = news.get("kind")
        if is_unknown(new):
            return "replace"
        if not isinstance(kind, str) or not changed_keys(kind, new, old):
            return "same"
        if is_named(kind, new) or not same(identity(kind, new), identity(kind, old)):
            return "replace"
        return "update"

    def secret_paths(self, value: Any, context: Mapping[str, Any]) -> list[Path]:
        return [(key,) for key in sorted(secret_keys(context.get("kind")))]

    def restore(self, value: Any, configured: dict[str, Any], context: Mapping[str, Any]) -> Any:
        """The configured secrets win (PostHog never shows them), and configured keys PostHog omits are kept."""
        config = dict(value)
        for key in secret_keys(context.get("kind")) | (set(configured) - set(config)):
            if configured.get(key) is not None:
                config[key] = configured[key]
        return config


class IntegrationSpec(ResourceSpec):
    """Named kinds are replaced on any change (under a fresh suffixed name); upsert kinds update in place."""

    name = "Integration"
    doc = "Credentials PostHog uses to reach a batch-export destination (e.g. an AWS role for S3)."
    fields = (
        Field("project_id", int, required=True, replace=True, minimum=1, doc="The PostHog project (environment) id."),
        Field("kind", str, required=True, replace=True, choices=KINDS, doc="The integration kind."),
        Field(
            "config",
            dict,
            required=True,
            nested=Settings(),
            doc="The kind's settings, credentials included (secrets are secret).",
        ),
        Field(
            "adopt_id",
            str,
            replace=True,
            provider_only=True,
            doc="Manage an existing integration (its numeric id) instead of creating one; PostHog never shows "
            "secrets, so the configured ones are sent (upsert kinds) or taken as declared (named kinds).",
        ),
    )
    outputs = OUTPUTS
    id_doc = "the integration's id (an integer, as a string)"

    def describe(self, id_: str, state: dict[str, Any]) -> str:
        label = (state.get("config") or {}).get("name") or state.get("display_name")
        return f"Integration {state.get('kind', '')} '{label}' ({id_})" if label else f"Integration {id_}"

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
        kind, config = news.get("kind"), news.get("config")
        if not isinstance(kind, str) or is_unknown(kind) or kind not in KINDS:
            return news, []
        failures = [CheckFailure("config", p) for p in check_config(kind, config)]
        adopt = news.get("adopt_id")
        if isinstance(adopt, str) and not is_unknown(adopt) and not adopt.isdigit():
            failures.append(CheckFailure("adopt_id", f"'{adopt}' is not an integration id (a number)."))
        if adopt is not None:
            return news, failures  # an adopted integration keeps the name PostHog has: no suffix
        if failures or not isinstance(config, dict) or not is_named(kind, config) or is_unknown(config.get("name")):
            return news, failures
        base = config["name"]
        previous = (olds.get("config") or {}).get("name") if olds.get("kind") == kind else None
        if len(base) + 1 + SUFFIX_LEN > 200:
            return news, [CheckFailure("config", "config.name is too long (at most 192 characters).")]
        return {**news, "config": {**config, "name": autoname(base, previous)}}, []

    def outs(self, server: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
        kind = server.get("kind") or inputs.get("kind")
        result = {
            "project_id": plain(inputs.get("project_id")),
            "kind": kind,
            "config": self.nested_output("config", server, inputs, {"kind": kind}),
            "adopt_id": inputs.get("adopt_id"),
            **{k: server.get(k) for k in OUTPUTS},
        }
        return {k: v for k, v in result.items() if v is not None}

    def create(self, ctx: Context, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        client = ctx.client
        project, kind, config = plain(inputs["project_id"]), inputs["kind"], plain(inputs["config"])
        if inputs.get("adopt_id"):
            return self._adopt(ctx, str(inputs["adopt_id"]), inputs)

        if is_named(kind, config):
            created, _ = write_once(
                lambda: _post(ctx, project, kind, config),
                lambda: client.list_integrations(project, kind),
                lambda i: (i.get("config") or {}).get("name") == config.get("name"),
                f"{kind} integration '{config.get('name')}'",
            )
        else:
            # Upsert kinds: a second POST with the same identity overwrites the same row, so replaying is safe.
            created = replay(lambda: _post(ctx, project, kind, config))
        return str(created["id"]), self.outs(created, inputs)

    def _adopt(self, ctx: Context, id_: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Take over integration ``id_``: its kind and settings must be the program's; PostHog never shows secrets,
        so an upsert kind's configured credentials are POSTed again (landing on the same row), while a named kind
        (no update in PostHog) keeps its own and the state records the configured ones."""
        project, kind, config = plain(inputs["project_id"]), inputs["kind"], plain(inputs["config"])
        try:
            server = ctx.client.get_integration(project, id_)
        except NotFoundError:
            raise AdoptionError(
                f"adopt_id {id_}: PostHog has no integration {id_} in project {project} (404 Not found). "
                "Use the id shown in PostHog (Data pipelines → the destination's integration), or remove adopt_id "
                "to create a new integration."
            ) from None
        if server.get("kind") != kind:
            raise AdoptionError(
                f"adopt_id {id_}: integration {id_} is a '{server.get('kind')}' integration, not '{kind}'. "
                f"Set kind='{server.get('kind')}' with its settings, or adopt another id."
            )
        shown = dict(server.get("config") or {})
        visible = {k: v for k, v in config.items() if k not in secret_keys(kind)}
        differs = changed_keys(kind, visible, shown)
        label = self.describe(id_, {"kind": kind, "config": shown, "display_name": server.get("display_name")})
        if is_named(kind, config):
            if differs:
                raise AdoptionError(
                    f"adopt_id {id_}: {label} has {_listing(differs, shown)} in PostHog but the program sets "
                    f"{_listing(differs, visible)}. PostHog cannot change a {kind} integration in place: make the "
                    "program's config match, or remove adopt_id to create a new integration instead."
                )
            if any(key in config for key in secret_keys(kind)):
                ctx.warn(
                    f"adopting {label}: PostHog never shows its credentials and cannot update a {kind} "
                    "integration, so the configured ones are recorded as declared (PostHog keeps its own)"
                )
            return id_, self.outs(server, inputs)
        if identity(kind, config) != identity(kind, {**shown, **{k: config.get(k) for k in secret_keys(kind)}}):
            raise AdoptionError(
                f"adopt_id {id_}: {label} is another {kind} connection than the program's "
                f"({_listing(differs, shown)} in PostHog). Make the program's config match, or adopt another id."
            )
        ctx.warn(f"adopting {label}: sending the configured credentials (PostHog never shows them)")
        posted = replay(lambda: _post(ctx, project, kind, config))
        if str(posted.get("id")) != id_:
            raise AdoptionError(
                f"adopt_id {id_}: sending the program's {kind} config to PostHog wrote integration "
                f"{posted.get('id')}, not {id_}: its identity differs from the adopted one's. Make the program's "
                "config match the adopted integration (host, port and user; hostname; account), then run "
                "`pulumi up` again."
            )
        return id_, self.outs(posted, inputs)

    def lands_on(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> str | None:
        if self.adopts_itself(news, id_):
            return "adopt_id names this very integration, so a replacement would only adopt it again"
        return None

    def read(self, ctx: Context, id_: str, state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        server = ctx.client.get_integration(str(state.get("project_id")), id_)
        outs = self.outs(server, state)
        return self.found(outs)

    def update(self, ctx: Context, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        """Upsert kinds only (named kinds are replaced): POST again and expect the same row back."""
        project, kind, config = plain(news["project_id"]), news["kind"], plain(news["config"])
        if is_named(kind, config):  # only reached through adopt_id naming this integration (lands_on)
            changed = changed_keys(kind, config, olds.get("config") or {})
            if changed:
                raise AdoptionError(
                    f"{self.describe(id_, olds)}: PostHog cannot change a {kind} integration in place "
                    f"({', '.join(changed)} changed) and adopt_id pins this one. Remove adopt_id to get a new "
                    "integration with the new config."
                )
            return {**olds, "adopt_id": news.get("adopt_id")}
        server = replay(lambda: _post(ctx, project, kind, config))
        if str(server.get("id")) != str(id_):
            raise RuntimeError(
                f"updating {kind} integration {id_} created another row ({server.get('id')}) instead of "
                "overwriting it: its identity changed. Run `pulumi refresh`, then `pulumi up` again."
            )
        return self.outs(server, news)

    def delete(self, ctx: Context, id_: str, state: dict[str, Any]) -> None:
        # An upsert-kind replacement that landed on this very row is kept by the engine (same id as created).
        try:
            ctx.client.delete_integration(str(state.get("project_id")), id_)
        except ValidationError as exc:
            if "used by batch exports" in (exc.detail or ""):
                raise IntegrationInUse(
                    f"Integration {id_} cannot be deleted yet: {exc.detail} In Pulumi, make the exports depend "
                    "on this integration (pass its id as destination integration_id) so they are changed first."
                ) from None
            raise


def _post(ctx: Context, project: Any, kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """One POST of the integration (PostHog upserts the upsert kinds). PostHog checks a role (assume-role) and a
    database host (DNS) live: a new one may need a while."""
    return propagation.create_integration(
        lambda: ctx.client.create_integration(project, kind, config), kind, config, lambda: _organization(ctx, project)
    )


def _organization(ctx: Context, project: Any) -> str | None:
    """The project's organization id, for the external id in a hint (None when PostHog cannot tell)."""
    try:
        return str(ctx.client.get_project(project).get("organization") or "") or None
    except PostHogError:
        return None


SPEC = register(IntegrationSpec())


class Integration(PostHogResource, module="posthog", name="Integration"):
    """Credentials for batch exports. Named kinds get a unique suffix on ``config["name"]`` (see docs)."""

    display_name: pulumi.Output[str]
    created_at: pulumi.Output[str]
    errors: pulumi.Output[str]
    config: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        *,
        project_id: pulumi.Input[int],
        kind: str,
        config: pulumi.Input[dict[str, Any]],
        adopt_id: pulumi.Input[str | int] | None = None,
        connection: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

        Credentials PostHog uses to reach a batch-export destination (e.g. an AWS role for S3).

        :param resource_name: The name of the resource in the Pulumi program (unique per type in the stack).
        :param project_id: The PostHog project (environment) id.
        :param kind: The integration kind.
        :param config: The kind's settings, credentials included (secrets are secret).
        :param adopt_id: Manage an existing integration (its numeric id) instead of creating one; PostHog never shows
            secrets, so the configured ones are sent (upsert kinds) or taken as declared (named kinds).
        :param connection: A named PostHog connection (stack config posthog:connections.<name>); unset: the default one.
        :param opts: Pulumi resource options (depends_on, protect, parent…).

        .. /generated
        """
        inputs: dict[str, Any] = {"project_id": project_id, "kind": kind, "config": config}
        if adopt_id is not None:
            inputs["adopt_id"] = str(adopt_id) if isinstance(adopt_id, int) else adopt_id
        super().__init__("Integration", resource_name, inputs, opts, connection)
        self.posthog_kind = kind  # lets a BatchExport check the kind offline when given this resource
