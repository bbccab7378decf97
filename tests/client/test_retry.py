"""The retry policy in isolation: a fake clock and sleep, scripted attempt outcomes."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import pytest
from pulumi_posthog.client import (
    AmbiguousWriteError,
    ConnectError,
    ConnectionDropped,
    ConnectTimeout,
    NotFoundError,
    PostHogError,
    RateLimitError,
    ReadTimeout,
    RetryPolicy,
    ServerError,
    TLSError,
    ValidationError,
)
from pulumi_posthog.client.retry import Attempt, call_with_retries


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def policy(fake: FakeTime, **overrides: Any) -> RetryPolicy:
    options: dict[str, Any] = {
        "budget": 60.0,
        "max_attempts": 10,
        "backoff_base": 0.5,
        "backoff_cap": 8.0,
        "max_rate_limit_wait": 65.0,
        "sleep": fake.sleep,
        "clock": fake.clock,
        "rng": random.Random(7),
        **overrides,
    }
    return RetryPolicy(**options)


def script(outcomes: Sequence[Any]) -> tuple[Any, list[int]]:
    calls: list[int] = []

    def attempt() -> Attempt:
        calls.append(1)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, PostHogError):
            return Attempt(error=outcome, sent_at=datetime.now(timezone.utc))
        return Attempt(value=outcome)

    return attempt, calls


def server_error(status: int = 500) -> ServerError:
    return ServerError(method="X", path="/p", status=status, detail="A server error occurred.")


def throttled(seconds: int) -> RateLimitError:
    return RateLimitError(
        method="X",
        path="/p",
        status=429,
        detail=f"Request was throttled. Expected available in {seconds} seconds.",
        retry_after=float(seconds),
    )


def run(outcomes: Sequence[Any], method: str, fake: FakeTime, **kw: Any) -> tuple[Any, list[int]]:
    attempt, calls = script(outcomes)
    p = kw.pop("policy", None) or policy(fake)
    return call_with_retries(attempt, method=method, path="/p", policy=p, body={"b": 1}, **kw), calls


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(
    "failure",
    [
        server_error(500),
        server_error(502),
        server_error(503),
        server_error(504),
        ConnectError("refused"),
        ConnectTimeout("t"),
        ReadTimeout("t"),
        ConnectionDropped("reset"),
    ],
    ids=lambda e: type(e).__name__ + str(getattr(e, "status", "") or ""),
)
def test_idempotent_methods_retry_5xx_and_transport_errors(method: str, failure: PostHogError) -> None:
    fake = FakeTime()
    value, calls = run([failure, failure, {"ok": True}], method, fake)
    assert value == {"ok": True} and len(calls) == 3 and len(fake.sleeps) == 2


@pytest.mark.parametrize("failure", [server_error(500), ReadTimeout("t"), ConnectionDropped("reset")])
def test_post_that_may_have_been_applied_is_never_replayed(failure: PostHogError) -> None:
    fake = FakeTime()
    with pytest.raises(AmbiguousWriteError) as info:
        run([failure, {"never": "reached"}], "POST", fake)
    err = info.value
    assert err.cause is failure and err.body == {"b": 1} and err.attempts == 1
    assert fake.sleeps == []


@pytest.mark.parametrize("failure", [ConnectError("refused"), ConnectTimeout("t"), throttled(3)])
def test_post_that_provably_did_not_arrive_is_retried(failure: PostHogError) -> None:
    fake = FakeTime()
    value, calls = run([failure, {"id": 1}], "POST", fake)
    assert value == {"id": 1} and len(calls) == 2


def test_post_that_failed_to_connect_then_timed_out_is_ambiguous_with_the_attempt_count() -> None:
    fake = FakeTime()
    with pytest.raises(AmbiguousWriteError) as info:
        run([ConnectError("refused"), ReadTimeout("slow")], "POST", fake)
    assert info.value.attempts == 2 and isinstance(info.value.cause, ReadTimeout)


def test_idempotent_override_lets_a_documented_idempotent_post_retry() -> None:
    fake = FakeTime()
    value, calls = run([server_error(), {"paused": True}], "POST", fake, idempotent=True)
    assert value == {"paused": True} and len(calls) == 2


@pytest.mark.parametrize(
    "failure",
    [
        ValidationError(status=400, detail="bad"),
        NotFoundError(status=404, detail="Not found."),
        server_error(501),
        TLSError("cert", handshake=True),
    ],
    ids=lambda e: type(e).__name__ + str(getattr(e, "status", "") or ""),
)
def test_permanent_failures_are_not_retried(failure: PostHogError) -> None:
    fake = FakeTime()
    with pytest.raises(type(failure)):
        run([failure, {"x": 1}], "GET", fake)
    assert fake.sleeps == []


def test_429_waits_exactly_the_servers_hint() -> None:
    fake = FakeTime()
    value, _ = run([throttled(12), throttled(3), "done"], "GET", fake)
    assert value == "done" and fake.sleeps == [12.0, 3.0]


def test_429_hint_beyond_the_cap_or_budget_is_raised_at_once() -> None:
    fake = FakeTime()
    with pytest.raises(RateLimitError) as info:
        run([throttled(70), "never"], "GET", fake)
    assert fake.sleeps == [] and info.value.retry_after == 70
    fake = FakeTime()
    with pytest.raises(RateLimitError):
        run([throttled(40), "never"], "GET", fake, policy=policy(fake, budget=30))
    assert fake.sleeps == []


def test_429_without_a_hint_backs_off() -> None:
    fake = FakeTime()
    no_hint = RateLimitError(status=429, detail="This team already has 10 batch export backfills running.")
    value, _ = run([no_hint, "done"], "POST", fake)
    assert value == "done" and len(fake.sleeps) == 1 and 0 <= fake.sleeps[0] <= 0.5


def test_backoff_is_exponential_with_full_jitter_and_capped() -> None:
    fake = FakeTime()
    p = policy(fake, max_attempts=9, budget=1000)
    value, _ = run([server_error()] * 8 + ["ok"], "GET", fake, policy=p)
    assert value == "ok"
    ceilings = [min(8.0, 0.5 * 2**n) for n in range(8)]
    assert all(0 <= s <= c for s, c in zip(fake.sleeps, ceilings, strict=True))
    assert len(set(fake.sleeps)) == len(fake.sleeps), "jittered, not fixed"


def test_the_budget_bounds_the_total_time() -> None:
    fake = FakeTime()
    p = policy(fake, budget=10, max_attempts=1000, backoff_base=1, backoff_cap=4)
    with pytest.raises(ServerError) as info:
        run([server_error()] * 1000, "GET", fake, policy=p)
    assert sum(fake.sleeps) <= 10
    assert info.value.attempts == len(fake.sleeps) + 1 > 3


def test_max_attempts_bounds_the_attempts() -> None:
    fake = FakeTime()
    with pytest.raises(ConnectError) as info:
        run([ConnectError("refused")] * 10, "GET", fake, policy=policy(fake, max_attempts=3))
    assert info.value.attempts == 3 and len(fake.sleeps) == 2
    assert "(gave up after 3 attempts)" in str(info.value)


def test_5xx_retry_after_header_is_honoured_up_to_the_cap() -> None:
    fake = FakeTime()
    unavailable = ServerError(status=503, detail="Database unavailable", retry_after=2.0)
    assert run([unavailable, "ok"], "GET", fake)[0] == "ok"
    assert fake.sleeps == [2.0]


def test_delete_404_after_an_unanswered_attempt_is_success_but_a_first_404_is_not() -> None:
    fake = FakeTime()
    gone = NotFoundError(status=404, detail="Not found.")
    value, calls = run([ReadTimeout("slow"), gone], "DELETE", fake, gone_ok_after_retry=True)
    assert value is None and len(calls) == 2
    with pytest.raises(NotFoundError):
        run([NotFoundError(status=404, detail="Not found.")], "DELETE", FakeTime(), gone_ok_after_retry=True)
    # a 404 after a 429 (which applied nothing) is a real 404
    with pytest.raises(NotFoundError):
        run([throttled(1), NotFoundError(status=404, detail="x")], "DELETE", FakeTime(), gone_ok_after_retry=True)


def test_retries_are_logged_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeTime()
    caplog.set_level(logging.INFO, logger="pulumi_posthog.client")
    attempt, _ = script([server_error(502), throttled(2), "ok"])
    call_with_retries(attempt, method="GET", path="/api/x?personal_api_key=phx_abcdefgh", policy=policy(fake))
    records = [r for r in caplog.records if r.name == "pulumi_posthog.client"]
    assert [r.levelno for r in records] == [logging.WARNING, logging.INFO]
    assert "GET" in records[0].getMessage() and "502" in records[0].getMessage()
    assert "429" in records[1].getMessage() and "retrying in 2.00 s" in records[1].getMessage()
    assert all("phx_abcdefgh" not in r.getMessage() for r in records)
