"""The BatchExport resource: one export pipeline, written through /api/projects/{project_id}/batch_exports/."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

from pulumi_posthog.client import ValidationError
from pulumi_posthog.resources import propagation, verify
from pulumi_posthog.resources.batch_export_rules import (
    check_destination,
    check_model_fields,
    check_schedule,
    integration_kind_problem,
    parse_datetime,
)
from pulumi_posthog.resources.destination_shape import DESTINATION_FIELD, destination_patch, with_integration
from pulumi_posthog.resources.engine import register
from pulumi_posthog.resources.program import PostHogResource
from pulumi_posthog.resources.reconcile import Lookup, create_once
from pulumi_posthog.resources.spec import Context, Diff, Field, ResourceSpec
from pulumi_posthog.resources.values import MISSING, UUID_RE, is_unknown, plain, same
from pulumi_posthog.resources.waiting import HintedValidationError

SIMPLE = (
    "name",
    "model",
    "interval",
    "start_at",
    "end_at",
    "hogql_query",
    "hogql_modifiers",
    "primary_key",
    "version_key",
    "incremental_mode",
    "filters",
    "timezone",
)
HOGQL_QUERY_REFUSED = "'hogql_query' is only supported for 'hogql' not 'events' model"
OUTPUTS = {
    "team_id": "The environment (team) the export belongs to.",
    "created_at": "When it was created.",
    "last_updated_at": "When it was last changed.",
    "last_paused_at": "When it was last paused (by the program, in the UI, or by PostHog after failures).",
    "schema": "For `model='hogql'`: the exported columns PostHog derived from `hogql_query`.",
}


def canonical_time(value: Any) -> Any:
    """Datetimes compare as UTC instants (PostHog answers ``2026-01-01T00:00:00Z`` for ``…+00:00``)."""
    if not isinstance(value, str):
        return value
    parsed = parse_datetime(value)
    if parsed is None:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def offset_default(name: str, interval: Any) -> int | None:
    if name == "offset_hour":
        return 0 if interval in ("day", "week") else None
    return 0 if interval == "week" else None


class BatchExportSpec(ResourceSpec):
    """Unset optional properties mean PostHog's defaults, except ``paused`` (PostHog pauses failing exports)."""

    name = "BatchExport"
    doc = "A PostHog batch export: a scheduled pipeline that writes events, persons or sessions to a destination."
    fields = (
        Field("project_id", int, required=True, replace=True, minimum=1, doc="The PostHog project (environment) id."),
        Field("name", str, required=True, doc="A name for the export."),
        DESTINATION_FIELD,
        Field("interval", str, required=True, doc="hour, day, week, or (feature-flagged) every 5/15 minutes."),
        Field("model", str, replace=True, default="events", doc="events, persons, sessions or hogql."),
        Field("paused", bool, unmanaged_when_unset=True, doc="Pause or resume; unset leaves PostHog's state."),
        Field("start_at", str, default=None, normalize=canonical_time, doc="Schedule start (ISO 8601)."),
        Field("end_at", str, default=None, normalize=canonical_time, doc="Schedule end (ISO 8601)."),
        Field(
            "hogql_query",
            str,
            default=None,
            doc="model='hogql': the HogQL SELECT whose rows are exported (PostHog's hogql-batch-exports flag). "
            "Newest PostHog takes it on 'events' only for projects that already have such an export.",
        ),
        Field(
            "hogql_modifiers",
            dict,
            default=None,
            doc="model='hogql': HogQL modifiers for the query, e.g. {'convertToProjectTimezone': False}.",
        ),
        Field(
            "primary_key",
            list,
            default=None,
            doc="model='hogql': the result column(s) that identify a row; required with incremental_mode='MERGE'.",
        ),
        Field("version_key", list, default=None, doc="model='hogql': the result column(s) that version a row."),
        Field(
            "incremental_mode",
            str,
            default="APPEND",
            choices=("APPEND", "MERGE"),
            doc="APPEND, or MERGE (model='hogql' with a primary_key): rows are merged by their primary key.",
        ),
        Field("filters", list, default=None, doc="Event/person/HogQL property filters."),
        Field("timezone", str, default="UTC", doc="IANA time zone of the schedule."),
        Field("offset_day", int, unmanaged_when_unset=True, doc="Weekly exports: day of week (0 = Sunday)."),
        Field("offset_hour", int, unmanaged_when_unset=True, doc="Daily/weekly exports: hour of day (0-23)."),
        Field(
            "adopt_id",
            str,
            replace=True,
            provider_only=True,
            doc="Manage an existing export (its UUID) instead of creating one.",
        ),
        Field(
            "integration_kind",
            str,
            provider_only=True,
            unmanaged_when_unset=True,
            doc="Set for you when destination integration_id is a posthog.Integration: its kind, checked offline.",
        ),
        Field(
            "allow_legacy_s3",
            bool,
            provider_only=True,
            default=False,
            doc="Let the legacy 'S3' destination type through check, for a self-hosted PostHog that still has it.",
        ),
        Field(
            "verify_destination",
            bool,
            provider_only=True,
            default=False,
            doc="Run PostHog's destination test, every step, before a create or a destination change; a failed "
            "step stops the write.",
        ),
    )
    outputs = OUTPUTS
    id_doc = "the export's UUID"

    # -- check -------------------------------------------------------------------------------------------------
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
        legacy = news.get("allow_legacy_s3") is True
        failures = [CheckFailure("destination", p) for p in check_destination(news.get("destination"), legacy)]
        failures += check_schedule(news)
        failures += check_model_fields(news)
        name = news.get("name")
        if isinstance(name, str) and not name.strip():
            failures.append(CheckFailure("name", "This field may not be blank."))
        adopt = news.get("adopt_id")
        if isinstance(adopt, str) and not UUID_RE.match(adopt):
            failures.append(CheckFailure("adopt_id", f"'{adopt}' is not a batch export UUID."))
        kind_problem = integration_kind_problem(news.get("destination"), news.get("integration_kind"))
        if kind_problem:
            failures.append(CheckFailure("destination", kind_problem))
        return news, failures

    # -- diff --------------------------------------------------------------------------------------------------
    def diff(self, olds: dict[str, Any], news: dict[str, Any]) -> Diff:
        result = super().diff(olds, news)
        interval = news.get("interval")
        for name in ("offset_day", "offset_hour"):
            new = news.get(name)
            if new is None:
                if "interval" not in result.changed:
                    continue  # unset offsets follow PostHog when nothing else moves them
                new = offset_default(name, interval)
            if is_unknown(new) or is_unknown(interval):
                result.add(name)
                continue
            old = olds.get(name, offset_default(name, olds.get("interval")))
            if not same(new, old):
                result.add(name)
        return result

    def lands_on(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> str | None:
        """An ``adopt_id`` that names this very export: a replacement would adopt it again, not make a new one."""
        if self.adopts_itself(news, id_):
            return (
                "adopt_id names this very export, so a replacement would only adopt it again. PostHog refuses to "
                "change an export's model or destination type (products/batch_exports/.../exports.py: \"Changing "
                'models is not supported", "Cannot change destination type"): to get a new export instead, '
                "remove adopt_id, and the export is replaced"
            )
        return None

    # -- API calls ---------------------------------------------------------------------------------------------
    def body(self, inputs: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {k: plain(inputs[k]) for k in SIMPLE if inputs.get(k) is not None}
        for name in ("paused", "offset_day", "offset_hour"):
            if inputs.get(name) is not None:
                body[name] = plain(inputs[name])
        destination = inputs["destination"]
        body["destination"] = with_integration(
            {"type": destination["type"], "config": plain(destination.get("config") or {})}, destination
        )
        return body

    def outs(self, server: dict[str, Any], inputs: dict[str, Any], project_id: Any) -> dict[str, Any]:
        """Outputs: PostHog's view, with configured secrets kept (PostHog never returns them)."""
        result: dict[str, Any] = {k: plain(server.get(k)) for k in (*SIMPLE, *OUTPUTS)}
        if "hogql_query" not in server:  # older PostHog never echoes it
            result["hogql_query"] = inputs.get("hogql_query")
        result.update(
            project_id=plain(project_id),
            destination=self.nested_output("destination", server, inputs),
            paused=server.get("paused"),
            offset_day=server.get("offset_day"),
            offset_hour=server.get("offset_hour"),
            adopt_id=inputs.get("adopt_id"),
            integration_kind=inputs.get("integration_kind"),
            allow_legacy_s3=inputs.get("allow_legacy_s3"),
            verify_destination=inputs.get("verify_destination"),
        )
        for name in ("start_at", "end_at"):
            result[name] = canonical_time(result.get(name))
        return {k: v for k, v in result.items() if v is not None}

    def create(self, ctx: Context, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        client = ctx.client
        project = plain(inputs["project_id"])
        body = self.body(inputs)
        adopt = inputs.get("adopt_id")
        if adopt:
            return adopt, self._adopt(ctx, client.get_batch_export(project, adopt), inputs, project)
        verify.before_write(ctx, body, inputs)
        created, how = create_once(
            lambda: write(lambda: client.create_batch_export(project, body), body),
            Lookup(
                what=f"batch export '{body['name']}'",
                look_for=f"a batch export named '{body['name']}' in project {project} "
                f"({body['destination']['type']}, every {body.get('interval')})",
                candidates=lambda: client.list_batch_exports(project),
                matches=lambda server: self.same_object(server, inputs, project),
                scope=f"batch exports of project {project}",
                key=f"{project}/{body['name']}",
            ),
            ctx.warn,
            ctx.memo,
        )
        if how == "adopted":  # an interrupted run's export (create_once warned): send what PostHog cannot show
            return str(created["id"]), self._adopt(ctx, created, inputs, project, quiet=True)
        return str(created["id"]), self.outs(created, inputs, project)

    def same_object(self, server: dict[str, Any], inputs: dict[str, Any], project: Any) -> bool:
        """Whether a listed export is what ``inputs`` declare: everything the create sends that PostHog returns
        (name, model, interval, schedule, destination type, integration and non-secret config…), compared the
        way ``diff`` compares state (PostHog never returns secrets, so those are taken as declared)."""
        return not self.diff(self.outs(server, inputs, project), inputs).changed

    def _adopt(
        self, ctx: Context, current: dict[str, Any], inputs: dict[str, Any], project: Any, quiet: bool = False
    ) -> dict[str, Any]:
        """Outputs for an existing export taken over; what differs (secrets at least: PostHog never returns
        them, so they are sent, and what the state holds is what PostHog uses) is updated."""
        id_ = str(current["id"])
        unseen = {**inputs, "destination": {**(inputs.get("destination") or {}), "config": {}}}
        state = self.outs(current, unseen, project)
        changes = self.diff(state, inputs).changed
        if changes:
            if not quiet:
                self.warn_adopting(ctx, "batch export", current, ", ".join(changes))
            return self.update(ctx, id_, state, inputs)
        return state

    def read(self, ctx: Context, id_: str, state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        project = state.get("project_id")
        server = ctx.client.get_batch_export(str(project), id_)
        outs = self.outs(server, state, project)
        if server.get("paused") and state.get("paused") is False:
            ctx.warn(
                f"batch export '{server.get('name')}' ({id_}) is paused in PostHog (it pauses exports after "
                "repeated failures): look at its runs, then set paused=False to resume it"
            )
        inputs = self.inputs_from(outs)
        if inputs.get("paused") is False:
            del inputs["paused"]
        for name in ("offset_day", "offset_hour"):
            if name in inputs and same(inputs[name], offset_default(name, inputs.get("interval"))):
                del inputs[name]
        return outs, inputs

    def update(self, ctx: Context, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        client = ctx.client
        # news: an export pinned by adopt_id (lands_on) may be reached through another id of its project
        project = plain(news.get("project_id", olds.get("project_id")))
        changed = self.diff(olds, news).changed
        body: dict[str, Any] = {k: plain(unset_as_default(self.field(k), news.get(k))) for k in SIMPLE if k in changed}
        if {"interval", "offset_day", "offset_hour"} & set(changed):
            interval = news.get("interval")
            body["interval"] = interval
            for name in ("offset_day", "offset_hour"):
                value = news.get(name)
                applies = offset_default(name, interval) is not None
                body[name] = plain(value) if value is not None and applies else None
        if "destination" in changed:
            verify.before_write(ctx, self.body(news), news)
            body["destination"] = destination_patch(olds.get("destination") or {}, news["destination"])
        server: dict[str, Any] | None = None
        if body:
            server = write(
                lambda: client.update_batch_export(project, id_, body), body.get("destination", news.get("destination"))
            )
        if "paused" in changed:
            if news.get("paused"):
                client.pause_batch_export(project, id_)
                paused_at = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
            else:
                client.unpause_batch_export(project, id_)
                paused_at = None
            base = server if server is not None else olds_as_server(olds)
            server = {**base, "paused": bool(news.get("paused"))}
            if paused_at:
                server["last_paused_at"] = paused_at
        if server is None:
            moved = "project_id" in changed  # confirm the export is reachable there before recording it
            server = client.get_batch_export(project, id_) if moved else olds_as_server(olds)
        return self.outs(server, news, project)

    def delete(self, ctx: Context, id_: str, state: dict[str, Any]) -> None:
        ctx.client.delete_batch_export(str(state.get("project_id")), id_)


def unset_as_default(field: Field, value: Any) -> Any:
    """A property removed from the program is PATCHed as PostHog's default when PostHog refuses a null for it."""
    return field.default if value is None and field.default not in (None, MISSING) else value


def write(call: Callable[[], dict[str, Any]], body: Any) -> dict[str, Any]:
    """One export write: waited out while a new database host does not resolve; a refused events query explained."""
    destination = body.get("destination") if isinstance(body, dict) and "destination" in body else body
    try:
        return propagation.write_export(call, destination)
    except ValidationError as exc:
        if exc.attr == "hogql_query" and exc.detail == HOGQL_QUERY_REFUSED:
            raise HintedValidationError(
                exc,
                "Newest PostHog takes hogql_query on the events model only for projects that already have such an "
                "export. Use model='hogql' (PostHog's hogql-batch-exports flag must be on for the project), or "
                "leave hogql_query unset to export the events model's standard columns",
            ) from None
        raise


def olds_as_server(olds: dict[str, Any]) -> dict[str, Any]:
    """The last known state in PostHog's shape (to build outputs without another GET)."""
    destination = dict(olds.get("destination") or {})
    if "integration_id" in destination:
        destination["integration"] = destination.pop("integration_id")
    return {**olds, "destination": destination}


SPEC = register(BatchExportSpec())


def _integration_reference(destination: Any) -> tuple[Any, str | None]:
    """A posthog.Integration given as ``integration_id`` becomes its id, and its kind is kept for check."""
    if not isinstance(destination, dict):
        return destination, None
    reference = destination.get("integration_id")
    if not isinstance(reference, pulumi.CustomResource):  # (an Output would lift any attribute lookup)
        return destination, None
    kind = vars(reference).get("posthog_kind")
    return {**destination, "integration_id": reference.id}, kind


class BatchExport(PostHogResource, module="posthog", name="BatchExport"):
    """A batch export. ``destination`` takes a ``posthog.destinations`` helper or the dict PostHog uses."""

    team_id: pulumi.Output[int]
    created_at: pulumi.Output[str]
    last_updated_at: pulumi.Output[str]
    last_paused_at: pulumi.Output[str | None]
    schema: pulumi.Output[dict[str, Any] | None]
    paused: pulumi.Output[bool]
    destination: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        *,
        project_id: pulumi.Input[int],
        name: pulumi.Input[str],
        destination: pulumi.Input[dict[str, Any]],
        interval: pulumi.Input[str],
        model: pulumi.Input[str] | None = None,
        paused: pulumi.Input[bool] | None = None,
        start_at: pulumi.Input[str] | None = None,
        end_at: pulumi.Input[str] | None = None,
        hogql_query: pulumi.Input[str] | None = None,
        hogql_modifiers: pulumi.Input[dict[str, Any]] | None = None,
        primary_key: pulumi.Input[list[str]] | None = None,
        version_key: pulumi.Input[list[str]] | None = None,
        incremental_mode: pulumi.Input[str] | None = None,
        filters: pulumi.Input[list[dict[str, Any]]] | None = None,
        timezone: pulumi.Input[str] | None = None,
        offset_day: pulumi.Input[int] | None = None,
        offset_hour: pulumi.Input[int] | None = None,
        adopt_id: pulumi.Input[str] | None = None,
        allow_legacy_s3: bool | None = None,
        verify_destination: bool | None = None,
        connection: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

        A PostHog batch export: a scheduled pipeline that writes events, persons or sessions to a destination.

        :param resource_name: The name of the resource in the Pulumi program (unique per type in the stack).
        :param project_id: The PostHog project (environment) id.
        :param name: A name for the export.
        :param destination: Where to write: {type, config, integration_id} — use posthog.destinations helpers. Changing
            its type replaces the export.
        :param interval: hour, day, week, or (feature-flagged) every 5/15 minutes.
        :param model: events, persons, sessions or hogql.
        :param paused: Pause or resume; unset leaves PostHog's state.
        :param start_at: Schedule start (ISO 8601).
        :param end_at: Schedule end (ISO 8601).
        :param hogql_query: model='hogql': the HogQL SELECT whose rows are exported (PostHog's hogql-batch-exports
            flag). Newest PostHog takes it on 'events' only for projects that already have such an export.
        :param hogql_modifiers: model='hogql': HogQL modifiers for the query, e.g. {'convertToProjectTimezone': False}.
        :param primary_key: model='hogql': the result column(s) that identify a row; required with
            incremental_mode='MERGE'.
        :param version_key: model='hogql': the result column(s) that version a row.
        :param incremental_mode: APPEND, or MERGE (model='hogql' with a primary_key): rows are merged by their primary
            key.
        :param filters: Event/person/HogQL property filters.
        :param timezone: IANA time zone of the schedule.
        :param offset_day: Weekly exports: day of week (0 = Sunday).
        :param offset_hour: Daily/weekly exports: hour of day (0-23).
        :param adopt_id: Manage an existing export (its UUID) instead of creating one.
        :param allow_legacy_s3: Let the legacy 'S3' destination type through check, for a self-hosted PostHog that still
            has it.
        :param verify_destination: Run PostHog's destination test, every step, before a create or a destination change;
            a failed step stops the write.
        :param connection: A named PostHog connection (stack config posthog:connections.<name>); unset: the default one.
        :param opts: Pulumi resource options (depends_on, protect, parent…).

        .. /generated
        """
        destination, integration_kind = _integration_reference(destination)
        super().__init__("BatchExport", resource_name, locals(), opts, connection)
