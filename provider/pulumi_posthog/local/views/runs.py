"""``…/batch_exports/{id}/runs/``: runs inside PostHog's default seven-day window, plus retry and cancel."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pulumi_posthog.local import backfilling
from pulumi_posthog.local.dates import relative_date_parse, zone
from pulumi_posthog.local.models import BatchExportRun
from pulumi_posthog.local.serializers.runs import BatchExportRunSerializer
from pulumi_posthog.local.settings import get_options
from pulumi_posthog.local.views.export_children import ExportChildViewSet, cursor_pages


class RunViewSet(ExportChildViewSet):
    serializer_class = BatchExportRunSerializer
    pagination_class = cursor_pages(100)
    ordering_fields = ["created_at", "data_interval_start"]

    def get_queryset(self) -> QuerySet[BatchExportRun]:
        """As PostHog's ``safely_get_queryset`` (for retrieve too): ``after``/``before`` on ``created_at``
        (default the last 7 days), or ``start``/``end`` on the data interval when ordering by it."""
        params = self.request.query_params
        tzinfo = zone(self.team.timezone)
        queryset = BatchExportRun.objects.filter(batch_export__team=self.team, batch_export_id=self.export_id)
        if params.get("ordering") in ("data_interval_start", "-data_interval_start"):
            start = relative_date_parse(params.get("start") or "-7d", tzinfo)
            end = relative_date_parse(params["end"], tzinfo) if params.get("end") else timezone.now()
            queryset = queryset.filter(data_interval_start__gte=start, data_interval_end__lte=end)
        else:
            after = relative_date_parse(params.get("after") or "-7d", tzinfo)
            before = relative_date_parse(params["before"], tzinfo) if params.get("before") else timezone.now()
            queryset = queryset.filter(created_at__range=(after, before))
        statuses = params.getlist("status")
        if statuses and get_options().profile == "latest":
            queryset = queryset.filter(status__in=statuses)
        return queryset

    @action(methods=["POST"], detail=True, required_scopes=["batch_export:write"])
    def retry(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A retry is a backfill of the run's data interval. It answers what ``backfill_export`` returns, the
        workflow id (newest: with a 201; 2025: a 200)."""
        run = self.get_object()
        created = backfilling.start_backfill(
            self.team, run.batch_export, run.data_interval_start, run.data_interval_end
        )
        if get_options().profile == "latest":
            return Response({"backfill_id": created.workflow_id}, status=status.HTTP_201_CREATED)
        return Response({"backfill_id": created.workflow_id})

    @action(methods=["POST"], detail=True, required_scopes=["batch_export:write"])
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        backfilling.cancel(self.get_object(), "run")
        return Response({"cancelled": True})
