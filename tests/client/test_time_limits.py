"""Time and size are bounded: a dripping response is cut off at the read timeout, a huge one at the size cap,
a refused connection gives up within the connect budget, long waits are announced on stderr, and a Retry-After
of nan, a negative number or an absurd value neither crashes nor hangs."""

from __future__ import annotations

import json
import random
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest
from pulumi_posthog.client import (
    AmbiguousWriteError,
    ConnectError,
    PostHogClient,
    RateLimitError,
    ReadTimeout,
    ResponseTooLargeError,
    RetryPolicy,
    ServerError,
)
from pulumi_posthog.client.errors import parse_retry_after

from tests.client.conftest import RawServer, Reply, ScriptedServer, Sleeps, fast_policy

MakeClient = Callable[..., PostHogClient]
MakeRaw = Callable[[Callable[[Any, int], None]], RawServer]
KEY = "phx_timelimitkey0123456789abcdef"
DRIP_INTERVAL = 0.05  # well under the read timeout below: requests' per-read timeout never fires


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


def _drip(conn: Any, data: bytes, server: RawServer) -> bool:
    """Send ``data`` one byte per DRIP_INTERVAL; False as soon as the client is gone (or the test ended)."""
    for i in range(len(data)):
        if server.stopped.is_set():
            return False
        try:
            conn.sendall(data[i : i + 1])
        except OSError:
            return False
        time.sleep(DRIP_INTERVAL)
    return True


def dripping_server(make_raw: MakeRaw, phase: str) -> tuple[RawServer, list[bool]]:
    """Connection 1 drips its headers or its body (200 bytes: 10 s); connection 2 answers at once."""
    completed: list[bool] = []
    slow_body = _json({"attempt": 1, "pad": "x" * 170})
    fast_body = _json({"attempt": 2})

    def script(conn: Any, number: int) -> None:
        server.read_request(conn, number)
        if number > 1:
            head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(fast_body)}\r\n\r\n"
            conn.sendall(head.encode() + fast_body)
            return
        if phase == "headers":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            done = _drip(conn, b"X-Pad: " + b"a" * 190 + b"\r\n", server)
            if done:
                length = f"Content-Type: application/json\r\nContent-Length: {len(slow_body)}\r\n\r\n"
                conn.sendall(length.encode() + slow_body)
        else:
            head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(slow_body)}\r\n\r\n"
            conn.sendall(head.encode())
            done = _drip(conn, slow_body, server)
        completed.append(done)

    server = make_raw(script)
    return server, completed


@pytest.mark.parametrize("phase", ["headers", "body"])
def test_a_dripping_response_is_cut_off_at_the_read_timeout_and_a_get_is_retried(
    raw_server: MakeRaw, make_client: MakeClient, phase: str
) -> None:
    """Before: each byte arrived within the per-read timeout, so the call waited for all of it (10 s here,
    forever for a server that keeps dripping)."""
    server, completed = dripping_server(raw_server, phase)
    client = make_client(server.url, KEY, read_timeout=0.5, retry=fast_policy(max_attempts=2))

    assert client.request("GET", "/api/organizations/") == {"attempt": 2}

    server.join()
    assert completed == [False], "the client hung up on the dripping response before it was complete"
    assert len(server.received) == 2


def test_a_dripping_response_to_a_post_is_an_ambiguous_read_timeout(
    raw_server: MakeRaw, make_client: MakeClient
) -> None:
    server, completed = dripping_server(raw_server, "body")
    client = make_client(server.url, KEY, read_timeout=0.5)

    with pytest.raises(AmbiguousWriteError) as info:
        client.create_organization({"name": "slow"})

    assert isinstance(info.value.cause, ReadTimeout)
    assert "no complete response within 0.5 s" in str(info.value)
    server.join()
    assert completed == [False] and len(server.received) == 1, "not replayed"


# --- the size cap -----------------------------------------------------------------------------------------------


def test_a_response_larger_than_the_cap_is_refused_and_not_retried(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient
) -> None:
    server = scripted()
    server.handler = lambda seen: Reply(200, {"results": ["x" * 5000]})
    client = make_client(server.url, KEY, max_response_bytes=1024)

    with pytest.raises(ResponseTooLargeError) as info:
        client.request("GET", "/api/organizations/")

    assert "larger than 1024 bytes" in str(info.value) and "posthog:host" in str(info.value)
    assert len(server.seen) == 1, "a GET is not retried: the answer would be as large again"


def test_a_chunked_response_without_a_length_is_capped_while_reading(
    raw_server: MakeRaw, make_client: MakeClient
) -> None:
    def chunked(conn: Any, number: int) -> None:
        server.read_request(conn, number)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(64):  # up to 64 KiB, far more than the cap
            piece = b" " * 1024
            try:
                conn.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            except OSError:
                break

    server = raw_server(chunked)
    client = make_client(server.url, KEY, max_response_bytes=4096)

    with pytest.raises(ResponseTooLargeError):
        client.request("GET", "/api/organizations/")
    assert len(server.received) == 1


def test_a_post_whose_success_is_too_large_is_ambiguous(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient
) -> None:
    server = scripted()
    server.handler = lambda seen: Reply(201, {"id": "1", "pad": "x" * 5000})
    client = make_client(server.url, KEY, max_response_bytes=1024)
    with pytest.raises(AmbiguousWriteError) as info:
        client.create_organization({"name": "big"})
    assert isinstance(info.value.cause, ResponseTooLargeError) and len(server.seen) == 1


