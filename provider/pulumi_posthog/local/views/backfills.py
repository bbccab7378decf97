"""``…/batch_exports/{id}/backfills/``: create (201 uuid; 2025: 200 workflow id), list, retrieve, cancel."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pulumi_posthog.local import backfilling
from pulumi_posthog.local.models import BatchExport, BatchExportBackfill
from pulumi_posthog.local.serializers.backfills import BackfillSerializer
from pulumi_posthog.local.settings import get_options
from pulumi_posthog.local.views.export_children import ExportChildViewSet, cursor_pages


class BackfillViewSet(ExportChildViewSet):
    serializer_class = BackfillSerializer
    pagination_class = cursor_pages(50)
    ordering_fields = ["created_at", "start_at"]

    def get_queryset(self) -> QuerySet[BatchExportBackfill]:
        backfilling.settle_backfills()
        return BatchExportBackfill.objects.filter(
            batch_export_id=self.export_id, batch_export__team=self.team
        ).select_related("batch_export")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        export = BatchExport.objects.filter(id=self.export_id, team=self.team).select_related("destination").first()
        if export is None:
            raise exceptions.NotFound("BatchExport not found.")
        if get_options().profile == "latest":
            backfill_id = backfilling.create_latest(self.team, export, request.data)
            return Response({"backfill_id": str(backfill_id)}, status=status.HTTP_201_CREATED)
        created = backfilling.create_2025(self.team, export, request.data)
        return Response({"backfill_id": created.workflow_id})

    @action(methods=["POST"], detail=True, required_scopes=["batch_export:write"])
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        backfilling.cancel(self.get_object())
        return Response({"cancelled": True})
