"""PostHog's ``BatchExportBackfillSerializer``: the backfill fields plus computed ``progress``."""

from __future__ import annotations

import math
from typing import Any

from rest_framework import serializers

from pulumi_posthog.local.dates import INTERVAL_DELTAS
from pulumi_posthog.local.models import BatchExportBackfill


def total_expected_runs(backfill: BatchExportBackfill) -> int | None:
    if backfill.end_at is None:
        return None
    if backfill.start_at is None:
        return 1
    delta = INTERVAL_DELTAS.get(backfill.batch_export.interval, INTERVAL_DELTAS["hour"])
    return math.ceil((backfill.end_at - backfill.start_at) / delta)


class BackfillSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = BatchExportBackfill
        fields = [
            "id",
            "progress",
            "start_at",
            "end_at",
            "status",
            "created_at",
            "finished_at",
            "last_updated_at",
            "total_records_count",
            "adjusted_start_at",
            "team",
            "batch_export",
        ]
        read_only_fields = fields

    def get_progress(self, obj: BatchExportBackfill) -> dict[str, Any] | None:
        total = total_expected_runs(obj)
        if obj.status == "Completed":
            return {"total_runs": total, "finished_runs": total, "progress": 1.0}
        if obj.status not in ("Running", "Starting") or not total or obj.start_at is None:
            return None
        finished = obj.runs.filter(status="Completed").count()
        total = max(total, finished)
        return {"total_runs": total, "finished_runs": finished, "progress": round(finished / total, 1)}