# --- connection failures: a few seconds, not the whole budget -------------------------------------------------


class FakeTime:
    """A clock that only moves when the policy sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_connection_gives_up_within_the_connect_budget(make_client: MakeClient) -> None:
    """The default policy against a port nobody listens on. Before: 10 attempts over about 17-34 s of backoff
    (up to the 90 s budget)."""
    fake = FakeTime()
    policy = RetryPolicy(sleep=fake.sleep, clock=fake.clock, rng=random.Random(7))
    client = make_client(f"http://127.0.0.1:{closed_port()}", KEY, retry=policy)

    with pytest.raises(ConnectError) as info:
        client.list_organizations()

    assert "connection refused" in str(info.value)
    assert sum(fake.sleeps) <= 5.0
    assert 1 < info.value.attempts < policy.max_attempts


def test_the_connect_budget_does_not_shorten_other_retries(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient
) -> None:
    fake = FakeTime()
    server = scripted()
    server.handler = lambda seen: Reply(502, {"detail": "bad gateway"})
    policy = RetryPolicy(sleep=fake.sleep, clock=fake.clock, rng=random.Random(7))
    with pytest.raises(ServerError) as info:
        make_client(server.url, KEY, retry=policy).list_organizations()
    assert info.value.attempts == policy.max_attempts and sum(fake.sleeps) > 5.0


# --- long waits are announced ---------------------------------------------------------------------------------


def test_a_long_retry_wait_prints_what_it_waits_for(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    server = scripted()
    throttled = {"type": "throttled_error", "code": "throttled", "detail": "Request was throttled.", "attr": None}
    server.replies = [Reply(429, throttled, headers={"Retry-After": "4"}), Reply(200, [])]
    sleeps = Sleeps(fake=True)
    client = make_client(server.url, KEY, retry=fast_policy(sleeps))

    assert client.request("GET", "/api/organizations/") == []

    err = capsys.readouterr().err
    assert sleeps.calls == [4.0]
    assert f"pulumi-posthog: GET {server.url}/api/organizations/ → 429 rate limited; waiting 4 s" in err
    assert "as PostHog asked" in err and KEY not in err


def test_short_waits_are_silent(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    server = scripted()
    server.replies = [Reply(503, {"detail": "x"}), Reply(200, [])]
    assert make_client(server.url, KEY).request("GET", "/api/organizations/") == []
    assert capsys.readouterr().err == ""


def test_a_slow_response_prints_that_it_is_still_waiting(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient, capsys: pytest.CaptureFixture[str]
) -> None:
    server = scripted()
    server.handler = lambda seen: Reply(200, {"ok": True}, delay=0.6)
    client = make_client(server.url, KEY, notice_after=0.1)

    assert client.request("GET", "/api/organizations/") == {"ok": True}

    err = capsys.readouterr().err
    assert f"pulumi-posthog: still waiting for {server.url} to answer GET /api/organizations/" in err
    assert KEY not in err


# --- Retry-After values nobody should send --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        ("0", 0.0),
        ("nan", None),
        ("NaN", None),
        ("-5", None),
        ("-inf", None),
        ("inf", None),
        ("1e400", None),
        ("1e12", 1e12),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
        ("Mon, 01 Jan 99999 00:00:00 GMT", None),
        ("soon", None),
    ],
)
def test_retry_after_values_are_parsed_or_dropped(value: str, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


@pytest.mark.parametrize("value", ["nan", "-5", "inf"])
@pytest.mark.parametrize("status", [429, 503])
def test_a_meaningless_retry_after_falls_back_to_the_backoff(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient, value: str, status: int
) -> None:
    """Before: nan and negative values meant "retry at once" (0 s), and inf refused the retry of a 429."""
    server = scripted()
    server.replies = [Reply(status, {"detail": "wait"}, headers={"Retry-After": value}), Reply(200, [])]
    sleeps = Sleeps(fake=True)
    client = make_client(server.url, KEY, retry=fast_policy(sleeps, rng=random.Random(3)))

    assert client.request("GET", "/api/organizations/") == []

    backoff = fast_policy(rng=random.Random(3)).backoff(0)
    assert sleeps.calls == [backoff] and backoff > 0


@pytest.mark.parametrize("value", ["1e12", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_an_absurd_rate_limit_wait_is_refused_at_once_with_a_clear_error(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient, value: str
) -> None:
    server = scripted()
    server.handler = lambda seen: Reply(429, {"detail": "Request was throttled."}, headers={"Retry-After": value})
    sleeps = Sleeps(fake=True)

    with pytest.raises(RateLimitError) as info:
        make_client(server.url, KEY, retry=fast_policy(sleeps)).request("GET", "/api/organizations/")

    assert sleeps.calls == [] and len(server.seen) == 1
    assert "longer than the 5 s this client waits" in str(info.value) and "try again later" in str(info.value)


def test_an_absurd_server_error_wait_is_clamped(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient
) -> None:
    server = scripted()
    server.replies = [Reply(503, {"detail": "x"}, headers={"Retry-After": "1e12"}), Reply(200, [])]
    sleeps = Sleeps(fake=True)
    policy = fast_policy(sleeps)
    assert make_client(server.url, KEY, retry=policy).request("GET", "/api/organizations/") == []
    assert sleeps.calls == [policy.backoff_cap]
