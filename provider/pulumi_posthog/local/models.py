"""posthog-local's database: users, organizations, projects, keys, integrations and batch exports."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
import uuid
from typing import Any, TypeVar

from django.db import models

F = TypeVar("F", bound=models.Field)


def uuidt() -> uuid.UUID:
    """A time-ordered UUID (48-bit millisecond timestamp, then random bits), like PostHog's UUIDT."""
    millis = int(time.time() * 1000)
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis << 80) | rand
    value &= ~(0xF000 << 64)
    value |= 0x7000 << 64  # version 7
    value &= ~(0xC000 << 48)
    value |= 0x8000 << 48  # RFC 4122 variant
    return uuid.UUID(int=value)


def hash_key_value(value: str) -> str:
    """PostHog stores only a hash of a personal API key; so do we."""
    return "sha256$" + hashlib.sha256(value.encode()).hexdigest()


def new_key_id() -> str:
    return secrets.token_urlsafe(16)


def optional(field_class: type[F], *args: Any, **kwargs: Any) -> F:
    """A column that may be null and be left blank (Django's ``null=True, blank=True``)."""
    return field_class(*args, null=True, blank=True, **kwargs)


def refers_to(to: Any, related_name: str) -> models.ForeignKey:
    """An optional foreign key, set to null when the row it points to is deleted."""
    return optional(models.ForeignKey, to, on_delete=models.SET_NULL, related_name=related_name)


class User(models.Model):
    uuid = models.UUIDField(default=uuidt, unique=True, editable=False)
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=150, blank=True, default="")
    last_name = models.CharField(max_length=150, blank=True, default="")
    distinct_id = models.CharField(max_length=200, default="", blank=True)
    current_organization = refers_to("Organization", "+")
    current_team = refers_to("Team", "+")
    date_joined = models.DateTimeField(auto_now_add=True)

    is_active = True
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def organization(self) -> Organization | None:
        if (
            self.current_organization_id is None
            or not self.memberships.filter(organization_id=self.current_organization_id).exists()
        ):
            membership = self.memberships.order_by("joined_at").first()
            return membership.organization if membership else None
        return self.current_organization

    @property
    def team(self) -> Team | None:
        org = self.organization
        if org is None:
            return None
        if self.current_team_id and self.current_team and self.current_team.organization_id == org.id:
            return self.current_team
        return org.teams.order_by("id").first()


class Organization(models.Model):
    class PluginsAccessLevel(models.IntegerChoices):
        NONE = 0
        CONFIG = 3
        INSTALL = 6
        ROOT = 9

    id = models.UUIDField(primary_key=True, default=uuidt, editable=False)
    name = models.CharField(max_length=64)
    slug = models.CharField(max_length=48, unique=True)
    logo_media_id = optional(models.UUIDField)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    plugins_access_level = models.PositiveSmallIntegerField(default=PluginsAccessLevel.CONFIG)
    available_product_features = optional(models.JSONField, default=list)
    customer_id = optional(models.CharField, max_length=200)
    is_member_join_email_enabled = models.BooleanField(default=True)
    enforce_2fa = optional(models.BooleanField)
    members_can_invite = optional(models.BooleanField, default=True)
    members_can_use_personal_api_keys = models.BooleanField(default=True)
    allow_publicly_shared_resources = models.BooleanField(default=True)
    is_ai_data_processing_approved = optional(models.BooleanField)
    default_experiment_stats_method = optional(models.CharField, max_length=20, default="bayesian")
    default_role_id = optional(models.CharField, max_length=200)
    # Newest PostHog (posthog/api/organization.py, its generated OrganizationApi type).
    members_can_create_projects = optional(models.BooleanField, default=False)
    members_can_see_org_members = models.BooleanField(default=True)
    enforce_verified_domains = models.BooleanField(default=False)
    is_ai_training_opted_in = optional(models.BooleanField, default=False)
    is_ai_training_locked = optional(models.BooleanField, default=False)
    is_ai_training_cta_shown = optional(models.BooleanField, default=False)
    is_hipaa = optional(models.BooleanField, default=False)
    is_pending_deletion = optional(models.BooleanField, default=False)
    default_anonymize_ips = models.BooleanField(default=False)
    # Stands in for PostHog's Redis flag "environments rollback already requested".
    environments_rollback_requested = models.BooleanField(default=False)


class OrganizationMembership(models.Model):
    class Level(models.IntegerChoices):
        MEMBER = 1, "member"
        ADMIN = 8, "administrator"
        OWNER = 15, "owner"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="unique_membership")]


class Project(models.Model):
    id = models.BigIntegerField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200, default="Default project")
    created_at = models.DateTimeField(auto_now_add=True)
    product_description = optional(models.TextField)


