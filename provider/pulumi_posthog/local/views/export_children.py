"""What the viewsets under one batch export (``…/{id}/backfills/``, ``…/{id}/runs/``) share."""

from __future__ import annotations

import uuid

from rest_framework import filters, mixins, viewsets
from rest_framework.pagination import CursorPagination

from pulumi_posthog.local.errors import ServerError
from pulumi_posthog.local.mixins import NestedViewMixin


def parent_export_id(raw: str) -> uuid.UUID:
    """PostHog filters on the raw id: a malformed UUID is a Django ValidationError there, so a 500."""
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise ServerError() from None


def cursor_pages(size: int) -> type[CursorPagination]:
    """DRF's cursor pagination, ``size`` rows a page (PostHog's per-route ``page_size``)."""
    return type(f"CursorPagination{size}", (CursorPagination,), {"page_size": size})


class ExportChildViewSet(NestedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and retrieve the rows of the export in the URL, newest first unless ``?ordering=`` (one of the
    subclass's ``ordering_fields``) says otherwise; custom actions set their scopes."""

    scope_object = "batch_export"
    required_scopes: list[str] | None = None  # set per custom action through @action(required_scopes=...)
    filter_backends = [filters.OrderingFilter]
    ordering = "-created_at"
    lookup_value_regex = "[^/]+"

    @property
    def export_id(self) -> uuid.UUID:
        return parent_export_id(self.kwargs["batch_export_id"])
