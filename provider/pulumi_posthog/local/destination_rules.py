"""PostHog's ``validate_destination``: cross-field destination rules (integrations, formats, URLs, COPY)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, serializers

from pulumi_posthog.local.destinations import FILE_FORMAT_COMPRESSIONS, HTTP_ALLOWED_URLS, catalogue
from pulumi_posthog.local.errors import ServerError
from pulumi_posthog.local.integration_kinds import network
from pulumi_posthog.local.models import BatchExport, Integration, Team
from pulumi_posthog.local.serializers.config_values import coerce_declared, recursive_dict_merge
from pulumi_posthog.posthog_words import INVALID_HOST, UNREACHABLE_HOST, WRONG_KIND

Invalid = serializers.ValidationError
S3_FAMILY = ("AwsS3", "S3Compatible")
LEGACY_PARQUET_LOCKED = (
    "'legacy_parquet_extension' can only stay on for an export that already writes the compression codec "
    "into its Parquet file names. It cannot be turned on for a new export, or turned back on once an export "
    "moved to the standard '.parquet' extension."
)
AWS_KEYS = frozenset({"aws_access_key_id", "aws_secret_access_key"})
MISSING_INTEGRATION = {"AzureBlob": "Integration is required for Azure Blob batch exports"}


def missing_integration(type_name: str) -> str:
    return MISSING_INTEGRATION.get(type_name, f"Integration is required for {type_name} batch exports")


def require_flag(team: Team | None, flag: str, message: str) -> None:
    if team is None:
        raise ServerError()  # PostHog reads context["team_id"], absent on the organization route
    if not team.has_flag(flag):
        raise exceptions.PermissionDenied(message)


def check_type_unchanged(type_name: str, instance: BatchExport | None) -> None:
    if instance is not None and type_name != instance.destination.type:
        raise Invalid(
            f"Cannot change destination type from '{instance.destination.type}' to '{type_name}'. "
            "Delete this batch export and create a new one with the new destination type."
        )


def check_file_format(merged: dict[str, Any]) -> None:
    file_format = merged.get("file_format", "JSONLines")
    if file_format not in FILE_FORMAT_COMPRESSIONS:
        raise Invalid(
            f"File format {file_format} is not supported. Supported file formats are {list(FILE_FORMAT_COMPRESSIONS)}"
        )
    compression = merged.get("compression")
    supported = FILE_FORMAT_COMPRESSIONS[file_format]
    if compression and compression not in supported:
        raise Invalid(
            f"Compression {compression} is not supported for file format {file_format}. "
            f"Supported compressions are {supported}"
        )


def check_not_empty(config: dict[str, Any], keys: tuple[str, ...]) -> None:
    empty = [k for k in keys if isinstance(config.get(k), str) and config[k].strip() == ""]
    if empty:
        raise Invalid(f"The following inputs are empty: {empty}")


def check_http_url(merged: dict[str, Any]) -> None:
    url = merged.get("url")
    if url and url not in HTTP_ALLOWED_URLS:
        raise Invalid(f"Invalid destination URL: {url}")


def writes_compressed_parquet(config: dict[str, Any]) -> bool:
    return config.get("file_format") == "Parquet" and config.get("compression") is not None


def uses_legacy_parquet_extension(type_name: str, stored: dict[str, Any]) -> bool:
    coerced = coerce_declared(stored, catalogue("latest").get(type_name))
    value = coerced.get("legacy_parquet_extension")
    return writes_compressed_parquet(coerced) if value is None else bool(value)


def check_host(host: Any) -> None:
    """PostHog's ``validate_external_host``: a shape error, else a blocked name or a host that does not resolve
    (see /_local/dns), is refused; the two get different messages."""
    if not isinstance(host, str) or network.host_shape_error(host) is not None:
        raise Invalid(INVALID_HOST)
    if network.host_block_reason(host) is not None:
        raise Invalid(UNREACHABLE_HOST)


def coerce_integration_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


class Rules:
    """One ``validate_destination`` call: the incoming attrs, the instance being updated, and the team."""

    def __init__(self, attrs: dict[str, Any], instance: BatchExport | None, team: Team | None) -> None:
        self.attrs = attrs
        self.type: str = attrs["type"]
        self.config: dict[str, Any] = attrs["config"]
        self.instance = instance
        self.team = team
        self.existing: dict[str, Any] = dict(instance.destination.config) if instance is not None else {}
        self.merged = recursive_dict_merge(self.existing, self.config)

    def sticky_integration(self) -> Integration | None:
        """A PATCH without ``integration`` keeps the export's one; an explicit null removes it."""
        integration = self.attrs.get("integration")
        if integration is None and "integration" not in self.attrs and self.instance is not None:
            integration = self.instance.destination.integration
        return integration

    def required_integration(self, kind: str, integration: Integration | None, on_create_only: bool) -> None:
        if integration is None:
            if not on_create_only or self.instance is None:
                raise Invalid(missing_integration(self.type))
            return
        if integration.kind != kind:
            raise Invalid(WRONG_KIND[self.type])

    # -- latest ------------------------------------------------------------------------------------------
    def build(self, integration: Integration) -> None:
        """What constructing PostHog's SnowflakeIntegration / DatabricksIntegration / AzureBlobIntegration
        checks (products/batch_exports/.../exports.py validates these destinations by building them)."""
        if self.type == "Snowflake":
            if integration.kind != "snowflake":
                raise Invalid(f"Integration provided is not a Snowflake integration (got kind='{integration.kind}')")
            missing = [k for k in ("account", "user", "authentication_type") if k not in (integration.config or {})]
            if missing:
                raise Invalid(f"Snowflake integration is not valid: '{missing[0]}' missing")
        elif self.type == "Databricks":
            secrets = integration.sensitive_config or {}
            present = {"server_hostname": "server_hostname" in (integration.config or {})}
            present.update({k: k in secrets for k in ("client_id", "client_secret")})
            missing = [k for k, ok in present.items() if not ok]
            if missing:
                raise Invalid(f"Databricks integration is not valid: '{missing[0]}' missing")
        elif self.type == "AzureBlob" and "connection_string" not in (integration.sensitive_config or {}):
            raise Invalid("Azure Blob integration is missing required field: 'connection_string'")

    def latest(self) -> None:
        check_type_unchanged(self.type, self.instance)
        if self.config.get("legacy_parquet_extension") is True and not uses_legacy_parquet_extension(
            self.type, self.existing
        ):
            raise Invalid(LEGACY_PARQUET_LOCKED)
        if self.type == "HTTP":
            check_http_url(self.merged)
        if self.type == "Snowflake":
            integration = self.sticky_integration()
            if integration is None:
                raise Invalid(missing_integration(self.type))
            self.build(integration)
        if self.type in S3_FAMILY:
            self.s3_family()
        if self.type in ("Databricks", "BigQuery", "AzureBlob", "Postgres"):
            kind = catalogue("latest")[self.type].integration_kind or ""
            on_create_only = self.type == "Postgres"
            integration = self.attrs.get("integration")
            self.required_integration(kind, integration, on_create_only)
            if integration is not None:
                self.build(integration)
            if self.type == "AzureBlob":
                check_file_format(self.merged)
        if self.type == "Redshift":
            self.redshift()
        self.workflows_flag()
        if self.type in ("Postgres", "Redshift"):
            integration = self.attrs.get("integration")
            host = integration.config.get("host") if integration is not None else None
            host = self.merged.get("host") if host is None else host
            if host is not None:
                check_host(host)

    def s3_family(self) -> None:
        integration = self.sticky_integration()
        if integration is None:
            raise Invalid(missing_integration(self.type))
        check_not_empty(self.config, ("bucket_name", "region", "prefix"))
        if integration.kind != catalogue("latest")[self.type].integration_kind:
            raise Invalid(f"Integration provided is not an AWS S3 integration (got kind='{integration.kind}')")
        check_file_format(self.merged)

    def redshift(self) -> None:
        integration = self.attrs.get("integration")
        if self.instance is not None and self.instance.destination.integration is not None and integration is None:
            raise Invalid(
                "Cannot remove the integration from a Redshift batch export that uses one. "
                "Re-send its `integration` to keep it (or a different one to swap)."
            )
        self.required_integration("aws-redshift", integration, on_create_only=True)
        if integration is not None and "host" not in (integration.config or {}) and not self.merged.get("host"):
            raise Invalid(
                "A 'host' is required when using an AWS Redshift integration: "
                "set it to the cluster or workgroup endpoint."
            )
        if self.merged.get("mode") == "COPY":
            self.copy_inputs_latest()

    def copy_inputs(self) -> dict[str, Any]:
        copy_inputs = self.merged.get("copy_inputs", {})
        if not copy_inputs:
            raise Invalid("Missing required inputs for 'COPY'")
        if not isinstance(copy_inputs, dict):
            raise ServerError()
        if {"s3_bucket", "region_name", "authorization", "bucket_credentials"} - copy_inputs.keys():
            raise Invalid("Missing required input for 'COPY'")
        return copy_inputs

    def copy_inputs_latest(self) -> None:
        copy_inputs = self.copy_inputs()
        bucket_credentials = copy_inputs["bucket_credentials"]
        authorization = copy_inputs.get("authorization")
        bucket_id = coerce_integration_id(bucket_credentials)
        authorization_id = coerce_integration_id(authorization)
        existing = self.existing.get("copy_inputs") or {}
        for name, integration_id in (("bucket_credentials", bucket_id), ("authorization", authorization_id)):
            if (
                self.instance is not None
                and integration_id is None
                and coerce_integration_id(existing.get(name)) is not None
            ):
                raise Invalid(
                    f"Cannot switch '{name}' from an integration to inline credentials. "
                    "Send a different integration ID to swap, or omit the field to keep the current one."
                )
            if integration_id is None:
                continue
            if not Integration.objects.filter(id=integration_id, team=self.team, kind="aws-s3").exists():
                raise Invalid(f"'{name}' does not reference an AWS S3 integration of this project.")
        if bucket_id is None and (not isinstance(bucket_credentials, dict) or AWS_KEYS - bucket_credentials.keys()):
            raise Invalid("Missing required bucket credentials for 'COPY'")
        if authorization_id is None:
            if isinstance(authorization, dict):
                if AWS_KEYS - authorization.keys():
                    raise Invalid("Missing required credentials for 'COPY'")
            elif isinstance(authorization, str):
                if not authorization.strip():
                    raise Invalid("Missing required IAM role for 'COPY'")
            else:
                raise Invalid(
                    "Authorization for 'COPY' must be an IAM role ARN, AWS credentials, or an integration ID."
                )

    # -- 2025 --------------------------------------------------------------------------------------------
    def y2025(self) -> None:
        check_type_unchanged(self.type, self.instance)
        if self.type == "HTTP":
            check_http_url(self.merged)
        if self.type == "Snowflake":
            if self.config.get("authentication_type") == "password" and self.merged.get("password") is None:
                raise Invalid("Password is required if authentication type is password")
            if self.config.get("authentication_type") == "keypair" and self.merged.get("private_key") is None:
                raise Invalid("Private key is required if authentication type is key pair")
        if self.type == "S3":
            check_not_empty(self.config, ("bucket_name", "region", "prefix", *sorted(AWS_KEYS)))
            check_file_format(self.merged)
            if self.merged.get("endpoint_url") == "":
                self.config["endpoint_url"] = None
        if self.type == "Databricks":
            require_flag(
                self.team,
                "databricks-batch-exports",
                "The Databricks destination is not enabled for this team.",
            )
            self.team_integration("databricks")
        if self.type == "AzureBlob":
            require_flag(
                self.team,
                "azure-blob-batch-exports",
                "Azure Blob Storage batch exports are not enabled for this team.",
            )
            self.team_integration("azure-blob")
            check_file_format(self.merged)
        if self.type == "Redshift" and self.merged.get("mode") == "COPY":
            copy_inputs = self.copy_inputs()
            bucket_credentials = copy_inputs["bucket_credentials"]
            if not isinstance(bucket_credentials, dict):
                raise ServerError()
            if AWS_KEYS - bucket_credentials.keys():
                raise Invalid("Missing required bucket credentials for 'COPY'")
            authorization = copy_inputs.get("authorization")
            if isinstance(authorization, dict) and AWS_KEYS - authorization.keys():
                raise Invalid("Missing required credentials for 'COPY'")
            if isinstance(authorization, str) and not authorization.strip():
                raise Invalid("Missing required IAM role for 'COPY'")
        self.workflows_flag()

    def workflows_flag(self) -> None:
        """Both profiles: a Workflows destination needs the team's ``backfill-workflows-destination`` flag."""
        if self.type == "Workflows":
            require_flag(
                self.team, "backfill-workflows-destination", "Backfilling Workflows is not enabled for this team."
            )

    def team_integration(self, kind: str) -> None:
        integration = self.attrs.get("integration")
        if integration is None:
            raise Invalid(missing_integration(self.type))
        assert self.team is not None
        if integration.team_id != self.team.id:
            raise Invalid("Integration does not belong to this team.")
        if integration.kind != kind:
            raise Invalid(WRONG_KIND[self.type])


def validate_destination(
    attrs: dict[str, Any], instance: BatchExport | None, team: Team | None, profile: str
) -> dict[str, Any]:
    rules = Rules(attrs, instance, team)
    if profile == "latest":
        rules.latest()
    else:
        rules.y2025()
    return attrs
