"""The resources: one generic engine (engine.py) and one module per resource (spec + public class), as catalog.py
lists them; importing this package registers every spec."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from pulumi_posthog.catalog import RESOURCES

if TYPE_CHECKING:
    from pulumi_posthog.resources.backfill import BatchExportBackfill as BatchExportBackfill
    from pulumi_posthog.resources.batch_export import BatchExport as BatchExport
    from pulumi_posthog.resources.integration import Integration as Integration
    from pulumi_posthog.resources.organization import Organization as Organization
    from pulumi_posthog.resources.project import Project as Project
    from pulumi_posthog.resources.rollback import EnvironmentsRollback as EnvironmentsRollback

for _entry in RESOURCES:
    globals()[_entry.name] = getattr(importlib.import_module(_entry.module), _entry.name)

__all__ = [e.name for e in RESOURCES]
