"""Fault scenarios against posthog-local over real HTTP: what is retried, what is never replayed."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from pulumi_posthog.client import (
    AmbiguousWriteError,
    ConnectError,
    ConnectionDropped,
    NotFoundError,
    PostHogClient,
    PostHogError,
    RateLimitError,
    ReadTimeout,
    ServerError,
)

from tests.client.conftest import (
    Sleeps,
    count_requests,
    export_body,
    fast_policy,
    new_org,
    raw_create_export,
    settled_count,
    statuses,
)
from tests.conftest import BOOTSTRAP_KEY, LocalServer

MakeClient = Callable[..., PostHogClient]
ORGS_RE = r"^/api/organizations/?$"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def orgs_named(server: LocalServer, name: str) -> int:
    """Counted with the server's own API (the bootstrap user belongs to every org these tests create)."""
    response = server.api("GET", "/api/organizations/", params={"limit": 100000})
    assert response.status_code == 200, response.text
    return sum(1 for o in response.json()["results"] if o["name"] == name)


def fault(server: LocalServer, **spec: Any) -> None:
    server.control("POST", "faults", json=spec)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


# --- idempotent methods: retried ------------------------------------------------------------------------------

CALLS: dict[str, Callable[[PostHogClient, str], Any]] = {
    "GET": lambda c, org: c.get_organization(org),
    "PATCH": lambda c, org: c.update_organization(org, {"is_ai_data_processing_approved": True}),
    "PUT": lambda c, org: c.replace_organization(org, {"name": "replaced"}),
    "DELETE": lambda c, org: c.delete_organization(org),
}
OK = {"GET": 200, "PATCH": 200, "PUT": 200, "DELETE": 204}


@pytest.mark.parametrize("method", list(CALLS))
@pytest.mark.parametrize("status", [500, 503])
def test_injected_5xx_is_retried(no_faults: LocalServer, make_client: MakeClient, method: str, status: int) -> None:
    server = no_faults
    org, _ = new_org(server)
    sleeps = Sleeps()
    client = make_client(server, retry=fast_policy(sleeps))
    path = rf"^/api/organizations/{org}/?$"
    server.control("DELETE", "requests")
    fault(server, status=status, method=method, path=path, count=2)

    CALLS[method](client, org)

    assert statuses(server, method, path) == [status, status, OK[method]]
    assert len(sleeps.calls) == 2


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_latency_beyond_the_read_timeout_is_retried(
    no_faults: LocalServer, make_client: MakeClient, method: str
) -> None:
    server = no_faults
    org, _ = new_org(server)
    client = make_client(server, read_timeout=0.3)
    path = rf"^/api/organizations/{org}/?$"
    server.control("DELETE", "requests")
    fault(server, latency_ms=900, method=method, path=path, count=1)

    started = time.monotonic()
    CALLS[method](client, org)
    assert time.monotonic() - started < 0.9, "the client did not wait for the slow attempt"
    assert wait_until(lambda: count_requests(server, method, path) == 2), "one timed-out attempt + one retry"
    if method == "DELETE":
        with pytest.raises(NotFoundError):
            client.get_organization(org)


def test_get_connection_dropped_is_retried(no_faults: LocalServer, make_client: MakeClient) -> None:
    server = no_faults
    org, _ = new_org(server)
    client = make_client(server)
    path = rf"^/api/organizations/{org}/?$"
    fault(server, drop=True, when="before", method="GET", path=path, count=1)
    assert client.get_organization(org)["id"] == org


def test_delete_whose_response_was_lost_succeeds_on_the_404(no_faults: LocalServer, make_client: MakeClient) -> None:
    """The first DELETE commits and its connection is reset; the retry finds nothing (404): that is success."""
    server = no_faults
    org, _ = new_org(server)
    client = make_client(server)
    path = rf"^/api/organizations/{org}/?$"
    server.control("DELETE", "requests")
    fault(server, drop=True, when="after", method="DELETE", path=path, count=1)

    client.delete_organization(org)
    assert settled_count(server, "DELETE", path, 2) == 2
    assert [s for s in statuses(server, "DELETE", path) if s != 499] == [404]
    with pytest.raises(NotFoundError):
        client.get_organization(org)


def test_persistent_5xx_gives_up_with_the_attempt_count(no_faults: LocalServer, make_client: MakeClient) -> None:
    server = no_faults
    org, _ = new_org(server)
    client = make_client(server, retry=fast_policy(max_attempts=4))
    path = rf"^/api/organizations/{org}/?$"
    server.control("DELETE", "requests")
    fault(server, status=502, method="GET", path=path, share=1.0)
    with pytest.raises(ServerError) as info:
        client.get_organization(org)
    assert info.value.status == 502 and info.value.attempts == 4
    assert "gave up after 4 attempts" in str(info.value)
    assert count_requests(server, "GET", path) == 4


# --- POST: never replayed once it may have reached the server -------------------------------------------------------


