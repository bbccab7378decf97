"""``…/batch_exports/{id}/runs/``. STUB: being written."""

from rest_framework import viewsets

from pulumi_posthog.local.mixins import NestedViewMixin


class RunViewSet(NestedViewMixin, viewsets.ViewSet):
    scope_object = "batch_export"
