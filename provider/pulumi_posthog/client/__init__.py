"""The PostHog API client: transport, retries, typed errors, pagination, configuration and normalization."""

from __future__ import annotations

import logging

from pulumi_posthog.client.api import JSON, PostHogClient
from pulumi_posthog.client.config import DEFAULT_HOST, ClientConfig, resolve_config
from pulumi_posthog.client.errors import (
    AmbiguousWriteError,
    AuthenticationError,
    ConfigurationError,
    ConnectError,
    ConnectionDropped,
    ConnectTimeout,
    EndpointNotFoundError,
    HTTPStatusError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    PostHogError,
    RateLimitError,
    ReadTimeout,
    RedirectError,
    ResponseTooLargeError,
    ServerError,
    TLSError,
    TransportError,
    UnexpectedResponseError,
    UnsafeURLError,
    ValidationError,
)
from pulumi_posthog.client.retry import RetryPolicy

logging.getLogger("pulumi_posthog.client").addHandler(logging.NullHandler())

__all__ = [
    "DEFAULT_HOST",
    "JSON",
    "AmbiguousWriteError",
    "AuthenticationError",
    "ClientConfig",
    "ConfigurationError",
    "ConnectError",
    "ConnectTimeout",
    "ConnectionDropped",
    "EndpointNotFoundError",
    "HTTPStatusError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "PostHogClient",
    "PostHogError",
    "RateLimitError",
    "ReadTimeout",
    "RedirectError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "ServerError",
    "TLSError",
    "TransportError",
    "UnexpectedResponseError",
    "UnsafeURLError",
    "ValidationError",
    "resolve_config",
]
