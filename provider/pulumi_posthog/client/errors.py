"""Typed errors for PostHog API calls: what failed, PostHog's own words, what to do — never the API key."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

__all__ = [
    "AmbiguousWriteError",
    "AuthenticationError",
    "ConfigurationError",
    "ConnectError",
    "ConnectTimeout",
    "ConnectionDropped",
    "EndpointNotFoundError",
    "HTTPStatusError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "PostHogError",
    "RateLimitError",
    "ReadTimeout",
    "RedirectError",
    "ResponseTooLargeError",
    "ServerError",
    "TLSError",
    "TransportError",
    "UnexpectedResponseError",
    "UnsafeURLError",
    "ValidationError",
    "error_from_response",
    "redact",
    "register_secret",
]

SCOPE_RE = re.compile(r"API key missing required scope '([^']+)'")
THROTTLE_RE = re.compile(r"Expected available in (\d+(?:\.\d+)?) seconds?", re.IGNORECASE)
ENDPOINT_NOT_FOUND = "Endpoint not found."
REQUEST_ID_HEADERS = (
    "X-Request-Id",
    "Request-Id",
    "X-Amzn-RequestId",
    "X-Amzn-Trace-Id",
    "X-Amz-Cf-Id",
    "CF-Ray",
    "X-Cloud-Trace-Context",
)
KEY_SETTINGS_HINT = "PostHog → Settings → Personal API keys"

# Anything that looks like a credential, whoever built the text: the query-string form PostHog accepts,
# bearer headers, and PostHog personal (phx_) / OAuth (pha_) tokens.
_PATTERNS = (
    (re.compile(r"(personal_api_key\s*[=:]\s*[\"']?)[^&\s#\"',}]+", re.IGNORECASE), r"\1[REDACTED]"),
    (re.compile(r"(Bearer\s+)[^\s\"',}]+", re.IGNORECASE), r"\1[REDACTED]"),
    (re.compile(r"\bph[xa]_[A-Za-z0-9_\-]{4,}"), "[REDACTED]"),
)
_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret (an API key) so that every later error message, repr and log line hides it."""
    if value and len(value) >= 4:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: Any, extra: Iterable[str] = ()) -> str:
    """``text`` with every registered secret, ``extra`` secret and credential-looking token replaced."""
    out = str(text)
    with _secrets_lock:
        known = sorted(_secrets.union(s for s in extra if s), key=len, reverse=True)
    for secret in known:
        if secret in out:
            out = out.replace(secret, "[REDACTED]")
    for pattern, repl in _PATTERNS:
        out = pattern.sub(repl, out)
    return out


def _opt(value: Any) -> str | None:
    return None if value is None else redact(value)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _rebuild(cls: type[PostHogError], state: dict[str, Any]) -> PostHogError:
    err = cls.__new__(cls)
    err.__dict__.update(state)
    Exception.__init__(err, state.get("message", ""))
    return err


