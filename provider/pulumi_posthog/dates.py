"""The one place the provider parses PostHog's and programs' dates (ISO 8601, ``Z`` for UTC); no Pulumi import."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any


def parse_datetime(value: str) -> datetime | None:
    """An ISO 8601 datetime as written (naive stays naive; ``Z`` is UTC), or None when it is not one."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_instant(value: Any) -> datetime | None:
    """An instant: an ISO 8601 datetime string, a naive one taken as UTC; None for anything else."""
    if not isinstance(value, str):
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def midnight_utc(value: str) -> datetime:
    """``YYYY-MM-DD`` as that day's midnight UTC (ValueError when it is no date)."""
    return datetime.combine(date.fromisoformat(value), datetime.min.time(), timezone.utc)
