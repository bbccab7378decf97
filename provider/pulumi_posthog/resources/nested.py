"""A nested input's own rules (a dict of settings): how it changes, how PostHog's answer reads, its secrets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pulumi_posthog.resources import secret_paths
from pulumi_posthog.resources.secret_paths import Path
from pulumi_posthog.resources.values import same

Change = Literal["same", "update", "replace"]


class Nested:
    """The shape a ``Field(nested=...)`` declares. The base runs it: ``diff`` asks ``change`` (an unknown value that
    is not a dict is a replacement, any other non-dict no change), outputs take PostHog's answer through
    ``normalize`` then ``restore`` (PostHog never returns secrets), and the program side makes the values at
    ``secret_paths`` Pulumi secrets."""

    def change(self, old: dict[str, Any], new: dict[str, Any], news: Mapping[str, Any]) -> Change:
        """How a new value (a dict) differs from the state's (``{}`` when none); ``news``: the other inputs."""
        return "same" if same(old, new) else "update"

    def normalize(self, server: dict[str, Any], configured: dict[str, Any]) -> Any:
        """PostHog's answer (``{}`` when none) in the state's form, before the omitted secrets are put back."""
        return server

    def secret_paths(self, value: Any, context: Mapping[str, Any]) -> list[Path]:
        """Where the secrets of ``value`` are; ``context``: the resource's other inputs or state (a type, a kind)."""
        return []

    def restore(self, value: Any, configured: dict[str, Any], context: Mapping[str, Any]) -> Any:
        """The normalized answer with the configured secrets put back where PostHog left them out."""
        return secret_paths.restore(value, configured, self.secret_paths(configured, context))