class Team(models.Model):
    """An environment; the default team of a project shares its id."""

    id = models.BigAutoField(primary_key=True)
    uuid = models.UUIDField(default=uuidt, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200, default="Default project")
    api_token = models.CharField(max_length=200, unique=True, default="")
    timezone = models.CharField(max_length=240, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)
    # Feature flags enabled for this team through /_local/ (PostHog evaluates them per team).
    feature_flags = models.JSONField(default=list, blank=True)
    anonymize_ips = models.BooleanField(default=False)
    app_urls = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True, null=True)

    def has_flag(self, key: str) -> bool:
        return key in (self.feature_flags or [])


class PersonalAPIKey(models.Model):
    id = models.CharField(primary_key=True, max_length=50, default=new_key_id)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="personal_api_keys")
    label = models.CharField(max_length=40, default="")
    secure_value = models.CharField(max_length=300, unique=True)
    mask_value = models.CharField(max_length=11, default="")
    scopes = models.JSONField(default=list, blank=True)
    scoped_organizations = models.JSONField(default=list, blank=True)
    scoped_teams = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = optional(models.DateTimeField)


class Integration(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="integrations")
    kind = models.CharField(max_length=32)
    integration_id = optional(models.TextField)
    config = models.JSONField(default=dict)
    sensitive_config = models.JSONField(default=dict)
    errors = models.TextField(default="", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = refers_to(User, "+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "kind", "integration_id"], name="posthog_integration_kind_id_unique"
            )
        ]


class BatchExportDestination(models.Model):
    id = models.UUIDField(primary_key=True, default=uuidt, editable=False)
    type = models.CharField(max_length=64)
    config = models.JSONField(default=dict, blank=True)
    integration = refers_to(Integration, "destinations")
    created_at = models.DateTimeField(auto_now_add=True)
    last_updated_at = models.DateTimeField(auto_now=True)


class BatchExport(models.Model):
    id = models.UUIDField(primary_key=True, default=uuidt, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="batch_exports")
    name = models.TextField()
    model = optional(models.CharField, max_length=64, default="events")
    destination = models.OneToOneField(BatchExportDestination, on_delete=models.CASCADE)
    interval = models.CharField(max_length=64, default="hour")
    paused = models.BooleanField(default=False)
    deleted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_updated_at = models.DateTimeField(auto_now=True)
    last_paused_at = optional(models.DateTimeField)
    start_at = optional(models.DateTimeField)
    end_at = optional(models.DateTimeField)
    interval_offset = optional(models.IntegerField)
    timezone = models.CharField(max_length=240, default="UTC")
    hogql_query = optional(models.TextField)
    schema = optional(models.JSONField)
    filters = optional(models.JSONField)
    created_by = refers_to(User, "+")
    # Newest PostHog keeps these three on a BatchExportSource (hogql model only); posthog-local on the export.
    hogql_modifiers = optional(models.JSONField)
    primary_key = optional(models.JSONField)
    version_key = optional(models.JSONField)
    incremental_mode = models.CharField(max_length=64, default="APPEND")

    @property
    def offset_day(self) -> int | None:
        if self.interval != "week":
            return None
        return (self.interval_offset or 0) // 86400

    @property
    def offset_hour(self) -> int | None:
        if self.interval not in ("day", "week"):
            return None
        return ((self.interval_offset or 0) % 86400) // 3600


class BatchExportBackfill(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    batch_export = models.ForeignKey(BatchExport, on_delete=models.CASCADE, related_name="backfills")
    start_at = optional(models.DateTimeField)
    end_at = optional(models.DateTimeField)
    status = models.CharField(max_length=64, default="Running")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = optional(models.DateTimeField)
    last_updated_at = models.DateTimeField(auto_now=True)
    total_records_count = optional(models.BigIntegerField)
    adjusted_start_at = optional(models.DateTimeField)
    workflow_id = models.TextField(default="", blank=True)


class BatchExportRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuidt, editable=False)
    batch_export = models.ForeignKey(BatchExport, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=64)
    records_completed = optional(models.IntegerField)
    records_failed = optional(models.IntegerField)
    latest_error = optional(models.TextField)
    data_interval_start = optional(models.DateTimeField)
    data_interval_end = models.DateTimeField()
    cursor = optional(models.TextField)
    created_at = models.DateTimeField()
    finished_at = optional(models.DateTimeField)
    last_updated_at = models.DateTimeField(auto_now=True)
    records_total_count = optional(models.IntegerField)
    bytes_exported = optional(models.BigIntegerField)
    backfill = refers_to(BatchExportBackfill, "runs")
    batch_export_on_demand = optional(models.UUIDField)
