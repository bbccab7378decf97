"""PostHog's ``BatchExportRunSerializer``: every run field, ``batch_export`` read-only."""

from __future__ import annotations

from rest_framework import serializers

from pulumi_posthog.local.models import BatchExportRun


class BatchExportRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = BatchExportRun
        fields = "__all__"
        read_only_fields = ["batch_export"]
