"""``/api/projects/{id}/integrations/``. STUB: being written."""

from rest_framework import viewsets

from pulumi_posthog.local.mixins import NestedViewMixin


class IntegrationViewSet(NestedViewMixin, viewsets.ViewSet):
    scope_object = "integration"
