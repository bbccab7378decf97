"""Bounded waits for what PostHog answers before the world caught up: IAM roles, DNS names, backfill rows."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pulumi_posthog.client import PostHogError, ValidationError
from pulumi_posthog.client.errors import redact

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """Wait ``first`` seconds, then ``factor`` times longer each time (at most ``cap``), for ``total`` seconds."""

    total: float
    first: float = 2.0
    factor: float = 1.6
    cap: float = 20.0

    def delays(self) -> list[float]:
        """The pauses between tries: their sum stays within ``total``."""
        delays: list[float] = []
        delay, spent = self.first, 0.0
        while spent + delay <= self.total + 1e-9:
            delays.append(delay)
            spent += delay
            delay = min(delay * self.factor, self.cap)
        return delays


@dataclass
class Waits:
    """The bounds the resources wait within. Tests shorten them (``WAITS.role_propagation = Backoff(1, 0.1)``)."""

    role_propagation: Backoff = Backoff(total=120.0)
    """An AWS role created moments ago: IAM usually propagates within a minute or two."""
    dns: Backoff = Backoff(total=120.0)
    """A database host name created moments ago (an RDS/Redshift endpoint) that does not resolve yet."""
    backfill_rows: Backoff = Backoff(total=30.0, first=1.0, factor=1.5, cap=5.0)
    """How long after an ambiguous backfill POST to look for its row (PostHog's workflow writes it later)."""


WAITS = Waits()


def progress(message: str) -> None:
    """A progress line for the person watching ``pulumi up`` (the CLI shows the plugin's stderr)."""
    print(redact(message), file=sys.stderr, flush=True)


def retry_while(
    attempt: Callable[[], T],
    retryable: Callable[[PostHogError], bool],
    bounds: Backoff,
    describe: Callable[[int, float], str],
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``attempt()``, tried again after each pause of ``bounds`` while it fails in a ``retryable`` way; the last
    failure is raised once the bounds are spent. ``describe(tries so far, next pause)`` is the progress line."""
    delays = bounds.delays()
    for tries, delay in enumerate(delays, start=1):
        try:
            return attempt()
        except PostHogError as exc:
            if not retryable(exc):
                raise
            progress(describe(tries, delay))
            sleep(delay)
    return attempt()


def poll(
    fetch: Callable[[], T], done: Callable[[T], bool], bounds: Backoff, sleep: Callable[[float], None] = time.sleep
) -> T:
    """``fetch()`` until ``done`` says so or the bounds are spent; the last result either way."""
    result = fetch()
    for delay in bounds.delays():
        if done(result):
            return result
        sleep(delay)
        result = fetch()
    return result


class HintedValidationError(ValidationError):
    """PostHog's 400, with what to do about it in the provider's words (and optionally the user's property)."""

    def __init__(self, source: ValidationError, hint: str, attr: str | None = None) -> None:
        self._provider_hint = hint
        answer = {**source.answer(), "attr": attr if attr is not None else source.attr}
        super().__init__(method=source.method, path=source.path, host=source.host, attempts=source.attempts, **answer)

    def hint(self) -> str:
        return self._provider_hint
