"""The resources: one generic engine (engine.py) and one module per resource (spec + public class)."""

from pulumi_posthog.resources.backfill import BatchExportBackfill
from pulumi_posthog.resources.batch_export import BatchExport
from pulumi_posthog.resources.integration import Integration
from pulumi_posthog.resources.organization import Organization
from pulumi_posthog.resources.rollback import EnvironmentsRollback

__all__ = ["BatchExport", "BatchExportBackfill", "EnvironmentsRollback", "Integration", "Organization"]
