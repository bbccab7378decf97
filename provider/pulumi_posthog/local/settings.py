"""Django settings for posthog-local, built at start-up from the command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROFILES = ("latest", "2025")
DEFAULT_API_KEY = "phx_posthog_local_development_key"


@dataclass(frozen=True)
class LocalOptions:
    """What the command line chose; read by views through ``get_options()``."""

    db_path: Path
    profile: str = "latest"
    api_key: str = DEFAULT_API_KEY
    site_url: str = "http://127.0.0.1:8010"


_options: LocalOptions | None = None


def get_options() -> LocalOptions:
    if _options is None:
        raise RuntimeError("posthog-local is not configured; call configure() first")
    return _options


def configure(options: LocalOptions) -> None:
    """Configure Django for this process (once) and remember the options."""
    global _options
    import django
    from django.conf import settings

    _options = options
    if settings.configured:
        return
    settings.configure(**django_settings(options))
    django.setup()


def django_settings(options: LocalOptions) -> dict[str, Any]:
    return {
        "DEBUG": False,
        "SECRET_KEY": "posthog-local-not-a-secret",
        "ALLOWED_HOSTS": ["*"],
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "APPEND_SLASH": False,
        "ROOT_URLCONF": "pulumi_posthog.local.urls",
        "INSTALLED_APPS": ["rest_framework", "pulumi_posthog.local.apps.PostHogLocalConfig"],
        "MIDDLEWARE": [
            "pulumi_posthog.local.middleware.RequestCounterMiddleware",
            "pulumi_posthog.local.middleware.EnvironmentsRewriteMiddleware",
            "pulumi_posthog.local.middleware.FaultInjectionMiddleware",
        ],
        "DATABASES": {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(options.db_path),
                "OPTIONS": {
                    "timeout": 30,
                    "transaction_mode": "IMMEDIATE",
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                },
            }
        },
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "LOGGING_CONFIG": None,
        "REST_FRAMEWORK": {
            "DEFAULT_AUTHENTICATION_CLASSES": ["pulumi_posthog.local.auth.PersonalAPIKeyAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
            "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
            "DEFAULT_THROTTLE_CLASSES": [
                "pulumi_posthog.local.throttling.BurstRateThrottle",
                "pulumi_posthog.local.throttling.SustainedRateThrottle",
            ],
            "PAGE_SIZE": 100,
            "EXCEPTION_HANDLER": "pulumi_posthog.local.errors.exception_handler",
            "UNAUTHENTICATED_USER": None,
            "UNAUTHENTICATED_TOKEN": None,
        },
    }
