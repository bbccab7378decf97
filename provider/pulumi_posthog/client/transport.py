"""One HTTP attempt to the configured PostHog host: session, proxy, time and size limits, TLS, auth, failures."""

from __future__ import annotations

import contextlib
import ipaddress
import json as jsonlib
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from http.client import RemoteDisconnected
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import (
    ConnectTimeoutError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import ProxyError as Urllib3ProxyError
from urllib3.exceptions import SSLError as Urllib3SSLError
from urllib3.util.retry import Retry

from pulumi_posthog.client.deadline import Guard, WatchedAdapter, guarded
from pulumi_posthog.client.errors import (
    ConfigurationError,
    ConnectError,
    ConnectionDropped,
    ConnectTimeout,
    InvalidRequestError,
    ReadTimeout,
    ResponseTooLargeError,
    TLSError,
    TransportError,
    UnsafeURLError,
    redact,
    register_secret,
)
from pulumi_posthog.client.notices import NOTICE_AFTER, notice

__all__ = ["MAX_RESPONSE_BYTES", "Origin", "Transport", "is_loopback", "proxy_for", "user_agent"]

DEFAULT_PORTS = {"http": 80, "https": 443}
JSON_HEADERS = {"Content-Type": "application/json"}
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
#: the largest response body read (decoded); PostHog's biggest answers (a page of 100 exports) are far smaller
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
CHUNK_BYTES = 64 * 1024


def user_agent() -> str:
    """``pulumi-posthog/<version>`` from ``pulumi_posthog.__version__``.

    Read when a transport is built rather than at import time: ``pulumi_posthog/__init__.py`` imports the
    resources (which import this client) before it defines ``__version__``.
    """
    import pulumi_posthog

    version = getattr(pulumi_posthog, "__version__", None)
    if not version:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as dist_version

        try:
            version = dist_version("pulumi-posthog")
        except PackageNotFoundError:
            version = "0+unknown"
    return f"pulumi-posthog/{version}"


def is_loopback(hostname: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost names: plain HTTP there never leaves the machine."""
    name = hostname.strip("[]").lower()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Origin:
    """Scheme, host and port (plus an optional path prefix) the client talks to — and sends the key to."""

    scheme: str
    hostname: str
    port: int
    base_path: str = ""

    @classmethod
    def parse(cls, url: str) -> Origin:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ConfigurationError(f"PostHog host {url!r} is not an http(s) URL; use e.g. https://us.posthog.com")
        if parts.username or parts.password:
            raise ConfigurationError("The PostHog host must not contain credentials; pass the API key instead")
        if parts.query or parts.fragment:
            raise ConfigurationError(f"The PostHog host {url!r} must not have a query or fragment")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError as exc:
            raise ConfigurationError(f"The PostHog host {url!r} has an invalid port") from exc
        return cls(scheme, parts.hostname.lower(), port, parts.path.rstrip("/"))

    @property
    def url(self) -> str:
        host = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        port = "" if DEFAULT_PORTS[self.scheme] == self.port else f":{self.port}"
        return f"{self.scheme}://{host}{port}{self.base_path}"

    def owns(self, url: str) -> bool:
        """True when ``url`` has exactly this scheme, host and port, and lies under the base path."""
        try:
            parts = urlsplit(url)
            port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), -1)
        except ValueError:
            return False
        return (
            parts.scheme.lower() == self.scheme
            and (parts.hostname or "").lower() == self.hostname
            and port == self.port
            and (not self.base_path or parts.path == self.base_path or parts.path.startswith(self.base_path + "/"))
        )


def _proxy_shown(proxy: str) -> str:
    """A proxy URL without its userinfo (proxy credentials), for messages."""
    try:
        parts = urlsplit(proxy)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "the configured proxy"
    return f"{parts.scheme}://{host}{port}" if parts.scheme else f"{host}{port}"


def proxy_for(origin: Origin) -> str | None:
    """The proxy requests to ``origin`` go through, from the environment read now, or None (direct).

    * loopback hosts are always direct: a proxy cannot reach this machine's loopback, and a plain-http
      loopback URL through ``HTTP_PROXY`` / ``ALL_PROXY`` would hand the key to the proxy in cleartext;
    * ``NO_PROXY`` / ``no_proxy`` is honoured (requests' rules: host suffixes, ``host:port``, IP ranges, ``*``);
    * otherwise ``HTTPS_PROXY`` (or ``ALL_PROXY``) for https:// — a CONNECT tunnel, so the key travels inside
      TLS — and ``HTTP_PROXY`` (or ``ALL_PROXY``) for http://, which the caller must refuse.
    """
    if is_loopback(origin.hostname):
        return None
    proxies = requests.utils.get_environ_proxies(origin.url)
    return requests.utils.select_proxy(origin.url, proxies) or None


class _BearerAuth(requests.auth.AuthBase):
    """Adds ``Authorization: Bearer`` only for the configured origin (never to anything else)."""

    def __init__(self, key: str, origin: Origin) -> None:
        self._key = key
        self._origin = origin

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if request.url and self._origin.owns(request.url):
            request.headers["Authorization"] = f"Bearer {self._key}"
        else:
            request.headers.pop("Authorization", None)
        return request

    def __repr__(self) -> str:
        return "_BearerAuth([REDACTED])"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it wraps (args, MaxRetryError.reason, __cause__/__context__)."""
    seen: list[BaseException] = []
    todo: list[Any] = [exc]
    while todo and len(seen) < 20:
        item = todo.pop(0)
        if not isinstance(item, BaseException) or any(item is s for s in seen):
            continue
        seen.append(item)
        todo.extend(item.args)
        todo.extend([getattr(item, "reason", None), item.__cause__, item.__context__])
    return seen


def _has(chain: list[BaseException], *types: type[BaseException]) -> bool:
    return any(isinstance(e, types) for e in chain)


def classify(exc: requests.RequestException, timeouts: tuple[float, float]) -> tuple[type[TransportError], str, bool]:
    """Map a requests failure to (error class, plain description, TLS-handshake flag).

    What matters is whether the request reached the server. urllib3 opens the connection (TCP, TLS, a proxy's
    CONNECT) before writing a byte of the request, and reports failures there as NewConnectionError /
    ConnectTimeoutError / ProxyError (or a certificate error): those requests were provably never sent. A read
    timeout or a reset/close while waiting for the response happens after the request was written.
    """
    chain = _chain(exc)
    if _has(chain, ssl.SSLCertVerificationError):
        return TLSError, "the server's TLS certificate did not verify", True
    if isinstance(exc, requests.exceptions.SSLError) or _has(chain, Urllib3SSLError):
        return TLSError, "TLS failed", False
    if isinstance(exc, requests.exceptions.ConnectTimeout) or (
        _has(chain, ConnectTimeoutError) and not _has(chain, NewConnectionError)
    ):
        return ConnectTimeout, f"no connection within {timeouts[0]:g} s", False
    if _has(chain, NameResolutionError):
        return ConnectError, "the host name did not resolve", False
    if _has(chain, NewConnectionError):
        refused = _has(chain, ConnectionRefusedError) or "refused" in str(exc).lower()
        return ConnectError, "connection refused" if refused else "the connection could not be opened", False
    if isinstance(exc, requests.exceptions.ProxyError) or _has(chain, Urllib3ProxyError):
        return ConnectError, "the proxy could not be reached", False
    if isinstance(exc, requests.exceptions.ReadTimeout) or _has(chain, ReadTimeoutError):
        return ReadTimeout, f"no complete response within {timeouts[1]:g} s", False
    if _has(chain, ConnectionResetError):
        return ConnectionDropped, "the connection was reset after the request was sent", False
    if _has(chain, RemoteDisconnected, ProtocolError, ConnectionError, BrokenPipeError):
        return ConnectionDropped, "the server closed the connection without a response", False
    if isinstance(exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError):
        return ConnectionDropped, "the response broke off", False
    return ConnectionDropped, f"request failed ({type(exc).__name__})", False


def _close(response: requests.Response | None) -> None:
    """Drop a response not read to the end (its connection cannot be reused)."""
    if response is not None:
        with contextlib.suppress(Exception):  # closing a broken connection must not replace the real error
            response.close()


class Transport:
    """A ``requests.Session`` bound to one PostHog origin and key.

    * connection reuse (a pooled adapter), per-attempt ``(connect, read)`` timeouts, TLS verification always
      on (optionally against a given CA bundle), no redirects followed, no cookies kept;
    * the read timeout bounds the whole response from the moment the request was sent (``deadline``), and a
      body larger than ``max_response_bytes`` is not read (``ResponseTooLargeError``); a wait of
      ``notice_after`` seconds prints one stderr line (None: never);
    * ``User-Agent: pulumi-posthog/<version>``;
    * ``http://`` only to loopback hosts unless ``allow_insecure_http``, and never through a proxy
      (``proxy_for``);
    * the key only as ``Authorization: Bearer`` and only on requests to the configured origin.

    ``send`` makes exactly one attempt and returns the response or a ``TransportError`` (not raised, and built
    outside the ``except`` block, so no requests/urllib3 exception — which holds the prepared request and its
    headers — stays attached to it).
    """

    def __init__(
        self,
        host: str,
        api_key: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        allow_insecure_http: bool = False,
        ca_bundle: str | None = None,
        pool_maxsize: int = 16,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        notice_after: float | None = NOTICE_AFTER,
    ) -> None:
        origin = Origin.parse(host)
        if origin.scheme == "http" and not allow_insecure_http and not is_loopback(origin.hostname):
            raise ConfigurationError(
                f"Refusing plain http:// to {origin.hostname}: the API key would travel unencrypted. Use "
                "https://, or allow insecure HTTP explicitly (only loopback hosts are allowed by default)"
            )
        # Read the environment once (the proxy for this host, a CA bundle) instead of on every request as
        # requests does with trust_env: that scan of os.environ costs ~0.3 ms per call, and turning trust_env
        # off also keeps ~/.netrc from replacing the Authorization header.
        proxy = proxy_for(origin)
        if proxy is not None and origin.scheme == "http":
            raise ConfigurationError(
                f"Refusing to send the API key for http://{origin.hostname} through the proxy "
                f"{_proxy_shown(proxy)} (from HTTP_PROXY/ALL_PROXY) in cleartext. Use https:// for the PostHog "
                f"host, or add {origin.hostname} to NO_PROXY to connect to it directly"
            )
        if not api_key or not api_key.strip():
            raise ConfigurationError("No PostHog personal API key given")
        if any(c in api_key for c in "\r\n"):
            raise ConfigurationError("The PostHog API key contains a line break")
        register_secret(api_key)
        self.origin = origin
        self.base_url = origin.url
        self.timeouts = (float(connect_timeout), float(read_timeout))
        self.max_response_bytes = int(max_response_bytes)
        self.notice_after = notice_after
        self._verify: bool | str = ca_bundle or True
        self._auth = _BearerAuth(api_key.strip(), origin)
        self.session = requests.Session()
        self.session.headers.update(
            {"User-Agent": user_agent(), "Accept": "application/json", "Accept-Encoding": "gzip, deflate"}
        )
        self.session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.session.trust_env = False
        self.session.proxies = {origin.scheme: proxy} if proxy else {}
        if self._verify is True:
            self._verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        # urllib3 must not retry anything itself: the client decides (a POST is only replayed when unsent).
        # Its connections report to the request's Guard, which bounds the whole response in time.
        adapter = WatchedAdapter(
            pool_connections=2,
            pool_maxsize=pool_maxsize,
            max_retries=Retry(total=0, read=False, redirect=False),
        )
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def url_for(self, path_or_url: str) -> str:
        """An absolute URL on the configured origin; absolute URLs elsewhere are refused."""
        if "://" in path_or_url:
            if not self.origin.owns(path_or_url):
                raise UnsafeURLError(
                    f"will not send the API key to {redact(path_or_url)}: it is not on {self.base_url}"
                )
            return path_or_url
        return self.base_url + "/" + path_or_url.lstrip("/")

    def send(
        self, method: str, url: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> requests.Response | TransportError | InvalidRequestError | ResponseTooLargeError:
        """One attempt. ``url`` must come from ``url_for``."""
        path = urlsplit(url).path
        data: bytes | None = None
        if json is not None:
            try:
                data = jsonlib.dumps(json, allow_nan=False).encode("utf-8")
            except (TypeError, ValueError) as exc:
                detail = f"the request body is not JSON-serializable ({type(exc).__name__}: {exc})"
                return InvalidRequestError(detail, method=method, path=path, host=self.base_url)
        failure: tuple[type[TransportError], str, bool] | None = None
        invalid: str | None = None
        response: requests.Response | None = None
        body: bytes | None = None
        guard = Guard(self.timeouts[1], self.notice_after, self._announcer(method, path))
        with guarded(guard):
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    data=data,
                    headers=JSON_HEADERS if data is not None else None,
                    timeout=self.timeouts,
                    allow_redirects=False,
                    verify=self._verify,
                    auth=self._auth,
                    stream=True,
                )
                body = self._body(response)
            except (
                requests.exceptions.InvalidURL,
                requests.exceptions.InvalidHeader,
                requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema,
            ) as exc:
                # raised while preparing the request, before anything is sent
                invalid = f"the request could not be built ({type(exc).__name__})"
            except requests.RequestException as exc:
                failure = classify(exc, self.timeouts)
        kwargs: dict[str, Any] = {"method": method, "path": path, "host": self.base_url}
        if guard.expired:
            # whatever the cut-off read raised (or a body that merely looks complete): the limit passed
            _close(response)
            return ReadTimeout(f"no complete response within {self.timeouts[1]:g} s", **kwargs)
        if response is not None and body is not None:
            response._content = body  # what requests itself stores once it has read a body
            response._content_consumed = True  # type: ignore[attr-defined]  # not in the stubs
            return response
        if response is not None and failure is None and invalid is None:
            _close(response)
            limit = self.max_response_bytes
            size = f"{limit / 1048576:g} MiB" if limit >= 1048576 else f"{limit} bytes"
            return ResponseTooLargeError(
                f"the response is larger than {size}, so it was not read", status=response.status_code, **kwargs
            )
        _close(response)
        if invalid is not None or failure is None:
            return InvalidRequestError(invalid or "the request failed", **kwargs)
        cls, description, handshake = failure
        if cls is TLSError:
            return TLSError(description, handshake=handshake, **kwargs)
        return cls(description, **kwargs)

    def _body(self, response: requests.Response) -> bytes | None:
        """The whole (decoded) body, or None when it is larger than ``max_response_bytes``."""
        limit = self.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            return None
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    def _announcer(self, method: str, path: str) -> Any:
        host = self.base_url

        def announce(waited: float) -> None:
            notice(
                f"still waiting for {host} to answer {method} {path} ({waited:.0f} s so far; giving up "
                f"{self.timeouts[1]:g} s after sending)"
            )

        return announce

    def close(self) -> None:
        self.session.close()

    def __repr__(self) -> str:
        return f"Transport({self.base_url!r})"
