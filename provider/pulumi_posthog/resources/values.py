"""Value helpers for check and diff: unknowns during preview, numbers that crossed as doubles, deep compare."""

from __future__ import annotations

import re
from typing import Any

from pulumi.output import Unknown

from pulumi_posthog.client.normalize import same_value

MISSING: Any = object()
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_unknown(value: Any) -> bool:
    """True if the value, or anything inside it, is not known yet (a preview of a not-yet-created Output)."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(is_unknown(v) for v in value)
    return False


def plain(value: Any) -> Any:
    """Numbers as the user wrote them (Pulumi sends every number as a double), recursively; None-free dicts."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def same(a: Any, b: Any) -> bool:
    """Deep equality after ``plain`` (2 == 2.0, a None-valued key equals a missing one, True is not 1)."""
    return same_value(plain(a), plain(b))
