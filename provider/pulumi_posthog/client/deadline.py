"""Whole-response deadlines: one watchdog thread cuts off a response still arriving after its time limit.

requests' read timeout bounds each socket read, not the response: a server (or proxy) that drips a byte
every few seconds holds a call for as long as it likes. Here the connection classes of the transport's own
adapter tell the request's ``Guard`` which socket carries the response once the request has been written;
``WATCHDOG`` shuts that socket down when the guard's limit passes (the blocked read then returns), and
announces a wait that lasts ``notice_after`` seconds.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3 import poolmanager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["WATCHDOG", "Guard", "WatchedAdapter", "guarded"]

_current = threading.local()


def _cut(sock: Any) -> None:
    """Shut the socket down for reading and writing: a read blocked on it returns at once."""
    raw = sock if isinstance(sock, socket.socket) else getattr(sock, "socket", None)  # TLS-in-TLS wraps one
    if not isinstance(raw, socket.socket):
        return
    # the plain socket's shutdown, also for an SSLSocket: its own would drop the TLS state under the reader
    with contextlib.suppress(OSError, ValueError):  # already closed
        socket.socket.shutdown(raw, socket.SHUT_RDWR)


class Guard:
    """The time limits of one request: cut off ``limit`` seconds after it was sent; a notice after
    ``notice_after`` seconds from the start (connecting included) unless it finished."""

    def __init__(self, limit: float, notice_after: float | None, on_notice: Callable[[float], None] | None) -> None:
        self.limit = limit
        self.started = time.monotonic()
        self.expired = False
        self._done = False
        self._conn: Any = None
        self._lock = threading.Lock()
        self._on_notice = on_notice
        if on_notice is not None and notice_after is not None:
            WATCHDOG.schedule(self.started + notice_after, self._notice)

    def sent(self, conn: Any) -> None:
        """Called by the connection once the request is written: the limit starts now."""
        with self._lock:
            if self._done:
                return
            self._conn = conn
            conn._pulumi_posthog_guard = self
        WATCHDOG.schedule(time.monotonic() + self.limit, self._expire)

    def finish(self) -> None:
        with self._lock:
            self._done = True
            self._conn = None

    def _expire(self) -> None:
        with self._lock:
            conn = self._conn
            # the connection may already serve another request (pooled): cut only while it is still ours
            if self._done or conn is None or getattr(conn, "_pulumi_posthog_guard", None) is not self:
                return
            self.expired = True
            _cut(getattr(conn, "sock", None))

    def _notice(self) -> None:
        with self._lock:
            if self._done:
                return
        if self._on_notice is not None:
            self._on_notice(time.monotonic() - self.started)


@contextlib.contextmanager
def guarded(guard: Guard) -> Iterator[Guard]:
    """Make ``guard`` the current thread's guard for the requests made inside the block."""
    _current.guard = guard
    try:
        yield guard
    finally:
        guard.finish()
        _current.guard = None


class _Watchdog:
    """One daemon thread running timed actions (a heap of deadlines); started on first use, and again after a
    fork (threads do not survive one)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        self._wake_at = float("inf")

    def schedule(self, when: float, action: Callable[[], None]) -> None:
        with self._cond:
            heapq.heappush(self._heap, (when, next(self._seq), action))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="pulumi-posthog-deadlines", daemon=True)
                self._thread.start()
            elif when < self._wake_at:
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                now = time.monotonic()
                due: list[Callable[[], None]] = []
                while self._heap and self._heap[0][0] <= now:
                    due.append(heapq.heappop(self._heap)[2])
                if not due:
                    self._wake_at = self._heap[0][0] if self._heap else float("inf")
                    self._cond.wait(None if not self._heap else self._wake_at - now)
                    continue
            for action in due:
                with contextlib.suppress(Exception):  # a failed notice or cut must not stop the watchdog
                    action()


WATCHDOG = _Watchdog()


class _Watched:
    """Tells the current guard which connection carries the response, just before reading it."""

    def getresponse(self) -> Any:
        guard = getattr(_current, "guard", None)
        if guard is not None:
            guard.sent(self)
        return super().getresponse()  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose connections (direct or through an HTTP proxy) report to the current guard."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if manager.pool_classes_by_scheme is poolmanager.pool_classes_by_scheme:  # not SOCKS (own pools)
            manager.pool_classes_by_scheme = _POOLS
        return manager
