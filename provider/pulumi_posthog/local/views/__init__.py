"""posthog-local's API views, one module per PostHog resource."""
