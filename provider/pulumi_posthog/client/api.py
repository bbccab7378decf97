"""``PostHogClient``: one method per PostHog endpoint the provider uses, returning plain JSON dicts.

The methods live with their API area (organizations.py, projects.py, batch_exports.py, integrations.py,
identity.py) on the shared core (core.py); this class puts them together.
"""

from __future__ import annotations

from pulumi_posthog.client.batch_exports import BatchExportsAPI
from pulumi_posthog.client.core import JSON
from pulumi_posthog.client.identity import IdentityAPI
from pulumi_posthog.client.integrations import IntegrationsAPI
from pulumi_posthog.client.projects import ProjectsAPI

__all__ = ["JSON", "PostHogClient"]


class PostHogClient(BatchExportsAPI, ProjectsAPI, IntegrationsAPI, IdentityAPI):
    """A client for one PostHog host and personal API key.

    Every method makes its HTTP call(s) through one retry policy (see ``RetryPolicy``): GET, PUT, PATCH and
    DELETE retry on 429, 5xx and transport failures; a POST is retried only when it provably never reached
    PostHog, and otherwise raises ``AmbiguousWriteError`` for the caller to reconcile. Failures raise
    ``PostHogError`` subclasses. Methods return PostHog's JSON (``dict``; lists for list endpoints; ``None``
    for 204).

    ``transport_options`` go to the transport: ``max_response_bytes`` (the size cap) and ``notice_after``
    (seconds before a slow response is announced on stderr; None: never).

    Batch-export writes always go through ``/api/projects/{project_id}/batch_exports/``. Which optional routes
    the server has (the 2025 organization-scoped batch-export route, the plural ``/backfills/``) is learnt
    from the first 404 and remembered for the life of the client.
    """