class PostHogError(Exception):
    """Base of every error raised by the PostHog client.

    Carries the request (``method``, ``path``), the HTTP ``status`` (None when no response came back),
    PostHog's error envelope (``error_type``, ``code``, ``detail``, ``attr``), a ``request_id`` when a
    response header gave one, and how many ``attempts`` were made. ``str()`` says what failed and what to do
    about it.
    """

    label: ClassVar[str] = "error"
    advice: ClassVar[str] = ""
    """The ``hint`` of an error whose advice never depends on the answer."""

    def __init__(
        self,
        message: str | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        error_type: str | None = None,
        code: str | None = None,
        detail: str | None = None,
        attr: str | None = None,
        request_id: str | None = None,
        host: str | None = None,
        attempts: int = 1,
    ) -> None:
        self.method = method
        self.path = _opt(path)
        self.status = status
        self.error_type = _opt(error_type)
        self.code = _opt(code)
        self.detail = _opt(detail)
        self.attr = _opt(attr)
        self.request_id = _opt(request_id)
        self.host = _opt(host)
        self.attempts = attempts
        self._explicit = _opt(message)
        self.message = self._compose()
        super().__init__(self.message)

    def answer(self) -> dict[str, Any]:
        """What PostHog answered (status, error type, code, detail, attr, request id), for an error built on it."""
        return {
            "status": self.status,
            "error_type": self.error_type,
            "code": self.code,
            "detail": self.detail,
            "attr": self.attr,
            "request_id": self.request_id,
        }

    # -- presentation -------------------------------------------------------------------------------------
    def hint(self) -> str:
        """What the person running the program can do about it (empty when nothing useful can be said)."""
        return self.advice

    def summary(self) -> str:
        """The failure itself, without the request line or the hint."""
        return self._explicit or self.detail or self.label

    def _where(self) -> str:
        if self.method and self.path:
            return f"{self.method} {self.path}"
        return self.path or self.method or ""

    def _compose(self) -> str:
        where = self._where()
        status = f" → {self.status}" if self.status is not None else ""
        head = f"{where}{status} {self.label}" if where else self.label
        text = f"{head}: {_sentence(self.summary())}"
        hint = self.hint()
        if hint:
            text += " " + _sentence(hint)
        if self.attempts > 1:
            text += f" (gave up after {self.attempts} attempts)"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return redact(text)

    def refresh(self) -> None:
        """Rebuild the message after a field (e.g. ``attempts``) changed."""
        self.message = self._compose()
        self.args = (self.message,)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        fields = ("method", "path", "status", "code", "detail", "attr", "request_id", "attempts")
        shown = ", ".join(f"{k}={getattr(self, k)!r}" for k in fields if getattr(self, k, None) is not None)
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), dict(self.__dict__)))


class ConfigurationError(PostHogError):
    """The client cannot be set up: no API key, an unusable host, plain HTTP to a remote host."""

    label = "configuration error"


class InvalidRequestError(PostHogError):
    """The request could not even be built (a body that is not JSON, a malformed URL): nothing was sent."""

    label = "invalid request"


class UnsafeURLError(PostHogError):
    """A URL the client refuses to send the API key to (another scheme, host or port than configured)."""

    label = "refused"


# --- HTTP status errors -------------------------------------------------------------------------------------


class HTTPStatusError(PostHogError):
    """A non-success status; ``error_type``/``code``/``detail``/``attr`` are PostHog's error envelope."""

    label = "error"

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)

    @property
    def field(self) -> str | None:
        """``attr`` as the dotted path a user wrote (PostHog joins nested fields with ``__``)."""
        return self.attr.replace("__", ".") if self.attr else None

    @property
    def endpoint_missing(self) -> bool:
        """True when PostHog said it has no such route at all ("Endpoint not found."), not no such object."""
        return False


class ValidationError(HTTPStatusError):
    """400: rejected input; ``attr`` names the field (``destination__config``), ``code`` the rule."""

    label = "invalid input"

    def summary(self) -> str:
        base = self.detail or "PostHog rejected the request"
        return f"{self.field}: {base}" if self.field else base

    def hint(self) -> str:
        if self.code and "payment_required" in self.code:
            return "The organization's PostHog plan does not include this setting"
        if self.field:
            return f"Fix '{self.field}' and try again"
        return "Fix the request and try again"


class AuthenticationError(HTTPStatusError):
    """401: the personal API key is missing, invalid, or belongs to another PostHog host."""

    label = "authentication failed"

    def hint(self) -> str:
        where = f" for {self.host}" if self.host else ""
        return (
            f"Check the personal API key{where} (posthog:apiKey or POSTHOG_PERSONAL_API_KEY): it must be a "
            "personal API key (phx_…) of this PostHog instance, not a project key (phc_…)"
        )


