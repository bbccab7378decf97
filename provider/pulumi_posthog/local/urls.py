"""posthog-local's routes: PostHog's API paths (trailing slash optional) and the /_local/ control API."""

from __future__ import annotations

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from pulumi_posthog.local.errors import api_not_found
from pulumi_posthog.local.settings import get_options
from pulumi_posthog.local.views import (
    backfills,
    batch_exports,
    control,
    integrations,
    introspection,
    organizations,
    projects,
    runs,
)

PROJECT = r"projects/(?P<project_id>[^/]+)"
EXPORT = PROJECT + r"/batch_exports/(?P<batch_export_id>[^/]+)"


class Router(SimpleRouter):
    """PostHog's DefaultRouterPlusPlus: every route takes its trailing slash as optional."""

    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = r"/?"


def api_router() -> Router:
    router = Router()
    router.register(r"organizations", organizations.OrganizationViewSet, basename="organizations")
    router.register(r"projects", projects.ProjectViewSet, basename="projects")
    router.register(
        r"organizations/(?P<organization_id>[^/]+)/projects",
        projects.OrganizationProjectViewSet,
        basename="organization_projects",
    )
    router.register(r"personal_api_keys", introspection.PersonalAPIKeyViewSet, basename="personal_api_keys")
    router.register(r"users", introspection.UserViewSet, basename="users")
    router.register(PROJECT + r"/batch_exports", batch_exports.BatchExportViewSet, basename="batch_exports")
    router.register(EXPORT + r"/backfills", backfills.BackfillViewSet, basename="backfills")
    router.register(EXPORT + r"/runs", runs.RunViewSet, basename="runs")
    router.register(PROJECT + r"/integrations", integrations.IntegrationViewSet, basename="integrations")
    if get_options().profile == "2025":
        router.register(
            r"organizations/(?P<organization_id>[^/]+)/batch_exports",
            batch_exports.BatchExportOrganizationViewSet,
            basename="organization_batch_exports",
        )
    return router


_local = [
    path("info", control.info),
    path("users", control.users),
    path("memberships", control.memberships),
    path("keys", control.keys),
    path("projects", control.projects),
    path("environments", control.environments),
    path("projects/<int:project_id>/feature-flags", control.feature_flags),
    path("organizations/<str:organization_id>/features", control.organization_features),
    path("rate-limits", control.rate_limits),
    path("faults", control.faults),
    path("requests", control.requests_seen),
    path("backfills", control.backfill_settings),
    path("aws", control.aws),
    path("dns", control.dns),
    path("destination-tests", control.destination_tests),
    path("backfills/<str:backfill_id>", control.backfill_status),
    path("batch-exports/<str:batch_export_id>/runs", control.simulate_runs),
    path("batch-exports/<str:batch_export_id>/legacy-query", control.legacy_query),
    path("reset", control.reset),
]

urlpatterns = [
    path("api/", include(api_router().urls)),
    re_path(r"^api/.*$", api_not_found),
    path("_local/", include(_local)),
]

handler404 = "pulumi_posthog.local.errors.api_not_found"
handler500 = "pulumi_posthog.local.errors.server_error"
