"""Migrations of posthog-local."""
