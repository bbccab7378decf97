"""After an ambiguous POST: find what it created instead of guessing — adopt one, retry on none, fail on many."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from pulumi_posthog.client import AmbiguousWriteError

# How far before the send time an object's created_at may be (clock skew between us and PostHog).
CLOCK_SKEW = timedelta(seconds=120)


class DuplicateObjectsError(Exception):
    """An ambiguous write left several matching objects: a person must decide which one to keep."""


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def created_since(obj: dict[str, Any], sent_at: datetime) -> bool:
    created = parse_time(obj.get("created_at"))
    return created is None or created >= sent_at - CLOCK_SKEW


def write_once(
    post: Callable[[], dict[str, Any]],
    candidates: Callable[[], Iterable[dict[str, Any]]],
    matches: Callable[[dict[str, Any]], bool],
    what: str,
    known_ids: Iterable[Any] = (),
    attempts: int = 4,
) -> tuple[dict[str, Any], bool]:
    """POST once; after an ambiguous failure, look for the object and adopt it, or POST again if none exists.

    Returns the object and whether it was found by reconciliation. Never creates a silent duplicate: when
    several objects match, it raises ``DuplicateObjectsError`` naming them. Every ambiguous attempt is
    reconciled, the last one too: when all of them failed, PostHog was seen to hold nothing, so the error
    raised leaves nothing behind that a later ``pulumi up`` would duplicate.
    """
    known = {str(i) for i in known_ids}
    failure: AmbiguousWriteError | None = None
    for _ in range(attempts):
        try:
            return post(), False
        except AmbiguousWriteError as exc:
            failure = exc
            found = [
                obj
                for obj in candidates()
                if str(obj.get("id")) not in known and matches(obj) and created_since(obj, exc.sent_at)
            ]
            if len(found) == 1:
                return found[0], True
            if len(found) > 1:
                ids = ", ".join(str(o.get("id")) for o in found)
                raise DuplicateObjectsError(
                    f"creating {what} had an unknown outcome ({exc.cause.label}) and PostHog now has "
                    f"{len(found)} matching objects: {ids}. Keep one: delete the others in PostHog, then run "
                    "`pulumi up` again with adopt_id set to the one you keep."
                ) from None
            # Nothing matches: the write did not happen, so one more POST is safe.
    assert failure is not None
    raise failure


def replay(post: Callable[[], dict[str, Any]], attempts: int = 4) -> dict[str, Any]:
    """POST again after an ambiguous failure, for writes PostHog applies as an upsert (replaying cannot duplicate)."""
    for _ in range(attempts - 1):
        try:
            return post()
        except AmbiguousWriteError:
            continue
    return post()