class PermissionDeniedError(HTTPStatusError):
    """403: the key's scopes, scoped organizations/projects or its user's level do not allow this."""

    label = "permission denied"

    @property
    def missing_scope(self) -> str | None:
        """The scope PostHog said the key lacks (``batch_export:write``), if it said so."""
        match = SCOPE_RE.search(self.detail or "")
        return match.group(1) if match else None

    def hint(self) -> str:
        scope = self.missing_scope
        if scope:
            return f"Give the personal API key the scope '{scope}' ({KEY_SETTINGS_HINT})"
        detail = self.detail or ""
        if "scoped projects" in detail or "does not have access to the requested" in detail:
            return f"Widen the key's organization/project access, or use another key ({KEY_SETTINGS_HINT})"
        if "access level" in detail:
            return "The key's user needs a higher membership level (admin or owner) in this organization"
        if "does not support Personal API Key" in detail:
            return (
                "PostHog refuses scoped personal API keys here: use the web app (a signed-in session) or a legacy "
                "personal API key without scopes"
            )
        if "not enabled for this team" in detail:
            return (
                "This is behind a PostHog feature flag that is off for this project: choose a supported value "
                "(e.g. an hourly, daily or weekly interval) or ask PostHog support to enable it"
            )
        return "Check the key's scopes, its organization/project access and its user's membership level"


class NotFoundError(HTTPStatusError):
    """404 from PostHog's API about an object: it does not exist, was deleted, or the key's user cannot see it.

    Only a 404 that carries PostHog's error envelope about an object is one: "Endpoint not found." or a body
    that is not PostHog's is an ``EndpointNotFoundError`` (deliberately not a subclass), so that code which
    takes this error to mean "gone" never drops state because of a wrong host path or a proxy.
    """

    label = "not found"
    advice = "It does not exist, was deleted, or the key's user cannot see it"


class EndpointNotFoundError(HTTPStatusError):
    """404 that says nothing about the object: no such API route, or an answer that is not PostHog's at all.

    ``foreign`` is False when PostHog itself answered "Endpoint not found." (its ``api_not_found`` view, which
    ``posthog/urls.py`` routes every unknown ``^api`` path to): the host's path is wrong, or this PostHog
    version lacks the route (``endpoint_missing``). It is True for a 404 whose body is not PostHog's error
    envelope (an HTML page, plain text, an empty body, another server's JSON): a proxy, a load balancer or
    another web server answered. Neither means the object is gone.
    """

    label = "endpoint not found"

    def __init__(self, *args: Any, foreign: bool = False, **kwargs: Any) -> None:
        self.foreign = foreign
        super().__init__(*args, **kwargs)

    @property
    def endpoint_missing(self) -> bool:
        return not self.foreign

    def summary(self) -> str:
        if self.foreign:
            return f"the 404 did not come from PostHog's API: {self.detail or 'an empty body'}"
        return self.detail or ENDPOINT_NOT_FOUND

    def hint(self) -> str:
        host = self.host or "the configured host"
        if self.foreign:
            where = f"Something other than PostHog's API (a proxy?) answered at {host}"
        else:
            where = f"PostHog at {host} has no such API path"
        return (
            f"{where}, so nothing was treated as deleted. Check posthog:host / POSTHOG_HOST: it must be PostHog's "
            "base URL (e.g. https://us.posthog.com) with no path, and any proxy must pass /api/ through unchanged"
            + ("" if self.foreign else "; or this PostHog version lacks the endpoint")
        )


class RateLimitError(HTTPStatusError):
    """429: PostHog throttled the key; ``retry_after`` is the wait it asked for (detail or header)."""

    label = "rate limited"
    #: set by the retry loop when it refused to wait ``retry_after`` because that is longer than it waits
    wait_limit: float | None = None

    def hint(self) -> str:
        if self.code == "too_many_concurrent_backfills":
            return "Wait for running backfills to finish, or cancel some, then try again"
        if self.wait_limit is not None and self.retry_after is not None and self.retry_after > self.wait_limit:
            return (
                f"PostHog asked to wait {self.retry_after:g} s, longer than the {self.wait_limit:g} s this client "
                "waits; try again later, or make fewer concurrent requests with this personal API key"
            )
        wait = f"wait {self.retry_after:g} s, then " if self.retry_after is not None else ""
        return f"PostHog limits requests per personal API key: {wait}retry, or make fewer concurrent requests"


