"""Request middleware: counting, the /api/environments → /api/projects rewrite, and fault injection."""

from __future__ import annotations

import contextlib
import re
import socket
import struct
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from pulumi_posthog.local import state
from pulumi_posthog.local.errors import envelope

Handler = Callable[[HttpRequest], HttpResponse]
ENVIRONMENTS = re.compile(r"^/api/environments/")


class RequestCounterMiddleware:
    """Counts every /api/ request so tests and benchmarks can read calls per operation from the server."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            state.record_request(request.method or "", request.path, response.status_code)
        if not response.streaming and not response.has_header("Content-Length"):
            # A sized body instead of a chunked one (Werkzeug still closes the connection after each response).
            response["Content-Length"] = str(len(response.content))
        return response


class EnvironmentsRewriteMiddleware:
    """PostHog rewrites /api/environments/... to /api/projects/... before routing."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if ENVIRONMENTS.match(request.path_info):
            request.path_info = ENVIRONMENTS.sub("/api/projects/", request.path_info)
        return self.get_response(request)


def drop_connection(request: HttpRequest) -> None:
    """Close the client's connection abruptly (RST) so it never sees a response."""
    sock = request.META.get("werkzeug.socket")
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class FaultInjectionMiddleware:
    """Applies the fault rules set through /_local/faults to /api/ requests."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        fault = state.take_fault(request.method or "", request.path)
        if fault is None:
            return self.get_response(request)
        if fault.latency_ms:
            time.sleep(fault.latency_ms / 1000)
        if fault.when == "before" and fault.status:
            return fault_response(fault.status)
        if fault.when == "before" and fault.drop:
            drop_connection(request)
            return HttpResponse(status=499)
        response = self.get_response(request)
        if fault.drop:
            drop_connection(request)
            return HttpResponse(status=499)
        if fault.status:
            return fault_response(fault.status)
        return response


def fault_response(status: int) -> HttpResponse:
    if status == 429:
        return envelope(429, "throttled", "Request was throttled. Expected available in 1 second.", "throttled_error")
    if status >= 500:
        return envelope(status, "error", "A server error occurred.", "server_error")
    return envelope(status, "error", "Injected fault.", "invalid_request")