def test_post_dropped_after_commit_is_ambiguous_and_not_replayed(
    no_faults: LocalServer, make_client: MakeClient
) -> None:
    server = no_faults
    client = make_client(server)
    name = unique("dropped")
    server.control("DELETE", "requests")
    fault(server, drop=True, when="after", method="POST", path=ORGS_RE, count=1)

    before = datetime.now(timezone.utc)
    with pytest.raises(AmbiguousWriteError) as info:
        client.create_organization({"name": name})
    after = datetime.now(timezone.utc)

    err = info.value
    assert (err.method, err.path, err.body) == ("POST", "/api/organizations/", {"name": name})
    assert before <= err.sent_at <= after
    assert isinstance(err.cause, ConnectionDropped)
    assert "may or may not have been applied" in str(err) and "not retried" in str(err)
    assert settled_count(server, "POST", ORGS_RE, 1) == 1, "never replayed"
    assert orgs_named(server, name) == 1, "exactly one object exists on the server"
    assert [o for o in client.list_organizations() if o["name"] == name], "and the client can find it"


def test_post_dropped_before_the_view_is_ambiguous_too(no_faults: LocalServer, make_client: MakeClient) -> None:
    server = no_faults
    client = make_client(server)
    name = unique("dropped-before")
    server.control("DELETE", "requests")
    fault(server, drop=True, when="before", method="POST", path=ORGS_RE, count=1)
    with pytest.raises(AmbiguousWriteError):
        client.create_organization({"name": name})
    assert settled_count(server, "POST", ORGS_RE, 1) == 1
    assert orgs_named(server, name) == 0


@pytest.mark.parametrize("when,expected", [("before", 0), ("after", 1)])
def test_post_5xx_is_ambiguous_and_not_replayed(
    no_faults: LocalServer, make_client: MakeClient, when: str, expected: int
) -> None:
    server = no_faults
    client = make_client(server)
    name = unique(f"post-500-{when}")
    server.control("DELETE", "requests")
    fault(server, status=500, when=when, method="POST", path=ORGS_RE, count=1)
    with pytest.raises(AmbiguousWriteError) as info:
        client.create_organization({"name": name})
    assert isinstance(info.value.cause, ServerError) and info.value.status == 500
    assert count_requests(server, "POST", ORGS_RE) == 1
    assert orgs_named(server, name) == expected


def test_post_read_timeout_is_ambiguous_and_not_replayed(no_faults: LocalServer, make_client: MakeClient) -> None:
    server = no_faults
    client = make_client(server, read_timeout=0.3)
    name = unique("slow-post")
    server.control("DELETE", "requests")
    fault(server, latency_ms=800, method="POST", path=ORGS_RE, count=1)
    with pytest.raises(AmbiguousWriteError) as info:
        client.create_organization({"name": name})
    assert isinstance(info.value.cause, ReadTimeout)
    assert wait_until(lambda: orgs_named(server, name) == 1), "the slow request did commit"
    time.sleep(0.3)
    assert orgs_named(server, name) == 1
    assert settled_count(server, "POST", ORGS_RE, 1) == 1


def test_post_throttled_is_retried_after_the_hint(no_faults: LocalServer, make_client: MakeClient) -> None:
    server = no_faults
    sleeps = Sleeps(fake=True)
    client = make_client(server, retry=fast_policy(sleeps))
    name = unique("throttled-post")
    server.control("DELETE", "requests")
    fault(server, status=429, method="POST", path=ORGS_RE, count=1)
    assert client.create_organization({"name": name})["name"] == name
    assert sleeps.calls == [1.0], "waited what PostHog said: 'Expected available in 1 second.'"
    assert statuses(server, "POST", ORGS_RE) == [429, 201]
    assert orgs_named(server, name) == 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_post_to_a_refused_connection_is_retried_until_the_server_listens(
    fresh_local: Any, make_client: MakeClient
) -> None:
    port = free_port()
    started: list[LocalServer] = []

    def start_on_first_wait(_: float) -> None:
        if not started:
            started.append(fresh_local("latest", None, "--port", str(port)))

    sleeps = Sleeps(fake=True, on_sleep=start_on_first_wait)
    client = make_client(f"http://127.0.0.1:{port}", retry=fast_policy(sleeps, budget=30, connect_budget=30))
    name = unique("refused-then-up")

    created = client.create_organization({"name": name})

    assert created["name"] == name
    assert sleeps.calls, "the first attempt was refused and retried"
    server = started[0]
    assert count_requests(server, "POST", ORGS_RE) == 1
    assert orgs_named(server, name) == 1


def test_post_to_a_closed_port_retries_then_raises_connect_error(make_client: MakeClient) -> None:
    sleeps = Sleeps(fake=True)
    client = make_client(f"http://127.0.0.1:{free_port()}", retry=fast_policy(sleeps, max_attempts=5))
    with pytest.raises(ConnectError) as info:
        client.create_organization({"name": "never"})
    assert not isinstance(info.value, AmbiguousWriteError)
    assert info.value.attempts == 5 and len(sleeps.calls) == 4
    assert info.value.sent is False
    assert "connection refused" in str(info.value)