class ServerError(HTTPStatusError):
    """5xx: PostHog (or a proxy in front of it) failed; ``retry_after`` from a Retry-After header."""

    label = "server error"
    advice = "PostHog failed to handle the request; try again later (see status.posthog.com for Cloud)"


class RedirectError(HTTPStatusError):
    """3xx: never followed (a redirect could carry the key elsewhere or turn a POST into a GET)."""

    label = "redirected"
    advice = "Set the PostHog host (posthog:host / POSTHOG_HOST) to the URL it redirects to"

    def __init__(self, *args: Any, location: str | None = None, **kwargs: Any) -> None:
        self.location = _opt(location)
        super().__init__(*args, **kwargs)

    def summary(self) -> str:
        return f"the server redirects to {self.location}" if self.location else "the server redirects"


class UnexpectedResponseError(HTTPStatusError):
    """A status or body the client does not know how to read (e.g. an HTML page from a proxy)."""

    label = "unexpected response"


class ResponseTooLargeError(UnexpectedResponseError):
    """The response was bigger than the client's cap; it was not read to the end (and is never retried)."""

    label = "response too large"
    advice = (
        "No PostHog API answer is that large: check posthog:host / POSTHOG_HOST (a proxy or another server may be "
        "answering)"
    )


# --- transport errors ---------------------------------------------------------------------------------------


class TransportError(PostHogError):
    """No usable HTTP response. ``sent`` is False when the request provably never reached the server, True
    when it did, None when it cannot be known."""

    label = "transport error"
    sent: ClassVar[bool | None] = None
    advice = "Check the PostHog host (posthog:host / POSTHOG_HOST) and the network path to it"

    def _where(self) -> str:
        if self.method and self.path:
            return f"{self.method} {(self.host or '')}{self.path}"
        return super()._where()


class ConnectError(TransportError):
    """The connection could not be opened (refused, DNS failure, unreachable, proxy): nothing was sent."""

    label = "could not connect"
    sent = False


class ConnectTimeout(ConnectError):
    """Opening the connection timed out: nothing was sent."""

    label = "connect timed out"


class ReadTimeout(TransportError):
    """The request was sent but no response came in time: it may have been applied."""

    label = "read timed out"
    sent = True
    advice = "PostHog is slow or overloaded; try again later or raise the read timeout"


class ConnectionDropped(TransportError):
    """The connection broke after the request was (or may have been) sent: it may have been applied."""

    label = "connection dropped"
    sent = None


class TLSError(TransportError):
    """TLS failed (for example the certificate did not verify)."""

    label = "TLS error"
    sent = None
    advice = "Check the host's certificate, or give the client the CA bundle that signs it"

    def __init__(self, *args: Any, handshake: bool = False, **kwargs: Any) -> None:
        self.handshake = handshake
        super().__init__(*args, **kwargs)


# --- ambiguous writes ---------------------------------------------------------------------------------------


class AmbiguousWriteError(PostHogError):
    """A non-idempotent write (POST) may or may not have been applied, and was deliberately not replayed.

    Reconcile before retrying: look for the object the ``body`` describes, created around ``sent_at``.
    ``body`` is kept for that purpose only and never appears in ``str()``/``repr()`` (it may hold destination
    secrets). ``cause`` is the read timeout, dropped connection or 5xx that made the outcome unknown.
    """

    label = "outcome unknown"
    advice = (
        "It was not retried, so it cannot have created a duplicate; check whether the object exists before trying again"
    )

    def __init__(
        self,
        *,
        method: str,
        path: str,
        body: Any,
        sent_at: datetime,
        cause: PostHogError,
        host: str | None = None,
        attempts: int = 1,
    ) -> None:
        self.body = body
        self.sent_at = sent_at
        self.cause = cause
        super().__init__(method=method, path=path, host=host, attempts=attempts, **cause.answer())

    def summary(self) -> str:
        sent = self.sent_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        cause = f"{self.cause.label}: {self.cause.summary()}"
        return f"the request may or may not have been applied ({cause}; sent at {sent})"

    def __repr__(self) -> str:
        return (
            f"AmbiguousWriteError(method={self.method!r}, path={self.path!r}, status={self.status!r}, "
            f"sent_at={self.sent_at.isoformat()!r}, cause={type(self.cause).__name__})"
        )


