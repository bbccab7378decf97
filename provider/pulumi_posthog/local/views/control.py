"""``/_local/``: test control for posthog-local only (users, keys, flags, limits, faults, runs, tests, reset)."""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from pulumi_posthog.local import hogql, state
from pulumi_posthog.local.bootstrap import bootstrap, mask
from pulumi_posthog.local.destination_tests import CATALOGUE as destination_test_catalogue
from pulumi_posthog.local.errors import envelope
from pulumi_posthog.local.integration_kinds.network import canonical_host
from pulumi_posthog.local.models import (
    BatchExport,
    BatchExportBackfill,
    BatchExportRun,
    Organization,
    OrganizationMembership,
    PersonalAPIKey,
    Project,
    Team,
    User,
    hash_key_value,
)
from pulumi_posthog.local.projects import create_environment, create_project_with_team
from pulumi_posthog.local.settings import get_options

LEVELS = {"member": 1, "admin": 8, "administrator": 8, "owner": 15}
FAILED_STATUSES = ("Failed", "FailedRetryable", "FailedBilling")
AUTO_PAUSE_AFTER = 3

View = Callable[..., JsonResponse]


class ControlError(Exception):
    def __init__(self, detail: str, status: int = 400, attr: str | None = None) -> None:
        super().__init__(detail)
        self.detail, self.status, self.attr = detail, status, attr


def control_view(methods: tuple[str, ...]) -> Callable[[View], View]:
    """Only the bootstrap key may call /_local/; bodies are JSON; errors use PostHog's envelope."""

    def decorate(func: View) -> View:
        @csrf_exempt
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
            header = request.META.get("HTTP_AUTHORIZATION", "")
            token = header[7:].strip() if header.lower().startswith("bearer ") else ""
            if not token or not hmac.compare_digest(token, get_options().api_key):
                return envelope(
                    401,
                    "authentication_failed",
                    "The /_local/ API needs posthog-local's bootstrap key.",
                    "authentication_error",
                )
            if request.method not in methods:
                return envelope(405, "method_not_allowed", f'Method "{request.method}" not allowed.', "invalid_request")
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                return envelope(400, "parse_error", "JSON parse error.", "invalid_request")
            if not isinstance(body, dict):
                return envelope(400, "invalid_input", "Expected a JSON object.", "validation_error")
            try:
                result = func(request, body, *args, **kwargs)
            except ControlError as exc:
                return envelope(exc.status, "invalid_input", exc.detail, "validation_error", exc.attr)
            return result

        return wrapper

    return decorate


def _get(model: Any, detail: str, **lookup: Any) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        raise ControlError(detail, status=404)
    return obj


def _level(value: Any) -> int:
    if isinstance(value, str):
        value = LEVELS.get(value.lower(), value)
    if value not in (1, 8, 15):
        raise ControlError("level must be member (1), admin (8) or owner (15).", attr="level")
    return int(value)


