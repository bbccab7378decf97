"""The one list of resources: each public class, the module that registers its spec, and its docs page.

Kept free of the Pulumi SDK so that the package root (and posthog-local) can read it without loading the provider.
The package's public names, ``pulumi_posthog.resources``, the engine's spec lookup, the docs generator, the tests'
parametrisations and the benchmarks all read this tuple; ``tests/test_catalog.py`` checks that every entry has a
registered spec, a docs page, a lifecycle scenario and bad-input cases.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    """One resource: ``name`` is its Pulumi type name (``posthog:<name>``) and its public class."""

    name: str
    module: str
    page: str
    """Its reference page, under ``docs/``."""


RESOURCES: tuple[Entry, ...] = (
    Entry("Organization", "pulumi_posthog.resources.organization", "organization.md"),
    Entry("Project", "pulumi_posthog.resources.project", "project.md"),
    Entry("BatchExport", "pulumi_posthog.resources.batch_export", "batch-export.md"),
    Entry("Integration", "pulumi_posthog.resources.integration", "integration.md"),
    Entry("BatchExportBackfill", "pulumi_posthog.resources.backfill", "batch-export-backfill.md"),
    Entry("EnvironmentsRollback", "pulumi_posthog.resources.rollback", "environments-rollback.md"),
)

FUNCTIONS: dict[str, str] = {
    "get_batch_exports": "pulumi_posthog.functions",
    "get_organization": "pulumi_posthog.functions",
    "get_organizations": "pulumi_posthog.functions",
}
"""The public data-source functions and their module."""

MODULES: dict[str, str] = {"aws": "pulumi_posthog.aws", "destinations": "pulumi_posthog.destinations"}
"""The public helper modules."""


def names() -> tuple[str, ...]:
    return tuple(e.name for e in RESOURCES)


def entry(name: str) -> Entry:
    for e in RESOURCES:
        if e.name == name:
            return e
    raise KeyError(name)
