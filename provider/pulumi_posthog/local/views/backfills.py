"""``…/batch_exports/{id}/backfills/``. STUB: being written."""

from rest_framework import viewsets

from pulumi_posthog.local.mixins import NestedViewMixin


class BackfillViewSet(NestedViewMixin, viewsets.ViewSet):
    scope_object = "batch_export"
