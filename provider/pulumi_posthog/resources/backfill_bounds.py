"""Backfill bounds as PostHog stores them, so that a listed backfill is recognised as the one a create asked for.

For daily and weekly exports PostHog takes a date and stores that day at the export's ``offset_hour`` in the
export's time zone (``validate_date_input`` in
products/batch_exports/backend/presentation/views/batch_export/backfills.py:
``datetime.combine(date, time(hour=offset_hour or 0)).replace(tzinfo=ZoneInfo(timezone or "UTC"))``); any other
bound is an aware ISO datetime, stored as that instant. ``2026-01-01`` for a Paris export at 03:00 is therefore
``2026-01-01T02:00:00Z``, not midnight UTC.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pulumi_posthog.dates import parse_instant

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_INTERVALS = ("day", "week")

Export = Callable[[], Mapping[str, Any]]
"""The export a backfill belongs to, fetched when first needed (only date bounds need it)."""


def _zone(name: Any) -> tzinfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def stored_bound(value: Any, export: Export) -> datetime | None:
    """The instant PostHog stores for a bound the program gave (``None`` for no bound or one it refuses)."""
    if not isinstance(value, str):
        return None
    if DATE_RE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
        parent = export()
        if parent.get("interval") not in DATE_INTERVALS:
            return datetime.combine(day, time.min, timezone.utc)  # PostHog refuses it (naive): nothing to match
        hour = parent.get("offset_hour") or 0
        return datetime.combine(day, time(hour=int(hour))).replace(tzinfo=_zone(parent.get("timezone")))
    return parse_instant(value)


def same_bounds(listed: Mapping[str, Any], start: Any, end: Any, export: Export) -> bool:
    """Whether a listed backfill covers exactly [start, end) as PostHog stored them for this export."""
    for name, declared in (("start_at", start), ("end_at", end)):
        held = listed.get(name)
        if held is None or declared is None:
            if held is not None or declared is not None:
                return False
            continue
        expected, found = stored_bound(declared, export), parse_instant(str(held))
        if expected is None or found is None or expected != found:
            return False
    return True


def cached(fetch: Callable[[], Mapping[str, Any]]) -> Export:
    """``fetch`` called at most once."""
    kept: list[Mapping[str, Any]] = []

    def get() -> Mapping[str, Any]:
        if not kept:
            kept.append(fetch())
        return kept[0]

    return get
