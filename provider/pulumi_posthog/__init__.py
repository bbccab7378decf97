"""Pulumi resources for PostHog organizations, batch exports and their integrations."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pulumi_posthog import catalog as _catalog

__version__ = "0.1.0"

# Public names load on first use, so ``pulumi_posthog.local`` (the server) never imports the Pulumi SDK. They come
# from the one list of resources (catalog.py); the TYPE_CHECKING imports below are for IDEs and type checkers only
# (tests/test_catalog.py keeps them equal to the catalog).
_PUBLIC = {
    **{e.name: e.module for e in _catalog.RESOURCES},
    **_catalog.FUNCTIONS,
    **_catalog.MODULES,
}

__all__ = sorted([*_PUBLIC, "__version__"])

if TYPE_CHECKING:  # "X as X": re-exported names (the runtime list is _PUBLIC)
    from pulumi_posthog import aws as aws
    from pulumi_posthog import destinations as destinations
    from pulumi_posthog.functions import get_batch_exports as get_batch_exports
    from pulumi_posthog.functions import get_organization as get_organization
    from pulumi_posthog.functions import get_organizations as get_organizations
    from pulumi_posthog.resources import BatchExport as BatchExport
    from pulumi_posthog.resources import BatchExportBackfill as BatchExportBackfill
    from pulumi_posthog.resources import EnvironmentsRollback as EnvironmentsRollback
    from pulumi_posthog.resources import Integration as Integration
    from pulumi_posthog.resources import Organization as Organization
    from pulumi_posthog.resources import Project as Project


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
