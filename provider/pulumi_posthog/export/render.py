"""The exported program: idiomatic code for a Snapshot, with every secret read from Pulumi config."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

from pulumi_posthog import destinations
from pulumi_posthog.destinations import TYPES
from pulumi_posthog.export.literal import Code, call, fit, identifier, literal, slug
from pulumi_posthog.export.policy_notes import PolicyNote, export_notes, integration_notes, organization_notes
from pulumi_posthog.export.reader import Snapshot, integration_of
from pulumi_posthog.resources.batch_export import offset_default
from pulumi_posthog.resources.integration_rules import COMPUTED_KEYS, CONFIG_DEFAULTS
from pulumi_posthog.resources.organization import IGNORED, OrganizationSpec

EXPORT_DEFAULTS = {"model": "events", "incremental_mode": "APPEND", "timezone": "UTC"}
EXPORT_OPTIONAL = (
    "model", "start_at", "end_at", "hogql_query", "hogql_modifiers", "primary_key", "version_key",
    "incremental_mode", "filters", "timezone",
)  # fmt: skip
RESERVED = {"pulumi", "posthog", "config", "adopted", "project_id"}


@dataclass
class Secret:
    """A value PostHog never shows: the program reads it from config as ``key``; ``what`` says what to set."""

    key: str
    what: str


@dataclass
class Program:
    main: str
    secrets: list[Secret] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    policies: list[PolicyNote] = field(default_factory=list)


def integration_secrets(integration: dict[str, Any]) -> list[str]:
    """The secret config keys this integration holds (by its kind and the mode its visible config shows)."""
    kind, config = integration.get("kind"), integration.get("config") or {}
    if kind in ("aws-s3", "aws-redshift") and "aws_role_arn" in config:
        return []
    if kind == "aws-redshift":
        return ["password"] if "host" in config else ["aws_access_key_id", "aws_secret_access_key"]
    if kind in ("aws-s3", "s3-compatible"):
        return ["aws_access_key_id", "aws_secret_access_key"]
    if kind == "postgresql":
        return ["password"]
    if kind == "snowflake":
        return ["private_key"] if config.get("authentication_type") == "keypair" else ["password"]
    if kind == "google-cloud-service-account":
        # PostHog's display name ends with the identity's variant: "-key-file" or "-impersonated"
        return (
            []
            if "impersonated" in str(integration.get("display_name"))
            else ["private_key", "private_key_id", "token_uri"]
        )
    if kind == "databricks":
        return ["client_id", "client_secret"]
    if kind == "azure-blob":
        return ["connection_string"]
    return []


def destination_secrets(type_: str) -> list[str]:
    """Secrets a destination holds itself (not through an integration): HTTP's token, legacy S3's keys."""
    spec = TYPES.get(type_)
    return sorted(k for k in spec.secret if k in spec.required) if spec else []


class Renderer:
    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.names: set[str] = set()
        self.variables: set[str] = set(RESERVED)
        self.secrets: list[Secret] = []
        self.notes: list[str] = []
        self.integration_vars: dict[int, str] = {}
        self.policies: list[PolicyNote] = []

    def secret(self, resource: str, key: str, what: str) -> Code:
        config_key = f"{resource}-{key.replace('_', '-')}"
        self.secrets.append(Secret(config_key, what))
        return Code(f"config.require_secret({literal(config_key)})")

    # -- resources ---------------------------------------------------------------------------------------------
    def organization(self, org: dict[str, Any]) -> str:
        spec = OrganizationSpec()
        name = slug("organization", self.names)
        self.policies += organization_notes(name, org)
        arguments: list[tuple[str | None, Any]] = [(None, name)]
        for f in spec.fields:
            if f.provider_only or f.name == IGNORED or org.get(f.name) is None:
                continue
            arguments.append((f.name, org[f.name]))
        arguments += [("adopt_id", org["id"]), ("opts", Code("adopted"))]
        variable = identifier("organization", self.variables)
        return f"{variable} = {call('posthog.Organization', arguments)}\n"

    def integration(self, integration_id: int, integration: dict[str, Any]) -> str:
        kind = str(integration.get("kind"))
        shown = dict(integration.get("config") or {})
        name = slug(f"{kind}-{shown['name']}" if shown.get("name") else kind, self.names)
        defaults = CONFIG_DEFAULTS.get(kind, {})
        config: dict[str, Any] = {
            k: v
            for k, v in shown.items()
            if k not in COMPUTED_KEYS.get(kind, frozenset())
            and v is not None
            and not (k in defaults and defaults[k] == v)
        }
        self.policies += integration_notes(name, integration, integration_secrets(integration))
        for key in integration_secrets(integration):
            config[key] = self.secret(name, key, f"{kind} integration {integration_id}: {key}")
        variable = identifier(name, self.variables)
        self.integration_vars[integration_id] = variable
        arguments: list[tuple[str | None, Any]] = [
            (None, name),
            ("project_id", Code("project_id")),
            ("kind", kind),
            ("config", config),
            ("adopt_id", str(integration_id)),
            ("opts", Code("adopted")),
        ]
        return f"{variable} = {call('posthog.Integration', arguments)}\n"

    def batch_export(self, export: dict[str, Any]) -> str:
        name = slug(str(export.get("name") or "batch-export"), self.names)
        self.policies += export_notes(name, export)
        arguments: list[tuple[str | None, Any]] = [
            (None, name),
            ("project_id", Code("project_id")),
            ("name", export.get("name")),
            ("interval", export.get("interval")),
            ("destination", self.destination(name, export)),
        ]
        for key in EXPORT_OPTIONAL:
            value = export.get(key)
            if value is not None and EXPORT_DEFAULTS.get(key) != value:
                arguments.append((key, value))
        if export.get("paused"):
            arguments.append(("paused", True))
        for key in ("offset_day", "offset_hour"):
            value = export.get(key)
            if value is not None and value != offset_default(key, export.get("interval")):
                arguments.append((key, value))
        arguments += [("adopt_id", str(export["id"])), ("opts", Code("adopted"))]
        variable = identifier(name, self.variables)
        return f"{variable} = {call('posthog.BatchExport', arguments)}\n"

    def destination(self, resource: str, export: dict[str, Any]) -> Any:
        server = export.get("destination") or {}
        type_ = str(server.get("type"))
        spec = TYPES.get(type_)
        defaults = spec.server_defaults if spec else {}
        config = {
            k: v
            for k, v in (server.get("config") or {}).items()
            if v is not None and not (k in defaults and defaults[k] == v)
        }
        for key in destination_secrets(type_):
            config[key] = self.secret(resource, key, f"batch export '{export.get('name')}' ({export['id']}): {key}")
        used = integration_of(export)
        reference = Code(self.integration_vars[used]) if used in self.integration_vars else used
        helper = getattr(destinations, type_, None)
        accepted = set(inspect.signature(helper).parameters) if callable(helper) else set()
        if helper is not None and set(config) <= accepted and (reference is None or "integration_id" in accepted):
            arguments = [(k, v) for k, v in config.items()]
            if reference is not None:
                arguments.append(("integration_id", reference))
            return Code(call(f"posthog.destinations.{type_}", arguments, depth=1))
        dict_form: dict[str, Any] = {"type": type_, "config": config}
        if reference is not None:
            dict_form["integration_id"] = reference
        return dict_form

    # -- the program -------------------------------------------------------------------------------------------
    def program(self) -> Program:
        snapshot = self.snapshot
        blocks: list[str] = []
        if snapshot.organization is not None:
            blocks.append(self.organization(snapshot.organization))
        for integration_id, integration in sorted(snapshot.integrations.items()):
            blocks.append(self.integration(integration_id, integration))
        for export in snapshot.exports:
            blocks.append(self.batch_export(export))
        head = (
            f'"""PostHog project {snapshot.project_id} on {snapshot.host}, as `pulumi-posthog export` found it.\n\n'
            "Every resource adopts what exists (adopt_id): the first `pulumi up` creates nothing;\n"
            "it only sends the secrets PostHog never shows, read from this stack's config\n"
            "(`pulumi config set --secret ...`, as `pulumi-posthog export` printed).\n"
            '"""\n\n'
            "import pulumi\n"
            "import pulumi_posthog as posthog\n\n"
            "config = pulumi.Config()\n"
            "# Adopted objects: `pulumi destroy`, or removing one from here, leaves it in PostHog.\n"
            "adopted = pulumi.ResourceOptions(retain_on_delete=True)\n"
            f"project_id = {snapshot.project_id}\n"
        )
        main = head + "".join("\n" + block for block in blocks)
        exports = [v for v in self.variables - RESERVED]
        if exports:
            main += "\n" + "".join(f"pulumi.export({literal(v)}, {v}.id)\n" for v in sorted(exports))
        return Program(fit(main), self.secrets, self.notes, self.policies)


def render(snapshot: Snapshot) -> Program:
    return Renderer(snapshot).program()
