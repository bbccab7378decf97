"""When to try a request again: backoff with full jitter in a time budget; never replay a sent POST."""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TypeVar

from pulumi_posthog.client.errors import (
    AmbiguousWriteError,
    ConnectError,
    NotFoundError,
    PostHogError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    TLSError,
    TransportError,
    UnexpectedResponseError,
    redact,
)
from pulumi_posthog.client.notices import NOTICE_AFTER, notice

__all__ = ["IDEMPOTENT_METHODS", "Attempt", "RetryPolicy", "call_with_retries"]

log = logging.getLogger("pulumi_posthog.client")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
# 501 Not Implemented and 505 HTTP Version Not Supported do not heal by waiting.
PERMANENT_SERVER_STATUSES = frozenset({501, 505})

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often to retry.

    * ``budget``: seconds from the first attempt after which no new attempt starts (a wait that would end past
      it is not started either — the error is raised at once);
    * ``max_attempts``: attempts in all, the first included;
    * backoff ``min(cap, base * 2**n)`` with full jitter (uniform in ``[0, that]``) for 5xx and transport
      errors;
    * a 429 waits what PostHog said ("Expected available in N seconds", or Retry-After) when it said it, as
      long as that is at most ``max_rate_limit_wait`` and fits in the budget;
    * ``connect_budget``: seconds a run of connection failures (refused, DNS, connect timeout, proxy
      unreachable) may last before the call gives up, so that a wrong host or a stopped server fails in about
      that long instead of using the whole budget;
    * a wait of ``notice_after`` seconds or more is announced by ``notify`` (one stderr line by default);
    * ``sleep``, ``clock`` (monotonic seconds), ``rng`` and ``notify`` are injectable for tests.
    """

    budget: float = 90.0
    max_attempts: int = 10
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_rate_limit_wait: float = 65.0
    connect_budget: float = 5.0
    notice_after: float = NOTICE_AFTER
    notify: Callable[[str], None] = field(default=notice, repr=False, compare=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def backoff(self, retry_number: int) -> float:
        """Full-jitter exponential backoff for the ``retry_number``-th retry (0-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** min(retry_number, 30)))
        return self.rng.uniform(0.0, ceiling)


@dataclass(frozen=True)
class Attempt:
    """What one attempt produced: a value, or an error (never both)."""

    value: Any = None
    error: PostHogError | None = None
    sent_at: datetime | None = None


def _retryable(error: PostHogError, idempotent: bool) -> bool:
    if isinstance(error, RateLimitError):
        return True  # throttled before the view ran: nothing was applied, whatever the method
    if isinstance(error, TLSError | ResponseTooLargeError):
        return False  # certificates do not fix themselves between attempts, nor does the size of an answer
    if isinstance(error, TransportError):
        return idempotent or error.sent is False
    if isinstance(error, ServerError):
        return idempotent and error.status not in PERMANENT_SERVER_STATUSES
    if _garbled_success(error):
        return idempotent  # e.g. a proxy's page with a 200: asking again is safe only if idempotent
    return False


def _garbled_success(error: PostHogError) -> bool:
    return isinstance(error, UnexpectedResponseError) and error.status is not None and 200 <= error.status < 300


def _maybe_applied(error: PostHogError) -> bool:
    """Could the server have applied a request that failed this way?"""
    if isinstance(error, RateLimitError):
        return False
    if isinstance(error, ResponseTooLargeError):  # PostHog answered; applied unless it refused (4xx, 3xx)
        return error.status is None or 200 <= error.status < 300 or error.status >= 500
    if isinstance(error, TransportError):
        return error.sent is not False and not (isinstance(error, TLSError) and error.handshake)
    return isinstance(error, ServerError) or _garbled_success(error)


