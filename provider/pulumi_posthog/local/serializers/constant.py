"""``Constant``: a read-only field that always reads the same (PostHog fields posthog-local has no feature for)."""

from __future__ import annotations

import copy
from typing import Any

from rest_framework import serializers


class Constant(serializers.Field):
    """Reads as ``value`` (a fresh copy each time, so a mutable one is never shared), as a
    ``SerializerMethodField`` whose method returns it would; writes never see it."""

    def __init__(self, value: Any) -> None:
        self.value = value
        super().__init__(read_only=True, source="*")

    def to_representation(self, value: Any) -> Any:
        return copy.deepcopy(self.value)
