"""The shapes of what the ``get_*`` functions return: PostHog's JSON, typed for IDEs and type checkers.

They are plain dicts at run time (``TypedDict``); ``total=False`` because PostHog versions differ in what they send.
Keys follow PostHog's serializers (posthog/api/organization.py, posthog/api/team.py, posthog/batch_exports/http.py).
"""

from __future__ import annotations

from typing import Any, TypedDict


class ProjectRef(TypedDict, total=False):
    """An organization's project, as its ``projects`` list holds it."""

    id: int
    name: str
    organization_id: str


class TeamRef(TypedDict, total=False):
    """An organization's environment (team), as its ``teams`` list holds it (PostHog's TeamBasicSerializer)."""

    id: int
    uuid: str
    project_id: int
    name: str
    api_token: str
    timezone: str


class OrganizationInfo(TypedDict, total=False):
    """An organization (PostHog's OrganizationSerializer)."""

    id: str
    name: str
    slug: str
    logo_media_id: str | None
    created_at: str
    updated_at: str
    membership_level: int | None
    member_count: int
    projects: list[ProjectRef]
    teams: list[TeamRef]
    enforce_2fa: bool | None
    members_can_invite: bool | None
    members_can_create_projects: bool | None
    members_can_use_personal_api_keys: bool
    allow_publicly_shared_resources: bool
    is_member_join_email_enabled: bool
    is_ai_data_processing_approved: bool | None
    is_ai_training_opted_in: bool | None
    is_ai_training_locked: bool | None
    default_experiment_stats_method: str | None
    default_anonymize_ips: bool
    default_role_id: str | None
    is_hipaa: bool | None
    is_pending_deletion: bool | None
    available_product_features: list[dict[str, Any]]


class DestinationInfo(TypedDict, total=False):
    """A batch export's destination (secrets are never in it)."""

    type: str
    config: dict[str, Any]
    integration: int | None


class BatchExportInfo(TypedDict, total=False):
    """A batch export (PostHog's BatchExportSerializer)."""

    id: str
    team_id: int
    name: str
    model: str | None
    destination: DestinationInfo
    interval: str
    paused: bool
    created_at: str
    last_updated_at: str
    last_paused_at: str | None
    start_at: str | None
    end_at: str | None
    offset_day: int | None
    offset_hour: int | None
    timezone: str | None
    hogql_query: str | None
    schema: dict[str, Any] | None
    filters: list[dict[str, Any]] | None


__all__ = ["BatchExportInfo", "DestinationInfo", "OrganizationInfo", "ProjectRef", "TeamRef"]
