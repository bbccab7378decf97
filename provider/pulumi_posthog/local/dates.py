"""Date helpers PostHog's batch-export API relies on: Python 3.11 ISO parsing and ``relative_date_parse``."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import sys
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

INTERVAL_DELTAS = {
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
    "week": dt.timedelta(weeks=1),
    "every 5 minutes": dt.timedelta(minutes=5),
    "every 15 minutes": dt.timedelta(minutes=15),
}
_RELATIVE = re.compile(r"-?(?P<number>[0-9]+)?(?P<type>[a-zA-Z])(?P<position>Start|End)?")


def zone(name: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone.utc


def fromisoformat(value: object) -> dt.datetime:
    """``datetime.fromisoformat`` with Python 3.11's grammar (PostHog's runtime), on any supported Python."""
    if not isinstance(value, str):
        raise TypeError("not a string")
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        if sys.version_info >= (3, 11) or not value.endswith(("Z", "z")):
            raise
        return dt.datetime.fromisoformat(value[:-1] + "+00:00")


def date_fromisoformat(value: object) -> dt.date:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return dt.date.fromisoformat(value)


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    total = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def relative_date_parse(text: str, tzinfo: dt.tzinfo, now: dt.datetime | None = None) -> dt.datetime:
    """PostHog's ``relative_date_parse``: an ISO date/datetime (naive means the team's timezone), or a
    relative offset such as ``-7d``, ``-24h``, ``-2w``, ``-1m`` (months), ``-1y``, ``-30M`` (minutes)."""
    try:
        parsed = fromisoformat(text)
        return parsed.replace(tzinfo=tzinfo) if parsed.tzinfo is None else parsed.astimezone(tzinfo)
    except (TypeError, ValueError):
        pass
    moment = (now or timezone.now()).astimezone(tzinfo)
    match = _RELATIVE.search(text or "")
    if match is None:
        return moment
    number = int(match.group("number") or 0)
    kind = match.group("type")
    if kind == "h":
        moment -= dt.timedelta(hours=number)
    elif kind == "d":
        moment -= dt.timedelta(days=number)
    elif kind == "w":
        moment -= dt.timedelta(weeks=number)
    elif kind == "M":
        moment -= dt.timedelta(minutes=number)
    elif kind in ("m", "q"):
        moment = _add_months(moment, -number * (3 if kind == "q" else 1))
    elif kind == "y":
        moment = _add_months(moment, -12 * number)
    if match.group("position") == "Start":
        moment = _truncate(moment, kind)
    return moment


def _truncate(moment: dt.datetime, kind: str) -> dt.datetime:
    if kind == "M":
        return moment.replace(second=0, microsecond=0)
    if kind == "h":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind == "w":
        return day - dt.timedelta(days=day.weekday())
    if kind in ("m", "q"):
        return day.replace(day=1)
    if kind == "y":
        return day.replace(month=1, day=1)
    return day
