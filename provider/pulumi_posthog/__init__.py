"""Pulumi resources for PostHog organizations, batch exports and their integrations."""

__version__ = "0.1.0"

__all__ = ["__version__"]