# --- rate limits --------------------------------------------------------------------------------------------------


def test_rate_limit_storm_completes_using_the_servers_hints(
    no_faults: LocalServer,
    throttling: Callable[..., None],
    make_client: MakeClient,
    audit_no_key_leaks: list[PostHogError],
) -> None:
    server = no_faults
    key = server.new_key()
    throttling("10/second")
    sleeps = Sleeps()
    client = make_client(server, key, retry=fast_policy(sleeps, budget=30))
    server.control("DELETE", "requests")
    calls = 35

    started = time.monotonic()
    results = [client.get_organization("@current") for _ in range(calls)]
    elapsed = time.monotonic() - started

    assert len(results) == calls and all(r["id"] for r in results)
    throttled = [e for e in audit_no_key_leaks if isinstance(e, RateLimitError)]
    server_429s = statuses(server, "GET", r"^/api/organizations/@current/?$").count(429)
    assert server_429s >= 2, "the storm really was throttled"
    assert len(throttled) == server_429s == len(sleeps.calls)
    assert sleeps.calls == [e.retry_after for e in throttled], "each wait is exactly PostHog's hint"
    assert all(e.retry_after == 1.0 for e in throttled)
    # 35 calls at 10/second need ~3 s of waiting; no backoff inflation on top of the hints.
    assert sum(sleeps.calls) <= 5
    assert elapsed <= sum(sleeps.calls) + 3.0


def test_rate_limit_wait_beyond_the_budget_raises_at_once(
    no_faults: LocalServer, throttling: Callable[..., None], make_client: MakeClient
) -> None:
    server = no_faults
    key = server.new_key()
    throttling("2/minute")
    sleeps = Sleeps(fake=True)
    client = make_client(server, key, retry=fast_policy(sleeps, budget=5))
    client.get_organization("@current")
    client.get_organization("@current")
    with pytest.raises(RateLimitError) as info:
        client.get_organization("@current")
    err = info.value
    assert sleeps.calls == [], "a wait longer than the budget is not started"
    assert err.retry_after is not None and 30 <= err.retry_after <= 60
    assert f"wait {err.retry_after:g} s" in str(err)


# --- batch-export writes ----------------------------------------------------------------------------------------------


def test_batch_export_post_dropped_after_commit_leaves_exactly_one(
    no_faults: LocalServer, make_client: MakeClient
) -> None:
    server = no_faults
    _, project = new_org(server)
    client = make_client(server)
    path = rf"^/api/projects/{project}/batch_exports/?$"
    server.control("DELETE", "requests")
    fault(server, drop=True, when="after", method="POST", path=path, count=1)
    body = export_body(unique("ambiguous-export"))
    with pytest.raises(AmbiguousWriteError) as info:
        client.create_batch_export(project, body)
    assert info.value.body == body
    assert "tok-secret" not in str(info.value) and "tok-secret" not in repr(info.value)
    assert settled_count(server, "POST", path, 1) == 1
    assert [e["name"] for e in client.list_batch_exports(project)] == [body["name"]]


def test_pause_is_retried_after_a_5xx(no_faults: LocalServer, make_client: MakeClient) -> None:
    """pause/unpause are POSTs PostHog makes idempotent, so the client retries them like a PUT."""
    server = no_faults
    _, project = new_org(server)
    export_id = raw_create_export(server, project)["id"]
    client = make_client(server)
    path = rf"/{export_id}/pause/?$"
    server.control("DELETE", "requests")
    fault(server, status=500, when="after", method="POST", path=path, count=1)
    assert client.pause_batch_export(project, export_id) == {"paused": True}
    assert statuses(server, "POST", path) == [500, 200]


def test_backfill_post_5xx_is_ambiguous_and_does_not_fall_back(no_faults: LocalServer, make_client: MakeClient) -> None:
    server = no_faults
    _, project = new_org(server)
    export_id = raw_create_export(server, project)["id"]
    client = make_client(server)
    server.control("DELETE", "requests")
    fault(server, status=500, when="after", method="POST", path=rf"/{export_id}/backfills/?$", count=1)
    from tests.client.test_batch_exports import hour_window

    start, end = hour_window()
    with pytest.raises(AmbiguousWriteError):
        client.create_backfill(project, export_id, start_at=start, end_at=end)
    assert count_requests(server, "POST", rf"/{export_id}/backfills?/?$") == 1


def test_bootstrap_key_never_in_errors_even_when_the_server_echoes_it(scripted: Any, make_client: MakeClient) -> None:
    server = scripted()
    from tests.client.conftest import Reply

    server.replies.append(
        Reply(
            400,
            {
                "type": "validation_error",
                "code": "invalid",
                "detail": f"bad key {BOOTSTRAP_KEY}",
                "attr": None,
            },
        )
    )
    client = make_client(server.url, BOOTSTRAP_KEY)
    with pytest.raises(PostHogError) as info:
        client.get_organization()
    assert BOOTSTRAP_KEY not in str(info.value) and "[REDACTED]" in str(info.value)
