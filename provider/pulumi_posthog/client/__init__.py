"""The PostHog API client: transport, retries, typed errors, pagination, configuration and normalization."""

from __future__ import annotations

import logging

from pulumi_posthog.client import errors as _errors
from pulumi_posthog.client.api import JSON as JSON
from pulumi_posthog.client.api import PostHogClient as PostHogClient
from pulumi_posthog.client.config import DEFAULT_HOST as DEFAULT_HOST
from pulumi_posthog.client.config import ClientConfig as ClientConfig
from pulumi_posthog.client.config import resolve_config as resolve_config
from pulumi_posthog.client.errors import AmbiguousWriteError as AmbiguousWriteError
from pulumi_posthog.client.errors import AuthenticationError as AuthenticationError
from pulumi_posthog.client.errors import ConfigurationError as ConfigurationError
from pulumi_posthog.client.errors import ConnectError as ConnectError
from pulumi_posthog.client.errors import ConnectionDropped as ConnectionDropped
from pulumi_posthog.client.errors import ConnectTimeout as ConnectTimeout
from pulumi_posthog.client.errors import EndpointNotFoundError as EndpointNotFoundError
from pulumi_posthog.client.errors import HTTPStatusError as HTTPStatusError
from pulumi_posthog.client.errors import InvalidRequestError as InvalidRequestError
from pulumi_posthog.client.errors import NotFoundError as NotFoundError
from pulumi_posthog.client.errors import PermissionDeniedError as PermissionDeniedError
from pulumi_posthog.client.errors import PostHogError as PostHogError
from pulumi_posthog.client.errors import RateLimitError as RateLimitError
from pulumi_posthog.client.errors import ReadTimeout as ReadTimeout
from pulumi_posthog.client.errors import RedirectError as RedirectError
from pulumi_posthog.client.errors import ResponseTooLargeError as ResponseTooLargeError
from pulumi_posthog.client.errors import ServerError as ServerError
from pulumi_posthog.client.errors import TLSError as TLSError
from pulumi_posthog.client.errors import TransportError as TransportError
from pulumi_posthog.client.errors import UnexpectedResponseError as UnexpectedResponseError
from pulumi_posthog.client.errors import UnsafeURLError as UnsafeURLError
from pulumi_posthog.client.errors import ValidationError as ValidationError
from pulumi_posthog.client.retry import RetryPolicy as RetryPolicy

logging.getLogger("pulumi_posthog.client").addHandler(logging.NullHandler())

# "X as X": the re-exported names; __all__ lists them, the error classes taken from errors.__all__
__all__ = sorted(
    [
        "DEFAULT_HOST",
        "JSON",
        "ClientConfig",
        "PostHogClient",
        "RetryPolicy",
        "resolve_config",
        *(name for name in _errors.__all__ if name[0].isupper()),
    ]
)