def _delay(policy: RetryPolicy, error: PostHogError, retry_number: int) -> float:
    hinted = getattr(error, "retry_after", None)
    if hinted is not None and not (isinstance(hinted, int | float) and math.isfinite(hinted) and hinted >= 0):
        hinted = None  # parse_retry_after already drops nan/inf/negative; this keeps time.sleep safe regardless
    if isinstance(error, RateLimitError) and hinted is not None:
        return float(hinted)
    if isinstance(error, ServerError) and hinted is not None:
        return min(float(hinted), policy.backoff_cap)
    return policy.backoff(retry_number)


def _reason(error: PostHogError) -> str:
    return f"{error.status} {error.label}" if error.status else error.label


def call_with_retries(
    attempt: Callable[[], Attempt],
    *,
    method: str,
    path: str,
    policy: RetryPolicy,
    idempotent: bool | None = None,
    body: Any = None,
    host: str | None = None,
    gone_ok_after_retry: bool = False,
) -> Any:
    """Run ``attempt`` until it yields a value, or raise its error when retrying is unsafe or pointless.

    A request that is not idempotent (a POST) is retried only when it provably did not reach the server (the
    connection was never opened, or PostHog answered 429). If it may have been applied (read timeout,
    connection dropped after sending, 5xx) an ``AmbiguousWriteError`` is raised instead; it is never replayed.

    With ``gone_ok_after_retry`` (DELETE), a 404 after an earlier attempt that may have been applied means
    that attempt did the work: the call returns None instead of raising. Only PostHog's own "no such object"
    counts (``NotFoundError``): "Endpoint not found." or a proxy's 404 is raised.
    """
    idempotent = method.upper() in IDEMPOTENT_METHODS if idempotent is None else idempotent
    started = policy.clock()
    retries = 0
    maybe_applied_before = False
    connect_failing_since: float | None = None  # start of the current run of connection failures
    while True:
        attempt_started = policy.clock()
        result = attempt()
        error = result.error
        if error is None:
            return result.value
        error.attempts = retries + 1
        if gone_ok_after_retry and maybe_applied_before and isinstance(error, NotFoundError):
            log.info("%s %s → 404 after an unanswered earlier attempt: it was already done", method, redact(path))
            return None
        if isinstance(error, ConnectError):
            if connect_failing_since is None:
                connect_failing_since = attempt_started
        else:
            connect_failing_since = None
        now = policy.clock()
        elapsed = now - started
        delay = _delay(policy, error, retries)
        retry = _retryable(error, idempotent) and retries + 1 < policy.max_attempts
        if retry and isinstance(error, RateLimitError) and delay > policy.max_rate_limit_wait:
            error.wait_limit = policy.max_rate_limit_wait
            retry = False
        if retry and elapsed + delay > policy.budget:
            retry = False
        if retry and connect_failing_since is not None and now - connect_failing_since + delay > policy.connect_budget:
            retry = False
        if not retry:
            error.refresh()
            if not idempotent and _maybe_applied(error):
                raise AmbiguousWriteError(
                    method=method,
                    path=path,
                    body=body,
                    sent_at=result.sent_at or datetime.now(timezone.utc),
                    cause=error,
                    host=host,
                    attempts=retries + 1,
                ) from error
            raise error
        maybe_applied_before = maybe_applied_before or _maybe_applied(error)
        level = logging.INFO if isinstance(error, RateLimitError) else logging.WARNING
        if log.isEnabledFor(level):
            log.log(
                level,
                "%s %s → %s; retrying in %.2f s (attempt %d of at most %d, %.1f s of the %.0f s budget used)",
                method,
                redact(error.path or path),
                _reason(error),
                delay,
                retries + 2,
                policy.max_attempts,
                elapsed,
                policy.budget,
            )
        if delay >= policy.notice_after:
            asked = " as PostHog asked" if getattr(error, "retry_after", None) is not None else ""
            policy.notify(
                f"{method} {host or ''}{error.path or path} → {_reason(error)}; waiting {delay:.0f} s{asked} "
                f"before attempt {retries + 2} of at most {policy.max_attempts}"
            )
        if delay > 0:
            policy.sleep(delay)
        retries += 1
