"""posthog-local: a local stand-in for PostHog's REST API (Django + DRF on SQLite)."""