# --- building errors from responses -------------------------------------------------------------------------


def parse_retry_after(value: str | None) -> float | None:
    """A Retry-After header (delay-seconds or an HTTP date) as seconds from now, or None.

    Garbage is no hint (None, so the caller backs off as usual): ``nan``, ``inf``, a negative number, an
    unparseable date. A date in the past is 0. A huge but finite value (``1e12``, a date years ahead) is kept:
    the retry loop refuses a wait that long with an error that says so.
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    try:
        return max(0.0, (when - datetime.now(when.tzinfo)).total_seconds())
    except OverflowError:
        return None


def throttle_wait(detail: str | None) -> float | None:
    """The N of PostHog's "Request was throttled. Expected available in N seconds." or None."""
    match = THROTTLE_RE.search(detail or "")
    return float(match.group(1)) if match else None


def request_id_from(headers: Mapping[str, str]) -> str | None:
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value[:200]
    return None


def _envelope(body: Any) -> dict[str, str | None]:
    if isinstance(body, Mapping):
        detail = body.get("detail")
        if detail is None and body:
            detail = next(iter(body.values()), None)  # plain DRF: {"field": ["message"]}
            if isinstance(detail, list) and detail:
                detail = detail[0]
        return {
            "error_type": None if body.get("type") is None else str(body.get("type")),
            "code": None if body.get("code") is None else str(body.get("code")),
            "detail": None if detail is None else str(detail),
            "attr": None if body.get("attr") is None else str(body.get("attr")),
        }
    if isinstance(body, list) and body:
        return {"error_type": None, "code": None, "detail": str(body[0]), "attr": None}
    return {"error_type": None, "code": None, "detail": None, "attr": None}


def _not_found(body: Any, common: dict[str, Any]) -> HTTPStatusError:
    """A 404 means "no such object" only when PostHog's API said so in its JSON envelope.

    PostHog's DRF exception handler (drf-exceptions-hog) answers every 404 with
    ``{"type": "invalid_request", "code": "not_found", "detail": "…", "attr": null}``; an unknown ``/api/``
    path is routed to ``api_not_found`` (``posthog/urls.py`` ``re_path(r"^api.+", api_not_found)``, defined in
    ``posthog/api/__init__.py``), whose detail is "Endpoint not found.". Any other body (HTML, text, empty,
    JSON without a ``detail``) was written by something in front of PostHog.
    """
    detail = body.get("detail") if isinstance(body, Mapping) else None
    if not isinstance(detail, str) or not detail.strip():
        return EndpointNotFoundError(foreign=True, **common)
    if detail.strip() == ENDPOINT_NOT_FOUND:
        return EndpointNotFoundError(**common)
    return NotFoundError(**common)


def error_from_response(
    *,
    method: str,
    path: str,
    status: int,
    body: Any,
    headers: Mapping[str, str],
    host: str | None = None,
    text_hint: str | None = None,
) -> HTTPStatusError:
    """The typed error for a non-success response (``body``: the parsed JSON, or None if not JSON)."""
    fields = _envelope(body)
    if fields["detail"] is None and text_hint:
        fields["detail"] = text_hint
    common: dict[str, Any] = {
        "method": method,
        "path": path,
        "status": status,
        "request_id": request_id_from(headers),
        "host": host,
        **fields,
    }
    if 300 <= status < 400:
        return RedirectError(location=headers.get("Location"), **common)
    if status == 400:
        return ValidationError(**common)
    if status == 401:
        return AuthenticationError(**common)
    if status == 403:
        return PermissionDeniedError(**common)
    if status == 404:
        return _not_found(body, common)
    if status == 429:
        wait = parse_retry_after(headers.get("Retry-After"))
        if wait is None:
            wait = throttle_wait(fields["detail"])
        return RateLimitError(retry_after=wait, **common)
    if status >= 500:
        return ServerError(retry_after=parse_retry_after(headers.get("Retry-After")), **common)
    return UnexpectedResponseError(**common)
