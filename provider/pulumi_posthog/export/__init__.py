"""``pulumi-posthog export``: what a PostHog project already has (batch exports, their integrations, the organization's
settings), written as a Pulumi program that adopts it."""
