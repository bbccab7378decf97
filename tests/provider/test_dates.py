"""The one date parser module: datetimes as written, instants (naive as UTC), dates as midnight UTC."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pulumi_posthog.dates import midnight_utc, parse_datetime, parse_instant


def test_datetimes_instants_and_days() -> None:
    assert parse_datetime("2026-01-02T03:04:05Z") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert parse_datetime("2026-01-02T03:04:05").tzinfo is None  # type: ignore[union-attr]
    assert parse_datetime("last week") is None
    assert parse_instant("2026-01-02T03:04:05") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert parse_instant("2026-01-02T05:04:05+02:00") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert parse_instant(20260102) is None and parse_instant("2026-02-30T00:00:00") is None
    assert midnight_utc("2026-01-02") == datetime(2026, 1, 2, tzinfo=timezone.utc)
    assert midnight_utc("2026-01-02") + timedelta(days=1) == midnight_utc("2026-01-03")
    with pytest.raises(ValueError):
        midnight_utc("2026-02-30")
