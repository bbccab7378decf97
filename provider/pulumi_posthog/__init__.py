"""Pulumi resources for PostHog organizations, batch exports and their integrations."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public names load on first use, so ``pulumi_posthog.local`` (the server) never imports the Pulumi SDK.
_PUBLIC = {
    "BatchExport": "pulumi_posthog.resources",
    "BatchExportBackfill": "pulumi_posthog.resources",
    "EnvironmentsRollback": "pulumi_posthog.resources",
    "Integration": "pulumi_posthog.resources",
    "Organization": "pulumi_posthog.resources",
    "get_batch_exports": "pulumi_posthog.functions",
    "get_organization": "pulumi_posthog.functions",
    "get_organizations": "pulumi_posthog.functions",
    "aws": "pulumi_posthog.aws",
    "destinations": "pulumi_posthog.destinations",
}

__all__ = [
    "BatchExport",
    "BatchExportBackfill",
    "EnvironmentsRollback",
    "Integration",
    "Organization",
    "__version__",
    "aws",
    "destinations",
    "get_batch_exports",
    "get_organization",
    "get_organizations",
]

if TYPE_CHECKING:
    from pulumi_posthog import aws, destinations
    from pulumi_posthog.functions import get_batch_exports, get_organization, get_organizations
    from pulumi_posthog.resources import (
        BatchExport,
        BatchExportBackfill,
        EnvironmentsRollback,
        Integration,
        Organization,
    )


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_posthog' has no attribute {name!r}")
    loaded = importlib.import_module(module)
    value = loaded if module.endswith("." + name) else getattr(loaded, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
