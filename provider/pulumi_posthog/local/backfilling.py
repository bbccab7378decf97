"""Backfill rules: date inputs per interval, the concurrency cap, workflow ids, delayed rows, and completion."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import F
from django.utils import timezone
from rest_framework import serializers

from pulumi_posthog.local import state
from pulumi_posthog.local.dates import date_fromisoformat, fromisoformat, zone
from pulumi_posthog.local.errors import ServerError, TooManyConcurrentBackfills
from pulumi_posthog.local.models import BatchExport, BatchExportBackfill, BatchExportRun, Team

ACTIVE = ("Running", "Starting")
NO_END_ALLOWED = ("HTTP", "NoOp")
DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
Invalid = serializers.ValidationError


def write_due_rows() -> None:
    """Write the rows of accepted backfills whose /_local/ row delay has passed, as PostHog's workflow does
    (``aget_or_create_batch_export_backfill`` with the pre-generated id). Exports deleted meanwhile get none."""
    for spec in state.take_due_backfills(time.time()):
        export = BatchExport.objects.filter(id=spec["batch_export_id"], deleted=False).first()
        if export is not None:
            start_backfill(export.team, export, spec["start_at"], spec["end_at"], backfill_id=spec["id"])


def settle_backfills() -> None:
    """A simulated backfill reads as Completed ``backfill_seconds`` after it started, unless /_local/ set its
    status (any save moves ``last_updated_at`` off ``created_at``, which pins it)."""
    write_due_rows()
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=state.get().backfill_seconds)
    BatchExportBackfill.objects.filter(
        status="Running", last_updated_at=F("created_at"), created_at__lte=cutoff
    ).update(status="Completed", finished_at=now, last_updated_at=now)


def check_concurrency(team: Team) -> None:
    settle_backfills()
    running = BatchExportBackfill.objects.filter(team=team, status__in=ACTIVE).count()
    limit = state.get().max_concurrent_backfills
    if running >= limit:
        # Newest PostHog quotes the limit (BATCH_EXPORT_MAX_CONCURRENT_BACKFILLS_PER_TEAM), not the count.
        raise TooManyConcurrentBackfills(
            f"This team already has {limit} batch export backfills running. "
            "Wait for some to finish or cancel them before creating more."
        )


def parse_bound(value: Any, export: BatchExport) -> dt.datetime:
    """Newest ``validate_date_input``: dates for day/week exports (at ``offset_hour`` in the export's
    timezone, on ``offset_day`` for weeks), timezone-aware ISO datetimes for every other interval."""
    if export.interval in ("day", "week"):
        try:
            date = date_fromisoformat(value)
        except (TypeError, ValueError):
            try:
                fromisoformat(value)
            except (TypeError, ValueError):
                pass
            else:
                raise Invalid(
                    f"Input '{value}' is not a valid ISO formatted date. Daily or weekly batch export "
                    "backfills expect only the date component, but a time was included."
                ) from None
            raise Invalid(f"Input '{value}' is not a valid ISO formatted date.") from None
        if export.interval == "week" and date.isoweekday() % 7 != export.offset_day:
            raise Invalid(
                f"Input {value} is not on the correct day of the week for this batch export. "
                f"{value} is a {date.strftime('%A')} but this batch export is configured to run weekly on "
                f"{DAY_NAMES[export.offset_day or 0]}."
            )
        return dt.datetime.combine(date, dt.time(hour=export.offset_hour or 0)).replace(tzinfo=zone(export.timezone))
    return parse_aware(value)


def parse_aware(value: Any, tzinfo: dt.tzinfo | None = None) -> dt.datetime:
    """2025's ``validate_date_input`` (every interval): an aware ISO datetime, moved to the team timezone."""
    try:
        parsed = fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(f"Input {value} is not a valid ISO formatted datetime.") from None
    if parsed.tzinfo is None:
        raise Invalid(f"Input {value} is naive.")
    return parsed.astimezone(tzinfo) if tzinfo is not None else parsed


def workflow_id(export: BatchExport, start: dt.datetime | None, end: dt.datetime | None) -> str:
    def iso(moment: dt.datetime | None, missing: str) -> str:
        return moment.astimezone(dt.timezone.utc).isoformat() if moment is not None else missing

    return f"{export.id}-Backfill-{iso(start, 'START')}-{iso(end, 'END')}"


