"""The BatchExportBackfill resource: re-export a past period once (PostHog never deduplicates backfills)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

from pulumi_posthog.client import AmbiguousWriteError, HTTPStatusError, NotFoundError, PostHogClient, ValidationError
from pulumi_posthog.dates import midnight_utc, parse_datetime
from pulumi_posthog.resources import waiting
from pulumi_posthog.resources.backfill_bounds import cached, same_bounds
from pulumi_posthog.resources.engine import register
from pulumi_posthog.resources.program import PostHogResource
from pulumi_posthog.resources.reconcile import Lookup, create_once
from pulumi_posthog.resources.spec import Context, Field, ResourceSpec
from pulumi_posthog.resources.values import UUID_RE, is_unknown, plain

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RUNNING = ("Running", "Starting")
CANCEL_ATTEMPTS = 3


def parse_bound(value: str) -> tuple[datetime | None, str | None]:
    """A backfill bound: a date (daily/weekly exports) or a datetime with a time-zone offset."""
    if DATE_RE.match(value):
        try:
            return midnight_utc(value), None
        except ValueError:
            return None, f"Input {value} is not a valid ISO formatted date."
    parsed = parse_datetime(value)
    if parsed is None:
        return None, f"Input {value} is not a valid ISO formatted datetime."
    if parsed.tzinfo is None:
        return None, f"Input {value} is naive: add a time-zone offset (e.g. {value}Z)."
    return parsed, None


class BackfillSpec(ResourceSpec):
    """Every input replaces: a backfill cannot be changed, only started again. Delete cancels a running one."""

    name = "BatchExportBackfill"
    doc = "A one-off re-export of a past period through an existing batch export."
    fields = (
        Field("project_id", int, required=True, replace=True, minimum=1, doc="The PostHog project (environment) id."),
        Field(
            "batch_export_id",
            str,
            required=True,
            replace=True,
            uuid="batch export",
            doc="The export to backfill (its id).",
        ),
        Field(
            "start_at",
            str,
            replace=True,
            default=None,
            doc="Start: a date for daily/weekly exports, else a datetime.",
        ),
        Field("end_at", str, required=True, replace=True, doc="End (exclusive), not in the future."),
    )
    outputs = {
        "backfill_id": "PostHog's id of the backfill (the same as the resource id).",
        "status": "`Starting`, `Running`, `Completed`, `Failed`, `Cancelled`, … as of the last create or refresh.",
    }
    id_doc = "the backfill's id (PostHog's UUID; older PostHog: its workflow id)"

    def describe(self, id_: str, state: dict[str, Any]) -> str:
        return f"BatchExportBackfill {id_} of export {state.get('batch_export_id')}"

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
        failures: list[CheckFailure] = []
        bounds: dict[str, datetime] = {}
        for name in ("start_at", "end_at"):
            value = news.get(name)
            if not isinstance(value, str) or is_unknown(value):
                continue
            parsed, problem = parse_bound(value)
            if problem:
                failures.append(CheckFailure(name, problem))
            elif parsed is not None:
                bounds[name] = parsed
        if "start_at" in bounds and "end_at" in bounds and bounds["start_at"] >= bounds["end_at"]:
            failures.append(
                CheckFailure("start_at", "The initial backfill datetime 'start_at' must be before 'end_at'")
            )
        if "end_at" in bounds and bounds["end_at"] > datetime.now(timezone.utc):
            failures.append(CheckFailure("end_at", f"The provided 'end_at' ({news['end_at']}) is in the future"))
        return news, failures

    def outs(self, inputs: dict[str, Any], backfill_id: str, status: Any) -> dict[str, Any]:
        result = {k: plain(inputs.get(k)) for k in ("project_id", "batch_export_id", "start_at", "end_at")}
        result.update(backfill_id=backfill_id, status=status)
        return {k: v for k, v in result.items() if v is not None}

    def create(self, ctx: Context, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        client = ctx.client
        project, export = plain(inputs["project_id"]), inputs["batch_export_id"]
        start, end = inputs.get("start_at"), inputs["end_at"]
        parent = cached(lambda: client.get_batch_export(project, export))
        result, _ = create_once(
            lambda: _with_id(client.create_backfill(project, export, start_at=start, end_at=end)),
            Lookup(
                what=f"backfill of export {export} ({start or 'the beginning'} → {end})",
                look_for=f"a backfill of batch export {export} from {start or 'the beginning'} to {end}",
                candidates=lambda: [{**b, "backfill_id": b.get("id")} for b in _list(client, project, export)],
                matches=lambda b: same_bounds(b, start, end, parent),
                scope=f"backfills of export {export}",
                key=f"{project}/{export}/{start}/{end}",
                recovery="a new `pulumi up` starts it again (PostHog never deduplicates backfills): look at the "
                "export's backfills in PostHog first, and remove this resource from the program if it ran",
                several="They export that period more than once: cancel the ones you do not want in PostHog, then "
                "remove this resource from the program (or run `pulumi up` with POSTHOG_ADOPT_RECENT_SECONDS=0 to "
                "start it anew).",
                # Newest PostHog answers the POST at once and its workflow writes the row later: an empty list
                # right after an ambiguous POST does not mean nothing was created, so look again (bounded).
                settle=waiting.WAITS.backfill_rows,
            ),
            ctx.warn,
            ctx.memo,
        )
        backfill_id = str(result.get("backfill_id") or result.get("id"))
        # One call: a new backfill is Starting (newest PostHog writes its row later); refresh reads its progress.
        return backfill_id, self.outs(inputs, backfill_id, result.get("status") or "Starting")

    @staticmethod
    def _status(ctx: Context, project: Any, export: str, backfill_id: str) -> str | None:
        if not UUID_RE.match(backfill_id):
            return None  # older PostHog answers a workflow id, which has no backfill object to read
        try:
            return ctx.client.get_backfill(project, export, backfill_id).get("status")
        except HTTPStatusError:
            return None  # newest PostHog creates the row asynchronously

    def read(self, ctx: Context, id_: str, state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        if not UUID_RE.match(id_):
            return self.found(state)
        try:
            server = ctx.client.get_backfill(str(state.get("project_id")), str(state.get("batch_export_id")), id_)
        except NotFoundError:
            # Not written yet (newest PostHog creates the row asynchronously), and backfills cannot be deleted:
            # never "gone", or the next up would start a duplicate backfill.
            server = {"status": state.get("status")}
        outs = self.outs(state, id_, server.get("status"))
        return self.found(outs)

    def update(self, ctx: Context, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        return self.outs(news, id_, olds.get("status"))

    def delete(self, ctx: Context, id_: str, state: dict[str, Any]) -> None:
        """Cancel it if it still runs: one POST; PostHog's "Cannot cancel" answer means it already stopped."""
        if not UUID_RE.match(id_):
            return
        project, export = str(state.get("project_id")), str(state.get("batch_export_id"))
        for _ in range(CANCEL_ATTEMPTS):
            try:
                ctx.client.cancel_backfill(project, export, id_)
                return
            except AmbiguousWriteError:
                continue  # a repeated cancel is harmless: PostHog refuses it once the backfill stopped
            except ValidationError as exc:
                if (exc.detail or "").startswith("Cannot cancel a backfill"):
                    return
                raise
        ctx.client.cancel_backfill(project, export, id_)


