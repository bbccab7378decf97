"""``/api/projects/{id}/batch_exports/`` (and the 2025 organization route). STUB: being written."""

from rest_framework import viewsets

from pulumi_posthog.local.mixins import NestedViewMixin


class BatchExportViewSet(NestedViewMixin, viewsets.ViewSet):
    scope_object = "batch_export"


class BatchExportOrganizationViewSet(BatchExportViewSet):
    pass
