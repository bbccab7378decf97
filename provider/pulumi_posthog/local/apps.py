"""The Django app that holds posthog-local's models."""

from django.apps import AppConfig


class PostHogLocalConfig(AppConfig):
    name = "pulumi_posthog.local"
    label = "posthog"
    verbose_name = "posthog-local"
    default_auto_field = "django.db.models.BigAutoField"
