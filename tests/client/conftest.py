"""Client-test fixtures: clients bound to posthog-local, a scripted HTTP server, and the no-key-leak audit."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pulumi_posthog.client import PostHogClient, PostHogError, RetryPolicy
from pulumi_posthog.client import errors as errors_module

from tests.conftest import BOOTSTRAP_KEY, LocalServer

# Fast but real retries: tests assert behaviour, so waits are short.
FAST = {"budget": 8.0, "backoff_base": 0.02, "backoff_cap": 0.1, "max_rate_limit_wait": 5.0}


class Sleeps:
    """An injectable sleep that records every wait (and really waits unless ``fake``)."""

    def __init__(self, fake: bool = False, on_sleep: Callable[[float], None] | None = None) -> None:
        self.fake = fake
        self.calls: list[float] = []
        self.on_sleep = on_sleep
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.calls.append(seconds)
        if self.on_sleep is not None:
            self.on_sleep(seconds)
        if not self.fake:
            import time

            time.sleep(seconds)


def fast_policy(sleep: Callable[[float], None] | None = None, **overrides: Any) -> RetryPolicy:
    options: dict[str, Any] = {**FAST, **overrides}
    if sleep is not None:
        options["sleep"] = sleep
    return RetryPolicy(**options)


@pytest.fixture
def make_client() -> Iterator[Callable[..., PostHogClient]]:
    """``make_client(server_or_url, key=None, **options)``: a client with short timeouts and fast retries."""
    made: list[PostHogClient] = []

    def factory(target: LocalServer | str, key: str | None = None, **options: Any) -> PostHogClient:
        url = target if isinstance(target, str) else target.url
        api_key = key or (BOOTSTRAP_KEY if isinstance(target, str) else target.api_key)
        options.setdefault("connect_timeout", 2.0)
        options.setdefault("read_timeout", 10.0)
        options.setdefault("retry", fast_policy())
        client = PostHogClient(url, api_key, **options)
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()


# --- the audit: no raised error and no log line may contain an API key ---------------------------------------


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _texts_of(error: PostHogError) -> list[str]:
    texts = [str(error), repr(error), *(str(a) for a in error.args)]
    for name, value in vars(error).items():
        if name == "body":
            continue  # the request body is the caller's own data (kept for reconciliation, never shown)
        texts.append(repr(value))
        if isinstance(value, PostHogError):
            texts.extend(_texts_of(value))
    return texts


def leaks(errors: list[PostHogError], log_lines: list[str], keys: set[str]) -> list[str]:
    """Every place where a key (or a phx_ token) shows in an error or a log line."""
    found = []
    for error in errors:
        for text in _texts_of(error):
            if any(key in text for key in keys) or "phx_" in text.replace("phx_…", ""):
                found.append(f"{type(error).__name__}: {text!r}")
    found.extend(f"log: {line!r}" for line in log_lines if any(key in line for key in keys))
    return found


def known_keys() -> set[str]:
    with errors_module._secrets_lock:
        return set(errors_module._secrets) | {BOOTSTRAP_KEY}


@pytest.fixture(autouse=True)
def audit_no_key_leaks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[PostHogError]]:
    """Collects every PostHogError created during the test and every client log line; at teardown asserts that
    no API key appears in any of them (str, repr, args, attributes, chained causes)."""
    created: list[PostHogError] = []
    original = PostHogError.__init__

    def recording_init(self: PostHogError, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        created.append(self)

    monkeypatch.setattr(PostHogError, "__init__", recording_init)
    logger = logging.getLogger("pulumi_posthog.client")
    capture = _Capture()
    old_level = logger.level
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    try:
        yield created
    finally:
        logger.removeHandler(capture)
        logger.setLevel(old_level)
    found = leaks(created, capture.lines, known_keys())
    assert not found, "API key leaked:\n" + "\n".join(found)


# --- a scripted HTTP server, for what posthog-local cannot be made to do ---------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    client_port: int = 0


class ScriptedServer:
    """Answers requests from a script (a callable or a queue of replies) and records what it received."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.replies: list[Reply] = []
        self.handler: Callable[[Seen], Reply] | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, dict(self.headers.items()), body, self.client_address[1])
                outer.seen.append(seen)
                if outer.handler is not None:
                    reply = outer.handler(seen)
                elif outer.replies:
                    reply = outer.replies.pop(0)
                else:
                    reply = Reply(200, {})
                if reply.delay:
                    import time

                    time.sleep(reply.delay)
                payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def scripted() -> Iterator[Callable[[], ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def factory() -> ScriptedServer:
        server = ScriptedServer()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.close()


# --- posthog-local helpers -----------------------------------------------------------------------------------

HTTP_DESTINATION = {
    "type": "HTTP",
    "config": {"url": "https://us.i.posthog.com/batch/", "token": "tok-secret"},
}


def export_body(name: str = "export", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "interval": "hour",
        "destination": json.loads(json.dumps(HTTP_DESTINATION)),
        **extra,
    }


def count_requests(server: LocalServer, method: str, path_regex: str) -> int:
    """How many ``method`` requests whose path matches ``path_regex`` the server answered (any status)."""
    import re

    recent = server.requests_seen()["recent"]
    return sum(1 for r in recent if r["method"] == method and re.search(path_regex, r["path"]))


def settled_count(server: LocalServer, method: str, path_regex: str, expected: int, timeout: float = 5.0) -> int:
    """The request count once the server has recorded it (a dropped connection is counted a moment later)."""
    import time

    deadline = time.monotonic() + timeout
    while count_requests(server, method, path_regex) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # anything more (a replay) would have arrived by now
    return count_requests(server, method, path_regex)


def statuses(server: LocalServer, method: str, path_regex: str) -> list[int]:
    import re

    recent = server.requests_seen()["recent"]
    return [r["status"] for r in recent if r["method"] == method and re.search(path_regex, r["path"])]


_local = threading.local()


def raw_post(server: LocalServer, path: str, body: Any) -> Any:
    """POST with plain requests (a session per thread, so that setup can run in a thread pool)."""
    import requests

    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    headers = {"Authorization": f"Bearer {server.api_key}"}
    return session.post(server.url + path, json=body, headers=headers, timeout=30)


@pytest.fixture
def throttling(no_faults: LocalServer) -> Iterator[Callable[..., None]]:
    """``throttling(burst=..., sustained=...)`` turns PostHog's per-key rate limits on in the shared server;
    afterwards they are off again with PostHog's default rates (``no_faults`` only switches them off)."""

    def enable(burst: str, sustained: str = "100000/hour") -> None:
        no_faults.control("PUT", "rate-limits", json={"enabled": True, "burst": burst, "sustained": sustained})

    yield enable
    no_faults.control("PUT", "rate-limits", json={"enabled": False, "burst": "480/minute", "sustained": "4800/hour"})


def new_org(server: LocalServer, name: str = "client-test org") -> tuple[str, int]:
    """A new organization (owned by the bootstrap user) and its default project, made without the client."""
    response = raw_post(server, "/api/organizations/", {"name": name})
    assert response.status_code == 201, response.text
    body = response.json()
    return body["id"], body["projects"][0]["id"]


def raw_create_export(server: LocalServer, project: int, name: str = "raw export") -> dict[str, Any]:
    response = raw_post(server, f"/api/projects/{project}/batch_exports/", export_body(name))
    assert response.status_code == 201, response.text
    return response.json()


class ProxyServer(ScriptedServer):
    """Forwards every request to ``upstream`` unless ``intercept(seen)`` returns a reply: emulates a PostHog
    version with a route missing, over real HTTP, with the real posthog-local behind it."""

    def __init__(self, upstream: str, intercept: Callable[[Seen], Reply | None]) -> None:
        super().__init__()
        import requests

        session = requests.Session()

        def forward(seen: Seen) -> Reply:
            reply = intercept(seen)
            if reply is not None:
                return reply
            headers = {k: v for k, v in seen.headers.items() if k.lower() in ("authorization", "content-type")}
            response = session.request(seen.method, upstream + seen.path, data=seen.body, headers=headers)
            kind = response.headers.get("Content-Type", "application/json")
            return Reply(response.status_code, raw=response.content, headers={"Content-Type": kind})

        self.handler = forward


@pytest.fixture
def proxy() -> Iterator[Callable[[str, Callable[[Seen], Reply | None]], ProxyServer]]:
    servers: list[ProxyServer] = []

    def factory(upstream: str, intercept: Callable[[Seen], Reply | None]) -> ProxyServer:
        server = ProxyServer(upstream, intercept)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.close()


ENDPOINT_NOT_FOUND = Reply(
    404, {"type": "invalid_request", "code": "not_found", "detail": "Endpoint not found.", "attr": None}
)


# --- raw TCP servers on 127.0.0.1: byte-level answers (dripping, chunked), and a proxy that only records -------


class RawServer:
    """Accepts connections on 127.0.0.1 and runs ``script(conn, number)`` for each (numbered from 1) in its own
    thread. Records the bytes received per connection; ``close()`` stops everything (the accept loop polls, and
    scripts should check ``stopped``)."""

    def __init__(self, script: Callable[[Any, int], None]) -> None:
        import socket

        self.script = script
        self.received: list[bytes] = []
        self.stopped = threading.Event()
        self.finished: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:

        while not self.stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.received.append(b"")
            number = len(self.received)
            worker = threading.Thread(target=self._serve, args=(conn, number), daemon=True)
            self.finished.append(worker)
            worker.start()

    def _serve(self, conn: Any, number: int) -> None:
        with conn:
            conn.settimeout(2.0)
            self.script(conn, number)

    def read_request(self, conn: Any, number: int) -> bytes:
        """Read one request's head (and a Content-Length body); record it."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            chunk = conn.recv(4096)
            if not chunk:
                break
            rest += chunk
        self.received[number - 1] += data
        return head

    def join(self, timeout: float = 3.0) -> None:
        """Wait for every connection's script to end."""
        for worker in list(self.finished):
            worker.join(timeout)

    def close(self) -> None:
        self.stopped.set()
        self._listener.close()
        self._thread.join(2)
        self.join()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[Any, int], None]], RawServer]]:
    servers: list[RawServer] = []

    def factory(script: Callable[[Any, int], None]) -> RawServer:
        server = RawServer(script)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.close()


class FakeProxy(RawServer):
    """An HTTP proxy on 127.0.0.1 that forwards nothing: it records each request it gets (the bytes, so any key
    sent to it in cleartext shows) and answers 502."""

    def __init__(self) -> None:
        def refuse(conn: Any, number: int) -> None:
            self.read_request(conn, number)
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

        super().__init__(refuse)

    @property
    def contacted(self) -> int:
        return len(self.received)


@pytest.fixture
def fake_proxy() -> Iterator[FakeProxy]:
    server = FakeProxy()
    yield server
    server.close()
