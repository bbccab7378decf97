"""Creates that never double: look for an interrupted run's object first, reconcile an ambiguous POST, never guess.

Two moments decide whether a create makes a second object:

* before the POST (``create_once``): an earlier ``pulumi up`` may have been killed after PostHog committed its POST
  (SIGKILL, a CI timeout), or may have failed without knowing the outcome. Pulumi then hands the provider a create
  again. One listing finds an object with identical settings created moments ago (``POSTHOG_ADOPT_RECENT_SECONDS``,
  default 10 minutes; ``0`` turns the lookup off) and adopts it with a warning; two such objects are an error
  naming both. Everything that listing shows existed before our POST, so it can never be taken for what the POST
  created.
* after an ambiguous POST (``write_once``): list again and adopt the one new matching object, POST again when there
  is none, fail naming them when there are several — and fail saying the object may exist when the listing itself
  fails (a failed listing is never "nothing was created").

Ids created or adopted in this command are never adopted again by another resource (two copies of one declaration
in a program, created in one ``pulumi up``). The listing before the POST is made once per scope and command (a
project's exports, an export's backfills): an interrupted run's object is older than this command.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from pulumi_posthog.client import AmbiguousWriteError, PostHogError
from pulumi_posthog.client.errors import ConfigurationError, EndpointNotFoundError
from pulumi_posthog.dates import parse_instant
from pulumi_posthog.resources.errors import ResourceError
from pulumi_posthog.resources.waiting import Backoff, poll

# How far before the send time an object's created_at may be (clock skew between us and PostHog).
CLOCK_SKEW = timedelta(seconds=120)
RECENT_ENV = "POSTHOG_ADOPT_RECENT_SECONDS"
DEFAULT_RECENT = timedelta(minutes=10)
RECOVERY = "put its id in adopt_id (or delete it in PostHog) before running `pulumi up` again"
KEEP_ONE = "Keep one: delete the others in PostHog, then run `pulumi up` again with adopt_id set to the one you keep."

_lock = threading.Lock()
_key_locks: dict[str, threading.Lock] = {}


class DuplicateObjectsError(ResourceError):
    """Several objects match one create: a person must decide which one to keep."""


class _ReconciledError(PostHogError):
    """What reconciling a create concluded, worded in full (``text``), on the request that ``cause`` failed."""

    def __init__(self, text: str, cause: PostHogError) -> None:
        self._text = text
        super().__init__(method=cause.method, path=cause.path, status=cause.status, host=cause.host)

    def summary(self) -> str:
        return self._text


class OutcomeUnknownError(_ReconciledError):
    """A create whose outcome could not be established: the object may exist in PostHog."""

    label = "outcome unknown"


class NothingCreatedError(_ReconciledError):
    """Every POST of a create had an unknown outcome, and PostHog was seen to hold nothing after each one."""

    label = "not created"


@dataclass(frozen=True)
class Lookup:
    """How to find the object one create makes: list the candidates and test one against what is declared.

    ``what`` names it in messages ("batch export 'nightly'"); ``look_for`` tells a person what to search PostHog
    for; ``scope`` names what ``candidates`` lists (one listing per scope and command is shared by its creates);
    ``key`` is the declaration (its creates run one at a time); ``recovery`` is what a person does once the object
    is too old for the next ``pulumi up`` to adopt it; ``several`` when more than one matches.
    """

    what: str
    look_for: str
    candidates: Callable[[], Iterable[dict[str, Any]]]
    matches: Callable[[dict[str, Any]], bool]
    scope: str
    key: str = ""
    recovery: str = RECOVERY
    several: str = KEEP_ONE
    """What a person does when several objects match."""
    settle: Backoff | None = None
    """For objects PostHog writes after answering the POST (a backfill's row comes from its workflow): after an
    ambiguous POST, how long to keep listing before concluding that nothing was created."""


# ----- time ---------------------------------------------------------------------------------------------------


def created_since(obj: dict[str, Any], sent_at: datetime) -> bool:
    created = parse_instant(obj.get("created_at"))
    return created is None or created >= sent_at - CLOCK_SKEW


def recent_window() -> timedelta:
    """How old an object may be for a create to adopt it (``POSTHOG_ADOPT_RECENT_SECONDS``; 0 = never)."""
    raw = os.environ.get(RECENT_ENV, "").strip()
    if not raw:
        return DEFAULT_RECENT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise ConfigurationError(
            f"{RECENT_ENV}={raw!r} is not a number of seconds: set it to how old an object left by an interrupted "
            "`pulumi up` may be for the next one to adopt it (e.g. 600), or 0 to never adopt."
        )
    return timedelta(seconds=seconds)


def _age(obj: dict[str, Any], now: datetime) -> timedelta | None:
    created = parse_instant(obj.get("created_at"))
    return None if created is None else max(now - created, timedelta(0))


def _shown(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    return f"{seconds} s" if seconds < 120 else f"{seconds // 60} min"


# ----- claims and listings kept for one command (Context.memo) -------------------------------------------------


def _claims(memo: dict[str, Any]) -> set[str]:
    """Ids created or adopted in this command: never adopted again by another resource."""
    with _lock:
        found: set[str] = memo.setdefault("reconcile.claimed", set())
        return found


def claim(memo: dict[str, Any], scope: str, obj_id: Any) -> None:
    if obj_id is not None:
        claims = _claims(memo)
        with _lock:
            claims.add(f"{scope}\0{obj_id}")


def claimed(memo: dict[str, Any], scope: str) -> set[str]:
    claims = _claims(memo)
    with _lock:
        return {c.split("\0", 1)[1] for c in claims if c.startswith(f"{scope}\0")}


@contextmanager
def _one_at_a_time(name: str) -> Iterator[None]:
    """One at a time per name in this process (the plugin serves several calls at once)."""
    with _lock:
        lock = _key_locks.setdefault(name, threading.Lock())
    with lock:
        yield


def _listing(memo: dict[str, Any], lookup: Lookup) -> list[dict[str, Any]] | None:
    """What existed before this command's creates in ``lookup.scope``: listed once per command (an interrupted
    run's object is older than this command), ``None`` when this PostHog cannot list it."""
    with _lock:
        listings: dict[str, Any] = memo.setdefault("reconcile.listings", {})
    with _one_at_a_time(f"listing\0{lookup.scope}"):
        if lookup.scope not in listings:
            try:
                listings[lookup.scope] = list(lookup.candidates())
            except EndpointNotFoundError:
                listings[lookup.scope] = None  # create as before; an ambiguous POST is still checked
        listed: list[dict[str, Any]] | None = listings[lookup.scope]
        return listed


# ----- before the POST ------------------------------------------------------------------------------------------


def create_once(
    post: Callable[[], dict[str, Any]],
    lookup: Lookup,
    warn: Callable[[str], None],
    memo: dict[str, Any],
    attempts: int = 4,
) -> tuple[dict[str, Any], str]:
    """Create the object once: ``(object, how)``, ``how`` being ``created``, ``reconciled`` or ``adopted``.

    ``adopted``: an identical object created within the recent window, and not claimed in this command, was
    found before POSTing (``warn`` says so); the caller brings up to date what PostHog cannot show (secrets).
    The listing is made once per scope and command (``memo`` is the provider's Context.memo).
    """
    with _one_at_a_time(f"create\0{lookup.scope}\0{lookup.key}"):
        known = claimed(memo, lookup.scope)
        window = recent_window()
        if window > timedelta(0):
            listed = _listing(memo, lookup)
            if listed is not None:
                found = _recent(listed, lookup, known, window)
                if found is not None:
                    claim(memo, lookup.scope, found.get("id"))
                    warn(adoption_notice(lookup.what, found))
                    return found, "adopted"
                known |= {str(obj.get("id")) for obj in listed}
        created, reconciled = write_once(
            post,
            lookup.candidates,
            lookup.matches,
            lookup.what,
            known_ids=known,
            attempts=attempts,
            look_for=lookup.look_for,
            recovery=lookup.recovery,
            several=lookup.several,
            settle=lookup.settle,
        )
        claim(memo, lookup.scope, created.get("id"))
        return created, "reconciled" if reconciled else "created"


def _recent(listed: list[dict[str, Any]], lookup: Lookup, known: set[str], window: timedelta) -> dict[str, Any] | None:
    now = datetime.now(timezone.utc)
    recent = []
    for obj in listed:
        age = _age(obj, now)
        if str(obj.get("id")) in known or age is None or age > window:
            continue
        if lookup.matches(obj):
            recent.append(obj)
    if len(recent) > 1:
        ids = ", ".join(f"{o.get('id')} (created {o.get('created_at')})" for o in recent)
        raise DuplicateObjectsError(
            f"creating {lookup.what}: PostHog already has {len(recent)} objects with the same settings, created in "
            f"the last {_shown(window)} (most likely by earlier `pulumi up` runs that were interrupted): "
            f"{ids}. {lookup.several}"
        )
    return recent[0] if recent else None


def adoption_notice(what: str, obj: dict[str, Any]) -> str:
    """The warning printed when a create adopts a recent identical object instead of POSTing."""
    age = _age(obj, datetime.now(timezone.utc))
    ago = f", {_shown(age)} ago" if age is not None else ""
    return (
        f"{what}: adopting {obj.get('id')} instead of creating another one: PostHog has one with identical "
        f"settings, created at {obj.get('created_at')}{ago} — most likely by an earlier `pulumi up` that was "
        "interrupted or failed with an unknown outcome. If it belongs to something else (another stack), run "
        f"`pulumi state delete` on this resource, then `pulumi up` again with {RECENT_ENV}=0."
    )


# ----- after an ambiguous POST --------------------------------------------------------------------------------


def write_once(
    post: Callable[[], dict[str, Any]],
    candidates: Callable[[], Iterable[dict[str, Any]]],
    matches: Callable[[dict[str, Any]], bool],
    what: str,
    known_ids: Iterable[Any] = (),
    attempts: int = 4,
    look_for: str | None = None,
    recovery: str = RECOVERY,
    several: str = KEEP_ONE,
    settle: Backoff | None = None,
) -> tuple[dict[str, Any], bool]:
    """POST once; after an ambiguous failure, look for the object and adopt it, or POST again if none exists.

    Returns the object and whether it was found by reconciliation. Never creates a silent duplicate: when
    several objects match, it raises ``DuplicateObjectsError`` naming them; when PostHog cannot be listed (or
    checked), it raises ``OutcomeUnknownError``: the object may exist. ``known_ids`` are objects that existed
    before the POST (never taken for what it created). Every ambiguous attempt is reconciled, the last one too.
    ``settle`` bounds how long an empty answer is listed again, for objects PostHog writes later.
    """
    known = {str(i) for i in known_ids}
    failure: AmbiguousWriteError | None = None
    for _ in range(attempts):
        try:
            return post(), False
        except AmbiguousWriteError as exc:
            failure = exc

            def new_matches(sent_at: datetime = exc.sent_at) -> list[dict[str, Any]]:
                return [
                    obj
                    for obj in candidates()
                    if str(obj.get("id")) not in known and created_since(obj, sent_at) and matches(obj)
                ]

            try:
                found = new_matches() if settle is None else poll(new_matches, bool, settle)
            except PostHogError as listing:
                raise _unknown(what, look_for, recovery, exc, listing) from None
            if len(found) == 1:
                return found[0], True
            if len(found) > 1:
                ids = ", ".join(str(o.get("id")) for o in found)
                raise DuplicateObjectsError(
                    f"creating {what} had an unknown outcome ({exc.cause.label}) and PostHog now has "
                    f"{len(found)} matching objects: {ids}. {several}"
                ) from None
            # Nothing matches: the write did not happen, so one more POST is safe.
    assert failure is not None
    raise NothingCreatedError(
        f"{attempts} attempts had an unknown outcome (the last: {_cause(failure)}); PostHog was listed after each "
        "and held no such object, so nothing was created: run `pulumi up` again",
        failure,
    ) from None


def _cause(exc: AmbiguousWriteError) -> str:
    sent = exc.sent_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    status = f"{exc.cause.status} " if exc.cause.status is not None else ""
    return f"{status}{exc.cause.label}: {exc.cause.summary()}, sent at {sent}"


def _unknown(
    lookup_what: str, look_for: str | None, recovery: str, exc: AmbiguousWriteError, listing: PostHogError
) -> OutcomeUnknownError:
    try:
        window = recent_window()
    except ConfigurationError:
        window = timedelta(0)
    sent = exc.sent_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    if window > timedelta(0):
        then = (
            f"The next `pulumi up` looks for it first and adopts it while it is at most {_shown(window)} old; "
            f"after that, {recovery}"
        )
    else:
        then = recovery[:1].upper() + recovery[1:]
    return OutcomeUnknownError(
        f"creating {lookup_what} had an unknown outcome ({_cause(exc)}) and PostHog could not be listed to check "
        f"({listing.label}: {listing.summary()}), so it may exist. Look for {look_for or lookup_what} created "
        f"around {sent}. {then}",
        exc,
    )


def replay(post: Callable[[], dict[str, Any]], attempts: int = 4) -> dict[str, Any]:
    """POST again after an ambiguous failure, for writes PostHog applies as an upsert (replaying cannot duplicate)."""
    for _ in range(attempts - 1):
        try:
            return post()
        except AmbiguousWriteError:
            continue
    return post()