def _list(client: PostHogClient, project: Any, export: str) -> list[dict[str, Any]]:
    """The export's backfills. A failure is an error, never "none": reconciliation must not take it for one."""
    return client.list_backfills(project, export)


def _with_id(created: dict[str, Any]) -> dict[str, Any]:
    """A create's answer with ``id`` too (``backfill_id`` is its id), so that it is claimed like a listed one."""
    return {**created, "id": created.get("backfill_id")} if "id" not in created else created


SPEC = register(BackfillSpec())


class BatchExportBackfill(PostHogResource, module="posthog", name="BatchExportBackfill"):
    """A backfill of a batch export over [start_at, end_at). Changing any input starts a new backfill."""

    backfill_id: pulumi.Output[str]
    status: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        project_id: pulumi.Input[int],
        batch_export_id: pulumi.Input[str],
        end_at: pulumi.Input[str],
        start_at: pulumi.Input[str] | None = None,
        connection: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
        .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

        A one-off re-export of a past period through an existing batch export.

        :param resource_name: The name of the resource in the Pulumi program (unique per type in the stack).
        :param project_id: The PostHog project (environment) id.
        :param batch_export_id: The export to backfill (its id).
        :param end_at: End (exclusive), not in the future.
        :param start_at: Start: a date for daily/weekly exports, else a datetime.
        :param connection: A named PostHog connection (stack config posthog:connections.<name>); unset: the default one.
        :param opts: Pulumi resource options (depends_on, protect, parent…).

        .. /generated
        """
        super().__init__("BatchExportBackfill", resource_name, locals(), opts, connection)