@control_view(("GET",))
def info(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    boot = bootstrap(get_options().api_key)
    return JsonResponse(
        {
            "profile": get_options().profile,
            "organization": str(boot.organization.id),
            "project": boot.team.project_id,
            "user": boot.user.id,
        }
    )


@control_view(("POST",))
def users(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """Create a user who belongs to an organization at a membership level."""
    org = _get(Organization, "Organization not found.", id=body.get("organization_id"))
    email = body.get("email") or f"user-{secrets.token_hex(4)}@posthog-local.dev"
    with transaction.atomic():
        user = User.objects.create(email=email, first_name=body.get("first_name", ""))
        OrganizationMembership.objects.create(organization=org, user=user, level=_level(body.get("level", "member")))
        user.current_organization = org
        user.current_team = org.teams.order_by("id").first()
        user.save()
    return JsonResponse({"id": user.id, "uuid": str(user.uuid), "email": user.email}, status=201)


@control_view(("POST",))
def memberships(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """Add (or change) a user's membership in an organization."""
    org = _get(Organization, "Organization not found.", id=body.get("organization_id"))
    user = _get(User, "User not found.", id=body.get("user_id"))
    membership, _ = OrganizationMembership.objects.update_or_create(
        organization=org, user=user, defaults={"level": _level(body.get("level", "member"))}
    )
    return JsonResponse({"organization_id": str(org.id), "user_id": user.id, "level": membership.level})


@control_view(("POST",))
def keys(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """Create a personal API key for a user, with scopes and optional scoped organizations/projects."""
    user_id = body.get("user_id")
    user = _get(User, "User not found.", id=user_id) if user_id is not None else bootstrap(get_options().api_key).user
    scopes = body.get("scopes", ["*"])
    if not isinstance(scopes, list):
        raise ControlError("scopes must be a list.", attr="scopes")
    value = "phx_" + secrets.token_urlsafe(30)
    key = PersonalAPIKey.objects.create(
        user=user,
        label=str(body.get("label", "test key"))[:40],
        secure_value=hash_key_value(value),
        mask_value=mask(value),
        scopes=scopes,
        scoped_organizations=[str(o) for o in body.get("scoped_organizations") or []],
        scoped_teams=[int(t) for t in body.get("scoped_teams") or []],
    )
    return JsonResponse(
        {
            "id": key.id,
            "key": value,
            "user_id": user.id,
            "scopes": key.scopes,
            "scoped_organizations": key.scoped_organizations,
            "scoped_teams": key.scoped_teams,
        },
        status=201,
    )


@control_view(("POST",))
def projects(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """Create another project (with its default environment) in an organization."""
    org = _get(Organization, "Organization not found.", id=body.get("organization_id"))
    team = create_project_with_team(org, name=body.get("name", "Another project"))
    return JsonResponse({"id": team.project_id, "team_id": team.id, "name": team.name}, status=201)


@control_view(("POST",))
def environments(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """Create another environment (team) inside a project."""
    project = _get(Project, "Project not found.", id=body.get("project_id"))
    team = create_environment(project, name=body.get("name", "Another environment"))
    return JsonResponse({"id": team.id, "project_id": project.id, "name": team.name}, status=201)


@control_view(("GET", "PUT"))
def feature_flags(request: HttpRequest, body: dict[str, Any], project_id: int) -> JsonResponse:
    """Turn PostHog feature flags on or off for a project's team: ``{"flags": {"key": true}}``."""
    team = _get(Team, "Project not found.", id=project_id)
    if request.method == "PUT":
        flags = set(team.feature_flags or [])
        for flag, enabled in (body.get("flags") or {}).items():
            (flags.add if enabled else flags.discard)(flag)
        team.feature_flags = sorted(flags)
        team.save(update_fields=["feature_flags"])
    return JsonResponse({"project_id": team.id, "flags": team.feature_flags})


@control_view(("PUT",))
def organization_features(request: HttpRequest, body: dict[str, Any], organization_id: str) -> JsonResponse:
    """Set an organization's billing features (``available_product_features`` keys)."""
    org = _get(Organization, "Organization not found.", id=organization_id)
    features = body.get("features")
    if not isinstance(features, list):
        raise ControlError("features must be a list of feature keys.", attr="features")
    org.available_product_features = [{"key": f, "name": f} for f in features]
    org.save(update_fields=["available_product_features"])
    return JsonResponse({"organization_id": str(org.id), "features": features})


@control_view(("GET", "PUT"))
def rate_limits(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """PostHog's per-key throttles: ``{"enabled": true, "burst": "480/minute", "sustained": "4800/hour"}``."""
    current = state.get()
    if request.method == "PUT":
        from django.core.cache import cache

        current.rate_limit_enabled = bool(body.get("enabled", current.rate_limit_enabled))
        current.burst_rate = str(body.get("burst", current.burst_rate))
        current.sustained_rate = str(body.get("sustained", current.sustained_rate))
        cache.clear()
    return JsonResponse(
        {"enabled": current.rate_limit_enabled, "burst": current.burst_rate, "sustained": current.sustained_rate}
    )


FAULT_KEYS = ("status", "latency_ms", "drop", "when", "count", "share", "method", "path")


@control_view(("GET", "POST", "DELETE"))
def faults(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """Inject faults into /api/ requests: a status code, added latency, or a dropped connection."""
    if request.method == "DELETE":
        state.clear_faults()
        return JsonResponse({"faults": []})
    if request.method == "POST":
        unknown = sorted(set(body) - set(FAULT_KEYS))
        if unknown:
            raise ControlError(f"Unknown fault keys: {unknown}.")
        spec = {k: body[k] for k in FAULT_KEYS if k in body}
        if not (spec.get("status") or spec.get("latency_ms") or spec.get("drop")):
            raise ControlError("A fault needs status, latency_ms or drop.")
        if spec.get("when", "before") not in ("before", "after"):
            raise ControlError("when must be 'before' or 'after'.", attr="when")
        if spec.get("count") is None and spec.get("share") is None:
            spec["count"] = 1
        fault = state.add_fault(**spec)
        return JsonResponse(fault.describe(), status=201)
    return JsonResponse({"faults": [f.describe() for f in state.get().faults]})


@control_view(("GET", "DELETE"))
def requests_seen(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """Counts of /api/ requests the server has answered (DELETE resets them)."""
    if request.method == "DELETE":
        state.clear_requests()
    return JsonResponse(state.request_counts())


@control_view(("GET", "PUT"))
def backfill_settings(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """How many backfills may run per team, how long a simulated backfill takes to complete, and how long after
    the 201 its row is written (``row_delay_seconds``, latest profile)."""
    current = state.get()
    if request.method == "PUT":
        if "max_concurrent" in body:
            current.max_concurrent_backfills = int(body["max_concurrent"])
        if "complete_after_seconds" in body:
            current.backfill_seconds = float(body["complete_after_seconds"])
        if "row_delay_seconds" in body:
            current.backfill_row_delay_seconds = _seconds(body, "row_delay_seconds")
    return JsonResponse(
        {
            "max_concurrent": current.max_concurrent_backfills,
            "complete_after_seconds": current.backfill_seconds,
            "row_delay_seconds": current.backfill_row_delay_seconds,
        }
    )


@control_view(("GET", "PUT"))
def aws(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """IAM propagation: ``{"assume_role_fails_for_seconds": N}`` makes the assume-role check of a role ARN first
    seen less than N seconds ago fail with PostHog's "AWS role ARN is not valid"; 0 turns it off."""
    current = state.get()
    if request.method == "PUT" and "assume_role_fails_for_seconds" in body:
        current.assume_role_fails_for_seconds = _seconds(body, "assume_role_fails_for_seconds")
    return JsonResponse({"assume_role_fails_for_seconds": current.assume_role_fails_for_seconds})


@control_view(("GET", "PUT"))
def dns(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """``{"unresolvable": [hosts]}``: host names that do not resolve (yet), refused where PostHog resolves hosts
    (Postgres/Redshift integrations and export hosts, integration endpoint URLs). PUT replaces the list."""
    current = state.get()
    if request.method == "PUT" and "unresolvable" in body:
        hosts = body["unresolvable"]
        if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
            raise ControlError("unresolvable must be a list of host names.", attr="unresolvable")
        current.unresolvable_hosts = frozenset(canonical_host(h) for h in hosts)
    return JsonResponse({"unresolvable": sorted(current.unresolvable_hosts)})


@control_view(("GET", "PUT"))
def destination_tests(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """``{"fail": {"<destination type>": "<message>"}}``: that type's destination test fails at its last step with
    PostHog's ``Failed`` result and the message (``{"step": n, "message": m}`` picks the step); every other step
    passes. PUT replaces the whole map; ``{"fail": {}}`` clears it."""
    if request.method == "PUT":
        fail = body.get("fail")
        if not isinstance(fail, dict):
            raise ControlError("fail must be an object of destination type to message.", attr="fail")
        known = set().union(*destination_test_catalogue.values())
        failures: dict[str, dict[str, Any]] = {}
        for type_, spec in fail.items():
            if type_ not in known:
                raise ControlError(f"'{type_}' has no destination test; known: {sorted(known)}.", attr="fail")
            spec = {"message": spec} if isinstance(spec, str) else spec
            if not isinstance(spec, dict) or not isinstance(spec.get("message"), str):
                raise ControlError("each failure is a message, or {step, message}.", attr="fail")
            step = spec.get("step")
            if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step < 0):
                raise ControlError("step must be a step index (0 or more).", attr="fail")
            failures[type_] = {"message": spec["message"], "step": step}
        state.set_destination_test_failures(failures)
    return JsonResponse({"fail": state.get().destination_test_failures})


def _seconds(body: dict[str, Any], name: str) -> float:
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ControlError(f"{name} must be a number of seconds (0 or more).", attr=name)
    return float(value)


@control_view(("PATCH",))
def backfill_status(request: HttpRequest, body: dict[str, Any], backfill_id: str) -> JsonResponse:
    """Force a backfill's status (e.g. keep it Running, or fail it)."""
    backfill = _get(BatchExportBackfill, "Backfill not found.", id=backfill_id)
    backfill.status = str(body.get("status", backfill.status))
    backfill.finished_at = None if backfill.status in ("Running", "Starting") else timezone.now()
    backfill.save()
    return JsonResponse({"id": str(backfill.id), "status": backfill.status})


@control_view(("POST",))
def simulate_runs(request: HttpRequest, body: dict[str, Any], batch_export_id: str) -> JsonResponse:
    """Append runs to an export: ``{"status": "Failed", "count": 3}``. Three failures in a row pause it."""
    export = _get(BatchExport, "BatchExport not found.", id=batch_export_id, deleted=False)
    status = body.get("status", "Completed")
    count = int(body.get("count", 1))
    created_at = parse_datetime(body["created_at"]) if body.get("created_at") else None
    now = timezone.now()
    step = {"hour": 3600, "day": 86400, "week": 604800}.get(export.interval, 300)
    created = []
    with transaction.atomic():
        for i in range(count):
            end = now - timedelta(seconds=step * (count - 1 - i))
            run = BatchExportRun.objects.create(
                batch_export=export,
                status=status,
                records_completed=0 if status in FAILED_STATUSES else int(body.get("records", 100)),
                latest_error=body.get("error", "Simulated failure") if status in FAILED_STATUSES else None,
                data_interval_start=end - timedelta(seconds=step),
                data_interval_end=end,
                created_at=created_at or now,
                finished_at=now,
            )
            created.append(str(run.id))
        recent = list(export.runs.order_by("-created_at", "-data_interval_end")[:AUTO_PAUSE_AFTER])
        auto_paused = False
        if len(recent) == AUTO_PAUSE_AFTER and all(r.status in FAILED_STATUSES for r in recent) and not export.paused:
            export.paused = True
            export.last_paused_at = now
            export.save(update_fields=["paused", "last_paused_at", "last_updated_at"])
            auto_paused = True
    return JsonResponse({"runs": created, "paused": export.paused, "auto_paused": auto_paused}, status=201)


@control_view(("PUT",))
def legacy_query(request: HttpRequest, body: dict[str, Any], batch_export_id: str) -> JsonResponse:
    """Give an export the events ``hogql_query`` and ``schema`` older PostHog stored, so that its team is one
    the newest PostHog still lets write events queries (it checks for an export with a ``schema``)."""
    export = _get(BatchExport, "BatchExport not found.", id=batch_export_id, deleted=False)
    query = body.get("hogql_query")
    if not isinstance(query, str):
        raise ControlError("hogql_query must be a string.", attr="hogql_query")
    try:
        parsed = hogql.validate_events_query(query, "latest")
    except hogql.HogQLError as exc:
        raise ControlError(str(exc), attr="hogql_query") from None
    export.hogql_query = query
    export.schema = hogql.events_schema(parsed)
    export.save(update_fields=["hogql_query", "schema", "last_updated_at"])
    return JsonResponse({"id": str(export.id), "schema": export.schema})


@control_view(("POST",))
def reset(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """Delete all data and control state, then bootstrap again."""
    with transaction.atomic():
        for model in (BatchExportRun, BatchExportBackfill, BatchExport, Team, Project):
            model.objects.all().delete()
        from pulumi_posthog.local.models import BatchExportDestination, Integration

        Integration.objects.all().delete()
        BatchExportDestination.objects.all().delete()
        Organization.objects.all().delete()
        PersonalAPIKey.objects.all().delete()
        User.objects.all().delete()
    state.reset()
    boot = bootstrap(get_options().api_key)
    return JsonResponse({"organization": str(boot.organization.id), "project": boot.team.project_id})
