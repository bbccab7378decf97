"""The transport: headers, the key's destination, plain-HTTP rules, redirects, reuse, timeouts, classification."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable
from http.client import RemoteDisconnected

import pulumi_posthog
import pytest
import requests
from pulumi_posthog.client import (
    AmbiguousWriteError,
    ConfigurationError,
    ConnectError,
    ConnectionDropped,
    ConnectTimeout,
    InvalidRequestError,
    PostHogClient,
    ReadTimeout,
    RedirectError,
    ServerError,
    TLSError,
)
from pulumi_posthog.client.transport import Origin, Transport, _BearerAuth, classify, is_loopback
from urllib3.connection import HTTPConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import SSLError as Urllib3SSLError

from tests.client.conftest import Reply, ScriptedServer, Sleeps, fast_policy

MakeClient = Callable[..., PostHogClient]
KEY = "phx_transport_test_key_0123456789"


def test_headers_user_agent_and_bearer_key(scripted: Callable[[], ScriptedServer], make_client: MakeClient) -> None:
    server = scripted()
    server.replies.append(Reply(201, {"id": "o"}))
    make_client(server.url, KEY).create_organization({"name": "n"})
    seen = server.seen[0]
    assert seen.headers["User-Agent"] == f"pulumi-posthog/{pulumi_posthog.__version__}"
    assert seen.headers["Authorization"] == f"Bearer {KEY}"
    assert seen.headers["Accept"] == "application/json"
    assert KEY not in seen.path and KEY.encode() not in seen.body, "the key travels only in the header"


def test_connections_are_reused(scripted: Callable[[], ScriptedServer], make_client: MakeClient) -> None:
    server = scripted()
    client = make_client(server.url, KEY)
    for _ in range(5):
        client.get_organization()
    assert len({s.client_port for s in server.seen}) == 1, "one kept-alive connection for five requests"


def test_bearer_auth_only_for_the_configured_origin() -> None:
    auth = _BearerAuth(KEY, Origin.parse("https://us.posthog.com"))
    for url, expected in [
        ("https://us.posthog.com/api/organizations/", True),
        ("https://us.posthog.com:443/api/x", True),
        ("http://us.posthog.com/api/x", False),
        ("https://us.posthog.com:8443/api/x", False),
        ("https://eu.posthog.com/api/x", False),
        ("https://us.posthog.com.evil.example/api/x", False),
    ]:
        request = requests.Request("GET", url, headers={"Authorization": "Bearer stale"}).prepare()
        assert ("Authorization" in auth(request).headers) is expected, url
        if expected:
            assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert KEY not in repr(auth)


@pytest.mark.parametrize(
    "host", ["http://127.0.0.1:8010", "http://localhost:8010", "http://[::1]:8010", "https://x.io"]
)
def test_plain_http_is_allowed_for_loopback_and_https_everywhere(host: str) -> None:
    Transport(host, KEY).close()


@pytest.mark.parametrize("host", ["http://us.posthog.com", "http://10.0.0.5:8000", "http://posthog.internal"])
def test_plain_http_to_a_remote_host_needs_explicit_consent(host: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Transport(host, KEY)
    assert "unencrypted" in str(info.value)
    Transport(host, KEY, allow_insecure_http=True).close()


@pytest.mark.parametrize("host", ["ftp://x", "https://user:pw@x.io", "https://x.io/?a=1", "not a url"])
def test_unusable_hosts_are_configuration_errors(host: str) -> None:
    with pytest.raises(ConfigurationError):
        Transport(host, KEY)


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("127.8.9.10") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("10.0.0.1") and not is_loopback("localhost.example.com")


def test_redirects_are_not_followed(scripted: Callable[[], ScriptedServer], make_client: MakeClient) -> None:
    home, elsewhere = scripted(), scripted()
    home.replies.append(Reply(302, {}, headers={"Location": f"{elsewhere.url}/api/organizations/@current/"}))
    with pytest.raises(RedirectError) as info:
        make_client(home.url, KEY).get_organization()
    assert elsewhere.seen == [] and len(home.seen) == 1
    assert elsewhere.url in str(info.value) and "posthog:host" in str(info.value)


def test_read_timeout_is_per_attempt(scripted: Callable[[], ScriptedServer], make_client: MakeClient) -> None:
    server = scripted()
    server.handler = lambda seen: Reply(200, {"ok": True}, delay=0.6 if len(server.seen) == 1 else 0)
    started = time.monotonic()
    assert make_client(server.url, KEY, read_timeout=0.2).get_organization() == {"ok": True}
    assert time.monotonic() - started < 0.6 and len(server.seen) == 2


def test_read_timeouts_on_every_attempt_raise_read_timeout(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient
) -> None:
    server = scripted()
    server.handler = lambda seen: Reply(200, {}, delay=0.5)
    client = make_client(server.url, KEY, read_timeout=0.1, retry=fast_policy(max_attempts=3))
    with pytest.raises(ReadTimeout) as info:
        client.get_organization()
    assert info.value.attempts == 3 and info.value.sent is True
    assert "no complete response within 0.1 s" in str(info.value)


def test_a_proxy_html_502_is_retried_and_readable(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient
) -> None:
    server = scripted()
    html = Reply(502, raw=b"<html>Bad Gateway</html>", headers={"Content-Type": "text/html"})
    server.replies.extend([html, html, html])
    with pytest.raises(ServerError) as info:
        make_client(server.url, KEY, retry=fast_policy(max_attempts=3)).get_organization()
    assert "non-JSON text/html response (24 bytes)" in str(info.value) and info.value.attempts == 3


def test_retry_after_headers_are_used(scripted: Callable[[], ScriptedServer], make_client: MakeClient) -> None:
    server = scripted()
    server.replies.extend(
        [
            Reply(429, {"detail": "slow down"}, headers={"Retry-After": "2"}),
            Reply(503, {"detail": "db"}, headers={"Retry-After": "1"}),
            Reply(200, {"ok": 1}),
        ]
    )
    sleeps = Sleeps(fake=True)
    assert make_client(server.url, KEY, retry=fast_policy(sleeps, backoff_cap=5)).get_organization() == {"ok": 1}
    assert sleeps.calls == [2.0, 1.0]


def test_no_cookies_are_kept(scripted: Callable[[], ScriptedServer], make_client: MakeClient) -> None:
    server = scripted()
    server.replies.append(Reply(200, {}, headers={"Set-Cookie": "sessionid=abc; Path=/"}))
    client = make_client(server.url, KEY)
    client.get_organization()
    client.get_organization()
    assert "Cookie" not in server.seen[1].headers


# --- classification: did the request reach the server? ------------------------------------------------------------


def wrapped(reason: Exception) -> requests.RequestException:
    """Shaped as requests raises it: ConnectionError(MaxRetryError(reason=...))."""
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/api/x", reason=reason))  # type: ignore[arg-type]


def new_connection_error(cause: OSError) -> NewConnectionError:
    conn = HTTPConnection("127.0.0.1", 1)
    try:
        raise NewConnectionError(conn, f"Failed to establish a new connection: {cause}") from cause
    except NewConnectionError as exc:
        return exc


@pytest.mark.parametrize(
    "exc,cls,sent",
    [
        (wrapped(new_connection_error(ConnectionRefusedError(111, "Connection refused"))), ConnectError, False),
        (
            wrapped(NameResolutionError("no.invalid", HTTPConnection("x"), socket.gaierror("dns"))),
            ConnectError,
            False,
        ),
        (requests.exceptions.ConnectTimeout(MaxRetryError(None, "/", ConnectTimeoutError("t"))), ConnectTimeout, False),  # type: ignore[arg-type]
        (requests.exceptions.ProxyError("proxy down"), ConnectError, False),
        (requests.exceptions.ReadTimeout(ReadTimeoutError(None, "/", "read timed out")), ReadTimeout, True),  # type: ignore[arg-type]
        (
            requests.exceptions.ConnectionError(
                ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))
            ),
            ConnectionDropped,
            None,
        ),
        (
            requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", RemoteDisconnected("closed"))),
            ConnectionDropped,
            None,
        ),
        (requests.exceptions.ChunkedEncodingError("broken"), ConnectionDropped, None),
    ],
)
def test_failures_are_classified_by_whether_the_request_was_sent(
    exc: requests.RequestException, cls: type, sent: bool | None
) -> None:
    error_cls, description, _ = classify(exc, (5.0, 30.0))
    assert error_cls is cls and error_cls.sent is sent and description


def test_tls_certificate_failures_are_handshake_errors() -> None:
    verify = ssl.SSLCertVerificationError(1, "certificate verify failed")
    exc = requests.exceptions.SSLError(MaxRetryError(None, "/", Urllib3SSLError(verify)))  # type: ignore[arg-type]
    exc.args[0].reason.__cause__ = verify
    error_cls, description, handshake = classify(exc, (5.0, 30.0))
    assert error_cls is TLSError and handshake and "did not verify" in description


def test_transport_errors_hold_no_reference_to_the_request(scripted: Callable[[], ScriptedServer]) -> None:
    transport = Transport("http://127.0.0.1:1", KEY)
    outcome = transport.send("GET", transport.url_for("/api/x"))
    assert isinstance(outcome, ConnectError)
    assert outcome.__cause__ is None and outcome.__context__ is None, "no requests exception (with headers) attached"
    transport.close()


def test_proxy_and_ca_bundle_environment_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/corp-ca.pem")
    proxied = Transport("https://us.posthog.com", KEY)
    bypassed = Transport("https://posthog.internal.example", KEY)
    try:
        assert proxied.session.proxies.get("https") == "http://proxy.corp:3128"
        assert bypassed.session.proxies == {}, "NO_PROXY is honoured for the configured host"
        assert proxied._verify == "/etc/ssl/corp-ca.pem"
        assert proxied.session.trust_env is False, "nothing (e.g. ~/.netrc) can replace the Authorization header"
    finally:
        proxied.close()
        bypassed.close()


def test_a_body_that_is_not_json_is_refused_before_sending(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient
) -> None:
    server = scripted()
    with pytest.raises(InvalidRequestError) as info:
        make_client(server.url, KEY).create_organization({"name": object()})
    assert server.seen == [] and "not JSON-serializable" in str(info.value)


def test_a_garbled_success_is_retried_for_get_but_ambiguous_for_post(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient
) -> None:
    server = scripted()
    garbled = Reply(201, raw=b"<html>oops</html>", headers={"Content-Type": "text/html"})
    server.replies.extend([garbled, Reply(200, {"id": "o"}), garbled])
    client = make_client(server.url, KEY)
    assert client.get_organization() == {"id": "o"}
    with pytest.raises(AmbiguousWriteError) as info:
        client.create_organization({"name": "n"})
    assert info.value.status == 201 and len(server.seen) == 3, "the POST was made once and not replayed"
