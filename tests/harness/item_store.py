"""A tiny REST item store on loopback (bearer auth, server-generated api_key), for the harness's own tests."""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Call:
    """One request the store answered."""

    method: str
    path: str
    body: Any
    status: int


@dataclass
class ItemStore:
    """The store's data and request log; ``url`` is set once served."""

    token: str
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    _next: int = 1

    def writes(self) -> list[Call]:
        """Calls that change data (POST/PUT/DELETE), in order."""
        return [c for c in self.calls if c.method in ("POST", "PUT", "DELETE")]

    def edit(self, item_id: str, **fields: Any) -> None:
        """Change an item out of band (drift)."""
        with self.lock:
            self.items[item_id].update(fields)
            self.items[item_id]["etag"] += 1

    def remove(self, item_id: str) -> None:
        """Delete an item out of band."""
        with self.lock:
            del self.items[item_id]

    def handle(self, method: str, path: str, body: Any, auth: str) -> tuple[int, Any]:
        """Answer one request: ``/items`` (POST) and ``/items/<id>`` (GET, PUT, DELETE)."""
        if auth != f"Bearer {self.token}":
            return 401, {"detail": "invalid token"}
        parts = [p for p in path.split("/") if p]
        with self.lock:
            if parts == ["items"] and method == "POST":
                item_id = f"item-{self._next}"
                self._next += 1
                self.items[item_id] = {
                    **body,
                    "id": item_id,
                    "etag": 1,
                    "api_key": "ak_" + secrets.token_hex(12),
                }
                return 201, self.items[item_id]
            if len(parts) == 2 and parts[0] == "items":
                item = self.items.get(parts[1])
                if item is None:
                    return 404, {"detail": "not found"}
                if method == "GET":
                    return 200, item
                if method == "PUT":
                    item.update(body)
                    item["etag"] += 1
                    return 200, item
                if method == "DELETE":
                    del self.items[parts[1]]
                    return 204, None
            return 405, {"detail": "method not allowed"}


class _Handler(BaseHTTPRequestHandler):
    store: ItemStore

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        status, payload = self.store.handle(self.command, self.path, body, self.headers.get("Authorization", ""))
        self.store.calls.append(Call(self.command, self.path, body, status))
        data = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


def serve(store: ItemStore) -> ThreadingHTTPServer:
    """Serve the store on 127.0.0.1:<free port> in a daemon thread; sets ``store.url``."""
    handler = type("Handler", (_Handler,), {"store": store})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    store.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, args=(0.02,), name="item-store", daemon=True).start()
    return server
