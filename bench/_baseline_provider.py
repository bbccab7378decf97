"""The cold-start baseline: a dynamic provider that does nothing, so the plugin's time to its first Check is the
SDK's own (``python -m pulumi.dynamic``, gRPC, dill) and ``cold_start.py`` can subtract it."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckResult, ResourceProvider


class BaselineProvider(ResourceProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])
