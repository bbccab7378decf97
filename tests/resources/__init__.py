"""Scenario tests for the Pulumi resources against posthog-local."""
