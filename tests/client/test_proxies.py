"""The API key never crosses a proxy in cleartext: loopback is always direct, NO_PROXY is honoured, https://
goes through a proxy only as a CONNECT tunnel, and plain http:// through a proxy is refused."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from pulumi_posthog.client import ConfigurationError, ConnectError, PostHogClient
from pulumi_posthog.client.transport import Transport

from tests.client.conftest import FakeProxy, fast_policy
from tests.conftest import LocalServer

MakeClient = Callable[..., PostHogClient]
KEY = "phx_proxytestkey0123456789abcdef"
# TEST-NET-1 (RFC 5737): not loopback, and nothing answers there
REMOTE = "192.0.2.1"
PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy")


@pytest.fixture(autouse=True)
def clean_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*PROXY_VARIABLES, "NO_PROXY", "no_proxy", "REQUEST_METHOD"):
        monkeypatch.delenv(name, raising=False)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
def test_plain_http_to_loopback_never_goes_through_a_proxy(
    no_faults: LocalServer,
    make_client: MakeClient,
    fake_proxy: FakeProxy,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    """Before: HTTP_PROXY applied to http://127.0.0.1 too, so the request — Authorization header included — went
    to the proxy in cleartext (and failed there)."""
    with monkeypatch.context() as env:  # undone before no_faults' teardown talks to posthog-local
        env.setenv(variable, fake_proxy.url)
        client = make_client(no_faults, retry=fast_policy(max_attempts=1))

        organizations = client.list_organizations()

    assert isinstance(organizations, list)
    assert fake_proxy.contacted == 0
    assert all(no_faults.api_key.encode() not in seen for seen in fake_proxy.received)


def test_https_to_loopback_is_direct_too(
    make_client: MakeClient, fake_proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", fake_proxy.url)
    client = make_client(f"https://127.0.0.1:{closed_port()}", KEY, retry=fast_policy(max_attempts=1))
    with pytest.raises(ConnectError) as info:
        client.list_organizations()
    assert "connection refused" in str(info.value)
    assert fake_proxy.contacted == 0


def test_https_goes_through_the_proxy_only_as_a_tunnel(
    make_client: MakeClient, fake_proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The proxy sees CONNECT host:443 and nothing else: the key would travel inside TLS."""
    monkeypatch.setenv("HTTPS_PROXY", fake_proxy.url)
    client = make_client(f"https://{REMOTE}", KEY, retry=fast_policy(max_attempts=1))

    with pytest.raises(ConnectError) as info:
        client.list_organizations()

    assert "proxy" in str(info.value)
    fake_proxy.join()
    assert fake_proxy.contacted == 1
    request = fake_proxy.received[0]
    assert request.startswith(f"CONNECT {REMOTE}:443 HTTP/".encode())
    assert KEY.encode() not in request and b"authorization:" not in request.lower()


def test_no_proxy_is_honoured(make_client: MakeClient, fake_proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", fake_proxy.url)
    monkeypatch.setenv("NO_PROXY", f"example.test,{REMOTE}")
    client = make_client(f"https://{REMOTE}", KEY, connect_timeout=0.3, retry=fast_policy(max_attempts=1))

    with pytest.raises(ConnectError):  # direct: nothing answers at TEST-NET-1
        client.list_organizations()

    assert fake_proxy.contacted == 0


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_plain_http_to_a_remote_host_through_a_proxy_is_refused(
    fake_proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """Even with insecure HTTP allowed for an internal host, the key must not go to a proxy in cleartext."""
    monkeypatch.setenv(variable, f"http://proxyuser:proxysecret@127.0.0.1:{fake_proxy.port}")

    with pytest.raises(ConfigurationError) as info:
        Transport("http://posthog.internal.example:8000", KEY, allow_insecure_http=True)

    text = str(info.value)
    assert "http://posthog.internal.example" in text and "https://" in text and "NO_PROXY" in text
    assert "proxysecret" not in text and "proxyuser" not in text and KEY not in text
    assert fake_proxy.contacted == 0


def test_plain_http_to_a_remote_host_listed_in_no_proxy_is_direct(
    fake_proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", fake_proxy.url)
    monkeypatch.setenv("no_proxy", ".internal.example")
    transport = Transport("http://posthog.internal.example:8000", KEY, allow_insecure_http=True)
    try:
        assert transport.session.proxies == {}
    finally:
        transport.close()


def test_plain_http_to_a_remote_host_is_refused_without_consent() -> None:
    with pytest.raises(ConfigurationError) as info:
        Transport(f"http://{REMOTE}", KEY)
    assert REMOTE in str(info.value) and "https://" in str(info.value)