def check_open_end(export: BatchExport, end: dt.datetime | None) -> None:
    """PostHog's ``backfill_export``: refuses an open end except for HTTP/NoOp (uncaught there: a 500)."""
    if end is None and export.destination.type not in NO_END_ALLOWED:
        raise ServerError()


def start_backfill(
    team: Team,
    export: BatchExport,
    start: dt.datetime | None,
    end: dt.datetime | None,
    backfill_id: uuid.UUID | None = None,
) -> Any:
    check_open_end(export, end)
    backfill = BatchExportBackfill.objects.create(
        id=backfill_id or uuid.uuid4(),
        team=team,
        batch_export=export,
        start_at=start,
        end_at=end,
        status="Running",
        workflow_id=workflow_id(export, start, end),
    )
    BatchExportBackfill.objects.filter(pk=backfill.pk).update(last_updated_at=F("created_at"))
    return backfill


def request_bounds(data: Any) -> tuple[Any, Any]:
    if not hasattr(data, "get"):
        raise ServerError()  # PostHog calls request.data.get(): a JSON list fails with a 500
    return data.get("start_at"), data.get("end_at")


def parse_bounds(
    start_input: Any, end_input: Any, parse: Callable[[Any], dt.datetime], out_of_order: str
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The given bounds parsed (an absent one stays ``None``); when both are given the start must come first
    (else a 400 saying ``out_of_order``) and the end must not be in the future."""
    start = parse(start_input) if start_input is not None else None
    end = parse(end_input) if end_input is not None else None
    if start is not None and end is not None:
        if start >= end:
            raise Invalid(out_of_order)
        if end > timezone.now():
            raise Invalid(f"The provided 'end_at' ({end.isoformat()}) is in the future")
    return start, end


def workflow_running(workflow_id: str) -> bool:
    """Whether a backfill workflow with this id still runs: accepted but not written yet, or Running/Starting."""
    if state.pending_backfill(workflow_id):
        return True
    return BatchExportBackfill.objects.filter(workflow_id=workflow_id, status__in=ACTIVE).exists()


def create_latest(team: Team, export: BatchExport, data: Any) -> uuid.UUID:
    """``POST …/backfills/`` in the newest PostHog, checks in its order; returns the pre-generated id."""
    start_input, end_input = request_bounds(data)
    if start_input is None and not team.has_flag("batch-export-earliest-backfill"):
        raise Invalid("Backfilling from the beginning of time is not enabled for this team.")
    check_concurrency(team)
    start, end = parse_bounds(
        start_input,
        end_input,
        lambda value: parse_bound(value, export),
        "The initial backfill datetime 'start_at' must be before 'end_at'",
    )
    check_open_end(export, end)
    workflow = workflow_id(export, start, end)
    if workflow_running(workflow):
        # Temporal refuses a second workflow with a running one's id: WorkflowAlreadyStartedError, uncaught (500)
        raise ServerError()
    backfill_id = uuid.uuid4()
    delay = state.get().backfill_row_delay_seconds
    if delay > 0:
        spec = {"id": backfill_id, "batch_export_id": export.id, "start_at": start, "end_at": end}
        state.add_pending_backfill(workflow, {**spec, "due": time.time() + delay})
        return backfill_id
    return start_backfill(team, export, start, end, backfill_id=backfill_id).id


def create_2025(team: Team, export: BatchExport, data: Any) -> BatchExportBackfill:
    """2025's ``create_backfill`` (plural route and the deprecated ``/backfill/`` action)."""
    start_input, end_input = request_bounds(data)
    tzinfo = zone(team.timezone)
    start, end = parse_bounds(
        start_input,
        end_input,
        lambda value: parse_aware(value, tzinfo),
        "The initial backfill datetime 'start_at' happens after 'end_at'",
    )
    return start_backfill(team, export, start, end)


def cancel(row: BatchExportBackfill | BatchExportRun, noun: str = "backfill") -> None:
    """Cancel a backfill (or a run) that is still running; any other status is a 400."""
    if row.status not in ACTIVE:
        raise Invalid(f"Cannot cancel a {noun} that is in '{row.status}' status")
    row.status = "Cancelled"
    row.finished_at = timezone.now()
    row.save()
