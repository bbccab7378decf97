"""A destination's secrets at any depth: where they are (its type's declared paths and PostHog's secret names)."""

from __future__ import annotations

from typing import Any

import pulumi

from pulumi_posthog.destinations import TYPES
from pulumi_posthog.resources import secret_paths
from pulumi_posthog.resources.program import secret_at
from pulumi_posthog.resources.secret_paths import Path


def paths_for(type_: Any, config: Any) -> list[Path]:
    """The type's declared secret paths, and every key PostHog treats as secret wherever it is in ``config``."""
    spec = TYPES.get(type_) if isinstance(type_, str) else None
    if spec is None:
        return []
    found = list(spec.secret_paths())
    found += [p for p in secret_paths.named(config, spec.secret) if p not in found]
    return found


def mark_secret(type_: Any, config: Any) -> Any:
    """The program's config with each secret a Pulumi secret; an Output standing on a secret path becomes secret
    whole (the secret inside cannot be reached alone). An unknown type makes the whole config secret."""
    if config is None:
        return None
    if not isinstance(type_, str):
        return pulumi.Output.secret(config)
    return secret_at(config, paths_for(type_, config))
