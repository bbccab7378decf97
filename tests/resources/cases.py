"""Scenario data: ``pulumi_posthog.testing.samples`` (shared with bench/)."""

from pulumi_posthog.testing.samples import (
    EU_URL,
    PEM,
    US_URL,
    Destination,
    Kind,
    destinations,
    destinations_2025,
    kinds,
    token,
)

__all__ = ["EU_URL", "PEM", "US_URL", "Destination", "Kind", "destinations", "destinations_2025", "kinds", "token"]
