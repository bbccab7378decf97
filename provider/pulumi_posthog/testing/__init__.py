"""Testing aids for programs that use pulumi_posthog (never imported by ``import pulumi_posthog``).

- ``PostHogMocks`` (``pulumi_posthog.testing.mocks``): for ``pulumi.runtime.set_mocks`` unit tests.
- ``pulumi_posthog.testing.engine``: a test double of the Pulumi engine (not a CLI) for offline end-to-end tests.
- ``pulumi_posthog.testing.local_server``: start posthog-local (the ``local`` extra) and call its API.

See docs/testing.md.
"""

from pulumi_posthog.testing.mocks import CheckFailed, OfflineLookups, PostHogMocks, default_organization

__all__ = ["CheckFailed", "OfflineLookups", "PostHogMocks", "default_organization"]
