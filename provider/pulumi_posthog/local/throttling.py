"""PostHog's per-key API rate limits (480/minute burst, 4800/hour sustained), off unless enabled."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle

from pulumi_posthog.local import state
from pulumi_posthog.local.models import PersonalAPIKey


class _PersonalKeyThrottle(SimpleRateThrottle):
    """Only requests made with a personal API key are throttled, keyed by the key's hash."""

    scope = "posthog"
    rate_attr = "burst_rate"

    def get_rate(self) -> str:
        return getattr(state.get(), self.rate_attr)

    def allow_request(self, request: Any, view: Any) -> bool:
        if not state.get().rate_limit_enabled:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        key = request.auth
        if not isinstance(key, PersonalAPIKey):
            return None
        return f"throttle_{self.rate_attr}_{key.secure_value}"


class BurstRateThrottle(_PersonalKeyThrottle):
    rate_attr = "burst_rate"


class SustainedRateThrottle(_PersonalKeyThrottle):
    rate_attr = "sustained_rate"
