"""Mocks for ``pulumi.runtime.set_mocks``: each posthog resource's own check runs, computed outputs are made up."""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Callable
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure
from pulumi.runtime import rpc

from pulumi_posthog.resources.engine import PostHogProvider, spec_for

DYNAMIC_TYPE = re.compile(r"^pulumi-python:dynamic/posthog:(?P<kind>\w+)$")
TIMESTAMP = "2026-01-01T00:00:00Z"
NAMESPACE = uuid.UUID("6f1b3c52-7d0e-4c8a-9a51-1f5b2d3c4e6f")


class CheckFailed(Exception):
    """A posthog resource's inputs fail its check: what ``pulumi preview`` would report, per property."""

    def __init__(self, kind: str, name: str, failures: list[CheckFailure]) -> None:
        self.kind, self.name = kind, name
        self.failures = [(f.property, f.reason) for f in failures]
        listed = "; ".join(f"property {prop}: {reason}" for prop, reason in self.failures)
        super().__init__(f"posthog.{kind} '{name}' has invalid inputs: {listed}")


def revealed(value: Any) -> Any:
    """Inputs as the provider gets them: the mocks pass nested secrets as ``{sig: secret, value: …}`` objects."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return revealed(value.get("value"))
        return {k: revealed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [revealed(v) for v in value]
    return value


def default_organization(name: str = "Mock organization") -> dict[str, Any]:
    """The organization lookups and an adopted ``@current`` organization answer: one project (id 1)."""
    org_id = str(uuid.uuid5(NAMESPACE, f"organization/{name}"))
    return {
        "id": org_id,
        "name": name,
        "slug": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
        "membership_level": 15,
        "member_count": 1,
        "projects": [{"id": 1, "name": "Default project"}],
        "teams": [{"id": 1, "project_id": 1, "name": "Default project", "api_token": "phc_mock_project_token"}],
    }


class OfflineLookups:
    """What ``get_organization``/``get_organizations``/``get_batch_exports`` read under PostHogMocks: no network."""

    def __init__(self, organizations: list[dict[str, Any]], batch_exports: list[dict[str, Any]]) -> None:
        self.organizations = organizations
        self.batch_exports = batch_exports

    def get_organization(self, id_: str) -> dict[str, Any]:
        if id_ == "@current":
            return self.organizations[0]
        for org in self.organizations:
            if org["id"] == id_:
                return org
        raise LookupError(f"PostHogMocks: no organization {id_!r} (pass it in PostHogMocks(organizations=[...]))")

    def list_organizations(self) -> list[dict[str, Any]]:
        return list(self.organizations)

    def list_batch_exports(self, project_id: int) -> list[dict[str, Any]]:
        return [e for e in self.batch_exports if str(e.get("team_id")) == str(project_id)]

    def list_organization_batch_exports(self, organization_id: str) -> list[dict[str, Any]]:
        projects = {
            str(p["id"])
            for org in self.organizations
            if org["id"] == organization_id
            for p in org.get("projects") or []
        }
        return [e for e in self.batch_exports if str(e.get("team_id")) in projects]


class PostHogMocks(pulumi.runtime.Mocks):
    """``pulumi.runtime.set_mocks(PostHogMocks())``: posthog resources are checked as the provider checks them
    (bad inputs raise :class:`CheckFailed` naming the property) and get plausible ids and computed outputs
    (``projects``, ``team_id``, ``created_at``…); lookups answer from ``organizations``/``batch_exports``, offline.
    Other resource types and invokes go to ``other`` (your own mocks) or are echoed back.
    """

    def __init__(
        self,
        organizations: list[dict[str, Any]] | None = None,
        batch_exports: list[dict[str, Any]] | None = None,
        other: pulumi.runtime.Mocks | None = None,
    ) -> None:
        self.posthog_client = OfflineLookups(organizations or [default_organization()], batch_exports or [])
        self.other = other
        self.failures: list[CheckFailed] = []
        self._numbers = itertools.count(1)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        match = DYNAMIC_TYPE.match(args.typ)
        if match is None:
            if self.other is not None:
                return self.other.new_resource(args)
            return f"{args.name}-id", dict(args.inputs)
        kind = match["kind"]
        checked = PostHogProvider(kind).check({}, revealed(args.inputs))
        if checked.failures:
            failed = CheckFailed(kind, args.name, list(checked.failures))
            self.failures.append(failed)
            raise failed
        inputs = {k: v for k, v in (checked.inputs or {}).items() if not k.startswith("__")}
        id_, computed = COMPUTED.get(kind, _generic)(self, args.name, inputs)
        declared = set(spec_for(kind).outputs)
        # an input the check kept as it was is returned as sent, its secrets still marked secret
        kept = {k: args.inputs[k] if revealed(args.inputs.get(k)) == v else v for k, v in inputs.items()}
        return id_, {**kept, **{k: v for k, v in computed.items() if k in declared or k in inputs}}

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        if self.other is not None:
            return self.other.call(args)
        return {}

    # -- made-up outputs ------------------------------------------------------------------------------------------
    def number(self) -> int:
        return next(self._numbers)


def _uuid(*parts: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def _organization(mocks: PostHogMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    adopt = inputs.get("adopt_id")
    org = dict(mocks.posthog_client.get_organization(adopt)) if adopt else default_organization(inputs.get("name"))
    org.pop("name", None)
    return str(org.pop("id")), org


def _batch_export(mocks: PostHogMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    id_ = inputs.get("adopt_id") or _uuid("batch-export", inputs.get("project_id"), name)
    outputs = {"team_id": inputs.get("project_id"), "created_at": TIMESTAMP, "last_updated_at": TIMESTAMP}
    return str(id_), {**outputs, "paused": bool(inputs.get("paused")), "last_paused_at": None, "schema": None}


def _integration(mocks: PostHogMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    id_ = inputs.get("adopt_id") or str(mocks.number())
    config = inputs.get("config") if isinstance(inputs.get("config"), dict) else {}
    label = config.get("name") or config.get("host") or config.get("server_hostname") or inputs.get("kind")
    return str(id_), {"display_name": str(label), "created_at": TIMESTAMP, "errors": ""}


def _backfill(mocks: PostHogMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    id_ = _uuid("backfill", inputs.get("batch_export_id"), name)
    return id_, {"backfill_id": id_, "status": "Running"}


def _project(mocks: PostHogMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    id_ = inputs.get("adopt_id") or str(100 + mocks.number())  # PostHog's project ids are numbers
    token = "phc_" + _uuid("project-token", id_).replace("-", "")
    return str(id_), {"uuid": _uuid("project", id_), "api_token": token, "created_at": TIMESTAMP}


def _generic(mocks: PostHogMocks, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return f"{name}-id", {"message": ""}


COMPUTED: dict[str, Callable[[PostHogMocks, str, dict[str, Any]], tuple[str, dict[str, Any]]]] = {
    "Organization": _organization,
    "BatchExport": _batch_export,
    "Integration": _integration,
    "BatchExportBackfill": _backfill,
    "Project": _project,
}
