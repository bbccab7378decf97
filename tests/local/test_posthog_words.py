"""posthog-local and the provider read one copy of PostHog's host rules (posthog/security/url_validation.py), so a
host the server refuses by its name alone is one the provider never waits on as "DNS not caught up yet"."""

from __future__ import annotations

import pytest
from pulumi_posthog import posthog_words
from pulumi_posthog.resources.propagation import may_resolve_later

from tests.conftest import LocalServer
from tests.local.test_integrations import assert_error, create

PG = {"port": 5432, "user": "u", "password": "p"}
NAMED = sorted(
    {
        *(f"db{pattern}" for pattern in posthog_words.INTERNAL_DOMAIN_PATTERNS),
        *(h for h in posthog_words.METADATA_HOSTS | posthog_words.LOOPBACK_HOSTS if h[0].isalpha()),
        "DB.Corp.",  # PostHog canonicalises (lower case, no root dot) before it matches
    }
)


@pytest.fixture(scope="module")
def project(posthog_local: LocalServer) -> int:
    return posthog_local.new_project()


@pytest.mark.parametrize("host", NAMED)
def test_a_name_posthog_refuses_outright_is_refused_by_the_server_and_never_waited_on(
    posthog_local: LocalServer, project: int, host: str
) -> None:
    response = create(posthog_local, project, "postgresql", {**PG, "host": host})
    assert_error(response, 400, posthog_words.host_not_valid(host))
    assert may_resolve_later(host) is False


@pytest.mark.parametrize("host", ["db.example.com", "warehouse.internal-tools.io", "analytics.localhost.example"])
def test_a_public_name_is_taken_by_the_server_and_may_resolve_later(
    posthog_local: LocalServer, project: int, host: str
) -> None:
    assert create(posthog_local, project, "postgresql", {**PG, "host": host}).status_code == 201
    assert may_resolve_later(host) is True
