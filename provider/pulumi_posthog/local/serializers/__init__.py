"""DRF serializers for posthog-local's batch exports, their destinations, runs and backfills."""
