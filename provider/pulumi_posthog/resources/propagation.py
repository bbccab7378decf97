"""Refusals that only mean "not yet": a new AWS role IAM has not propagated, a new host DNS does not resolve.

PostHog checks both live when an integration or an export is written (posthog/models/integration/aws.py
``validate_aws_role_arn``: STS AssumeRole, "AWS role ARN is not valid"; posthog/models/integration/postgres.py and
products/batch_exports/.../exports.py: the host is resolved, "Provided host '…' is not valid" / "Could not reach this
host. …"). A role or database created earlier in the same program meets them for a minute or two, so the write is
tried again within ``WAITS`` before PostHog's message is reported with what to check.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pulumi_posthog.client import PostHogError, ValidationError
from pulumi_posthog.posthog_words import (
    INTERNAL_DOMAIN_PATTERNS,
    LOOPBACK_HOSTS,
    METADATA_HOSTS,
    ROLE_NOT_VALID,
    UNREACHABLE_HOST,
    host_not_valid,
)
from pulumi_posthog.resources import waiting
from pulumi_posthog.resources.integration_rules import ROLE_ARN_RE, redshift_mode
from pulumi_posthog.resources.waiting import HintedValidationError, retry_while

T = TypeVar("T")

HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)+\.?$"
)


def may_resolve_later(host: Any) -> bool:
    """A public-looking host *name*: PostHog refusing it can only be DNS that has not caught up (or an address
    the name resolves to that PostHog refuses). IP literals, internal names and malformed hosts never change."""
    if not isinstance(host, str) or not HOSTNAME.match(host):
        return False
    name = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(name)
        return False
    except ValueError:
        pass
    # What PostHog refuses from the name alone (posthog/security/url_validation.py): never worth waiting for.
    blocked = name in METADATA_HOSTS or name in LOOPBACK_HOSTS or name.endswith(INTERNAL_DOMAIN_PATTERNS)
    return not blocked


# -- integrations --------------------------------------------------------------------------------------------


def role_arn(kind: str, config: dict[str, Any]) -> str | None:
    """The well-formed role ARN an aws-s3/aws-redshift integration is created with (role mode), else None."""
    arn = config.get("aws_role_arn") if kind in ("aws-s3", "aws-redshift") else None
    return arn if isinstance(arn, str) and ROLE_ARN_RE.match(arn) else None


def database_host(kind: str, config: dict[str, Any]) -> str | None:
    """The host a postgresql / plain aws-redshift integration connects to, when it may resolve later."""
    if kind == "postgresql" or (kind == "aws-redshift" and redshift_mode(config) == "plain"):
        host = config.get("host")
        return host if may_resolve_later(host) else None
    return None


def create_integration(
    post: Callable[[], T], kind: str, config: dict[str, Any], organization_of: Callable[[], str | None]
) -> T:
    """``post()`` (one integration create), tried again while PostHog cannot assume a new role or resolve a new
    host; then PostHog's refusal with what to check."""
    arn, host = role_arn(kind, config), database_host(kind, config)
    name = config.get("name") or host or kind

    def not_yet(exc: PostHogError) -> bool:
        if not isinstance(exc, ValidationError):
            return False
        return (arn is not None and exc.detail == ROLE_NOT_VALID) or (
            host is not None and exc.detail == host_not_valid(host)
        )

    def describe(tries: int, delay: float) -> str:
        if arn is not None:
            what = f"PostHog cannot assume AWS role {arn} yet (a new role takes a minute or two to propagate in IAM)"
        else:
            what = f"PostHog cannot resolve host '{host}' yet (a new database's DNS name can take a few minutes)"
        return f"{kind} integration '{name}': {what}; trying again in {delay:.0f} s (attempt {tries})"

    bounds = waiting.WAITS.role_propagation if arn is not None else waiting.WAITS.dns
    try:
        return retry_while(post, not_yet, bounds, describe)
    except ValidationError as exc:
        if not not_yet(exc):
            raise
        if arn is not None:
            raise HintedValidationError(exc, role_hint(arn, organization_of()), attr="config__aws_role_arn") from None
        raise HintedValidationError(exc, host_hint(host), attr="config__host") from None


def role_hint(arn: str, organization_id: str | None) -> str:
    external = f"posthog-{organization_id}" if organization_id else "posthog-<organization id>"
    return (
        f"PostHog still could not assume {arn} after waiting for IAM. Check the role's trust policy: it must let "
        "PostHog's export role (posthog.aws.POSTHOG_ROLE_ARNS) call sts:AssumeRole with the condition "
        f"sts:ExternalId = '{external}' (posthog.aws.trust_policy(organization_id) writes it), and the role must "
        "exist in that account. Then run `pulumi up` again"
    )


def host_hint(host: Any) -> str:
    return (
        f"PostHog still could not resolve '{host}' after waiting. Check the name, and that it resolves to a public "
        "address PostHog can reach from the internet (private and internal addresses are refused); a database "
        "created in this program may need a few more minutes: run `pulumi up` again"
    )


# -- batch exports -------------------------------------------------------------------------------------------


def write_export(post: Callable[[], T], destination: Any) -> T:
    """An export write (POST or PATCH), tried again while PostHog cannot reach a Postgres/Redshift host that may
    be new: the destination's ``config.host``, or its integration's host."""
    if not isinstance(destination, dict) or destination.get("type") not in ("Postgres", "Redshift"):
        return post()
    host = (destination.get("config") or {}).get("host")
    if host is not None and not may_resolve_later(host):
        return post()

    def not_yet(exc: PostHogError) -> bool:
        return isinstance(exc, ValidationError) and exc.attr == "destination" and exc.detail == UNREACHABLE_HOST

    def describe(tries: int, delay: float) -> str:
        what = f"host '{host}'" if host is not None else "the integration's host"
        return (
            f"{destination['type']} export: PostHog cannot reach {what} yet (a new database's DNS name can take a "
            f"few minutes); trying again in {delay:.0f} s (attempt {tries})"
        )

    try:
        return retry_while(post, not_yet, waiting.WAITS.dns, describe)
    except ValidationError as exc:
        if not not_yet(exc):
            raise
        attr = "destination__config__host" if host is not None else "destination__integration_id"
        shown = host if host is not None else "the host of the destination's integration"
        raise HintedValidationError(exc, host_hint(shown), attr=attr) from None
