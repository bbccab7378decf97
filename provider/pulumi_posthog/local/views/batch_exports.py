"""``/api/projects/{id}/batch_exports/`` and (2025 profile) ``/api/organizations/{id}/batch_exports/``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pulumi_posthog.local import backfilling, destination_tests
from pulumi_posthog.local.destinations import catalogue
from pulumi_posthog.local.errors import ServerError
from pulumi_posthog.local.mixins import NestedViewMixin
from pulumi_posthog.local.models import BatchExport, BatchExportBackfill, BatchExportRun
from pulumi_posthog.local.serializers.batch_export import BatchExportSerializer
from pulumi_posthog.local.settings import get_options

WRITE = ["batch_export:write"]
READ = ["batch_export:read"]
# PostHog PR #53229 (2026-04) opened these to scoped keys; before it they were required_scopes=["INTERNAL"]
# (products/batch_exports/backend/api/batch_export.py), which only a key with scope '*' passes.
TEST_ACTIONS = ("test", "run_test_step_new", "run_test_step")


class UnpauseSerializer(serializers.Serializer):
    backfill = serializers.BooleanField(required=False, default=False)


def soft_delete(export: BatchExport) -> None:
    """PostHog's ``delete_batch_export``: mark deleted, pause, cancel running backfills and runs."""
    backfilling.settle_backfills()
    now = timezone.now()
    with transaction.atomic():
        export.deleted = True
        if not export.paused:
            export.paused = True
            export.last_paused_at = now
        export.save()
        BatchExportBackfill.objects.filter(batch_export=export, status__in=backfilling.ACTIVE).update(
            status="Cancelled", finished_at=now, last_updated_at=now
        )
        BatchExportRun.objects.filter(batch_export=export, status__in=backfilling.ACTIVE).update(
            status="Cancelled", finished_at=now
        )


class BatchExportViewSet(NestedViewMixin, viewsets.ModelViewSet):
    scope_object = "batch_export"
    required_scopes: list[str] | None = None  # set per custom action through @action(required_scopes=...)
    serializer_class = BatchExportSerializer
    lookup_value_regex = "[^/]+"

    @classmethod
    def get_extra_actions(cls) -> list[Any]:
        """The deprecated singular ``/backfill/`` action exists only in the 2025 profile."""
        actions = super().get_extra_actions()
        if get_options().profile != "2025":
            actions = [a for a in actions if a.__name__ != "backfill"]
        return actions

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if self.action in TEST_ACTIONS and get_options().profile == "2025":
            self.required_scopes = ["INTERNAL"]
        super().initial(request, *args, **kwargs)

    def scope(self, queryset: QuerySet[BatchExport]) -> QuerySet[BatchExport]:
        # The project route filters on team__project_id: every environment of the project is visible.
        return queryset.filter(team__project_id=self.team.project_id)

    def get_queryset(self) -> QuerySet[BatchExport]:
        queryset = (
            BatchExport.objects.filter(deleted=False)
            .select_related("destination", "destination__integration")
            .order_by("-created_at")
        )
        queryset = self.scope(queryset)
        if self.action == "list":
            queryset = queryset.exclude(destination__type="Workflows")
        return queryset

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "team": self.team_or_none()}

    def perform_destroy(self, instance: BatchExport) -> None:
        soft_delete(instance)

    @action(methods=["POST"], detail=True, required_scopes=WRITE)
    def pause(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        export = self.get_object()
        if not export.paused:
            export.paused = True
            export.last_paused_at = timezone.now()
            export.save()
        return Response({"paused": True})

    @action(methods=["POST"], detail=True, required_scopes=WRITE)
    def unpause(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if getattr(request.user, "team", None) is None:
            raise exceptions.NotAuthenticated()  # PostHog needs request.user.current_team here
        if get_options().profile == "latest":
            body = UnpauseSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            backfill = body.validated_data["backfill"]
        else:
            if not hasattr(request.data, "get"):
                raise ServerError()
            # 2025's unpause_batch_export only skips the backfill when the value `is False`.
            backfill = request.data.get("backfill", False) is not False
        export = self.get_object()
        if export.paused:
            export.paused = False
            export.save()
            if backfill:
                export.refresh_from_db()
                backfilling.start_backfill(export.team, export, export.last_paused_at, export.last_updated_at)
        return Response({"paused": False})

    @action(methods=["POST"], detail=True, required_scopes=WRITE)
    def backfill(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Deprecated (2025 only): 200 with the Temporal workflow id."""
        export = self.get_object()
        team = self.team_or_none()
        if team is None:
            raise ServerError()  # PostHog's self.team on the organization route: KeyError 'team_id'
        created = backfilling.create_2025(team, export, request.data)
        return Response({"backfill_id": created.workflow_id})

    # -- destination tests (products/batch_exports/backend/presentation/views/batch_export/exports.py) ----------
    @action(methods=["GET"], detail=False, required_scopes=READ)
    def test(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The steps of a destination type's test, none run: 400 (no body) without ``destination``, 404 (no
        body) for a type without a test."""
        destination = request.query_params.get("destination", None)
        if not destination:
            return Response(status=400)
        try:
            return Response(destination_tests.describe(get_options().profile, destination))
        except destination_tests.UnsupportedDestination:
            return Response(status=404)

    @action(methods=["POST"], detail=False, required_scopes=WRITE)
    def run_test_step_new(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One step (``step``, default 0) for a create body: validated as a create, then run (200 even when the
        step fails)."""
        data = _mutable(request.data)
        step = data.pop("step", 0)
        return self._run_test_step(data, step)

    @action(methods=["POST"], detail=True, required_scopes=WRITE)
    def run_test_step(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The same for an existing export: the body's ``destination.config`` is laid over the stored one."""
        data = _mutable(request.data)
        step = data.pop("step", 0)
        export = self.get_object()
        spec = catalogue(get_options().profile).get(export.destination.type)
        fields = (spec.field_names() | set(spec.base_inputs)) if spec else set()
        stored = {k: v for k, v in (export.destination.config or {}).items() if k in fields}
        destination = data.get("destination")
        if not isinstance(destination, dict) or not isinstance(destination.get("config"), dict):
            raise ServerError()  # PostHog: data["destination"]["config"] → KeyError/TypeError, a 500
        data["destination"] = {**destination, "config": {**stored, **destination["config"]}}
        return self._run_test_step(data, step)

    def _run_test_step(self, data: dict[str, Any], step: Any) -> Response:
        serializer = self.get_serializer(data=data)
        serializer.is_valid(raise_exception=True)
        destination = serializer.validated_data["destination"]
        integration = destination.get("integration")
        config = dict(destination["config"])
        if integration is not None:
            config = {**config, **integration.config, **integration.sensitive_config}
        try:
            result = destination_tests.run_step(
                get_options().profile, destination["type"], step, config, integration is not None
            )
        except (destination_tests.UnsupportedDestination, IndexError, TypeError):
            raise ServerError() from None  # PostHog: ValueError / self.steps[step] uncaught → 500
        return Response(result)


def _mutable(data: Any) -> dict[str, Any]:
    """PostHog pops ``step`` off ``request.data``: a JSON body that is not an object fails there (a 500)."""
    if not isinstance(data, dict):
        raise ServerError()
    return dict(data)


class BatchExportOrganizationViewSet(BatchExportViewSet):
    """2025 only: exports of every project in the organization; create fails as PostHog's does (500)."""

    def scope(self, queryset: QuerySet[BatchExport]) -> QuerySet[BatchExport]:
        return queryset.filter(team__organization=self.organization)
