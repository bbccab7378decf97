"""PostHog's SSRF checks for integration endpoints and hosts, minus DNS (see the package docstring).

Follows ``posthog/security/url_validation.py`` (``is_url_allowed``, ``validate_external_host`` and the host
checks behind ``resolve_and_validate_host``) as PostHog Cloud runs them (no dev-mode bypass): metadata hosts,
``localhost`` and loopback literals, internal domain suffixes and private/link-local/reserved/CGNAT IP
literals are refused. A host *name* is never resolved here: it resolves unless ``/_local/dns`` lists it as
unresolvable. A value that cannot resolve because it is not a hostname at all is refused as "Could not
resolve host", which is what PostHog's resolver answers for it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import urllib.parse as urlparse

from pulumi_posthog.local import state
from pulumi_posthog.posthog_words import INTERNAL_DOMAIN_PATTERNS, LOOPBACK_HOSTS, METADATA_HOSTS

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

CGNAT_NETWORK = ipaddress.ip_network("100.64.0.0/10")
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_BARE_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
MAX_HOSTNAME_LENGTH = 253
UNRESOLVABLE = "Could not resolve host"


def parse_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_internal_ip(ip: IPAddress) -> bool:
    """Private, loopback, link-local, multicast, reserved, unspecified or CGNAT (IPv4-mapped as IPv4)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or ip in CGNAT_NETWORK
    )


def canonical_host(host: str) -> str:
    """IDNA (punycode) form, lower-cased, without the DNS root dot."""
    with contextlib.suppress(ValueError):
        host = host.encode("idna").decode("ascii")
    return host.lower().rstrip(".")


def is_hostname_shaped(host: str) -> bool:
    canonical = canonical_host(host)
    return len(canonical) <= MAX_HOSTNAME_LENGTH and _BARE_HOSTNAME.fullmatch(canonical) is not None


def host_shape_error(host: str) -> str | None:
    if not host.strip():
        return "Host is empty"
    if parse_ip(host) is not None:
        return None
    if not is_hostname_shaped(host):
        return "Host must be a hostname or IP address"
    return None


def blocked_host_reason(host: str) -> str | None:
    """Refusals PostHog makes from the name alone, before any resolution."""
    host = canonical_host(host)
    if host in METADATA_HOSTS:
        return "Local/metadata host"
    if host in LOOPBACK_HOSTS:
        return "Local/Loopback host not allowed"
    for pattern in INTERNAL_DOMAIN_PATTERNS:
        if host.endswith(pattern):
            return f"Internal domain pattern blocked: {pattern}"
    ip = parse_ip(host)
    if ip is not None and is_internal_ip(ip):
        return "Private IP address not allowed"
    return None


def url_shape_error(raw_url: str) -> str | None:
    if "\\" in raw_url or "%5c" in raw_url.lower():
        return "Invalid URL: ambiguous authority"
    try:
        parsed = urlparse.urlparse(raw_url)
    except ValueError:
        return "Invalid URL"
    if parsed.scheme not in {"http", "https"}:
        return "URL must start with http:// or https://"
    if not parsed.netloc:
        return "Missing host"
    return None


def does_not_resolve(host: str) -> bool:
    """A host name /_local/dns lists as unresolvable (IP literals need no DNS)."""
    return parse_ip(host) is None and canonical_host(host) in state.get().unresolvable_hosts


def url_block_reason(raw_url: str) -> str | None:
    """PostHog's ``is_url_allowed`` reason, or None when allowed (a host name is taken as public)."""
    shape = url_shape_error(raw_url)
    if shape is not None:
        return shape
    host = canonical_host(urlparse.urlparse(raw_url).hostname or "")
    reason = blocked_host_reason(host)
    if reason is not None:
        return reason
    if parse_ip(host) is None and (not is_hostname_shaped(host) or does_not_resolve(host)):
        return UNRESOLVABLE
    return None


def host_block_reason(host: str) -> str | None:
    """The checks behind ``resolve_and_validate_host`` / ``validate_external_host`` for a bare host (Postgres,
    Redshift): shape, blocked names, then DNS (only what /_local/dns lists fails to resolve)."""
    shape = host_shape_error(host)
    if shape is not None:
        return shape
    reason = blocked_host_reason(host)
    if reason is not None:
        return reason
    return UNRESOLVABLE if does_not_resolve(host) else None
