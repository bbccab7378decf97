"""The HTTP server: Werkzeug's threaded WSGI server serving the Django app (one connection per request)."""

from __future__ import annotations

import logging
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

log = logging.getLogger("posthog-local")


class QuietHandler(WSGIRequestHandler):
    """Logs method, path and status only: a query string may carry a personal API key."""

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        path = self.path.split("?", 1)[0]
        log.info("%s %s %s", self.command, path, code)

    def log(self, type: str, message: str, *args: Any) -> None:
        if type == "error":
            log.warning("%s", message % args if args else message)


def build_server(host: str, port: int) -> BaseWSGIServer:
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    return make_server(host, port, app, threaded=True, request_handler=QuietHandler)
