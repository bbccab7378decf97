"""Batch-export destination types per profile: config keys with declared types, secrets, formats, kinds."""

from __future__ import annotations

from dataclasses import dataclass

HTTP_ALLOWED_URLS = ("https://us.i.posthog.com/batch/", "https://eu.i.posthog.com/batch/")

# PostHog's S3_SUPPORTED_COMPRESSIONS / AZURE_BLOB_SUPPORTED_COMPRESSIONS (same matrix, Parquet first).
FILE_FORMAT_COMPRESSIONS: dict[str, list[str]] = {
    "Parquet": ["zstd", "lz4", "snappy", "gzip", "brotli"],
    "JSONLines": ["gzip", "brotli"],
}

# BaseBatchExportInputs fields: accepted in every config, never required, never type-checked.
_BASE_2025 = (
    "batch_export_id",
    "team_id",
    "interval",
    "data_interval_end",
    "exclude_events",
    "include_events",
    "is_backfill",
    "is_earliest_backfill",
    "backfill_details",
    "batch_export_model",
    "batch_export_schema",
    "integration_id",
)
_BASE_LATEST = (*_BASE_2025, "timezone")


@dataclass(frozen=True)
class ConfigField:
    """One field of a workflow-inputs dataclass. ``kind`` is its declared type when PostHog can check it
    (a plain ``str``/``int``/``bool``); ``None`` for ``X | None``, ``Literal`` and nested types (skipped).
    ``reads_as`` is the bool/int an ``X | None`` field still reads back as (newest
    ``coerce_config_to_declared_types`` looks inside unions; the write check does not)."""

    name: str
    kind: type | None = None
    required: bool = False
    reads_as: type | None = None


def req(name: str, kind: type | None = str) -> ConfigField:
    return ConfigField(name, kind, required=True)


def opt(name: str, kind: type | None = None, reads_as: type | None = None) -> ConfigField:
    return ConfigField(name, kind, reads_as=reads_as)


@dataclass(frozen=True)
class Destination:
    """What PostHog knows about one destination ``type`` in one profile."""

    name: str
    fields: tuple[ConfigField, ...]
    secret_fields: frozenset[str] = frozenset()
    integration_kind: str | None = None
    object_storage: bool = False
    base_inputs: tuple[str, ...] = _BASE_LATEST

    def field_names(self) -> set[str]:
        return {f.name for f in self.fields}


AWS_SECRETS = frozenset({"aws_access_key_id", "aws_secret_access_key"})
SECRET_FIELDS: dict[str, frozenset[str]] = {
    "S3": AWS_SECRETS,
    "AwsS3": AWS_SECRETS,
    "S3Compatible": AWS_SECRETS,
    "Snowflake": frozenset({"user", "password", "private_key", "private_key_passphrase"}),
    "Postgres": frozenset({"user", "password"}),
    "Redshift": frozenset({"user", "password", *AWS_SECRETS}),
    "BigQuery": frozenset({"private_key", "private_key_id", "client_email", "token_uri"}),
    "HTTP": frozenset({"token"}),
}
INTEGRATION_KINDS: dict[str, str] = {
    "AwsS3": "aws-s3",
    "S3Compatible": "s3-compatible",
    "Postgres": "postgresql",
    "Redshift": "aws-redshift",
    "Snowflake": "snowflake",
    "BigQuery": "google-cloud-service-account",
    "Databricks": "databricks",
    "AzureBlob": "azure-blob",
}
OBJECT_STORAGE = frozenset({"S3", "AwsS3", "S3Compatible", "AzureBlob"})

_S3_LEGACY = (
    req("bucket_name"),
    req("region"),
    req("prefix"),
    opt("aws_access_key_id"),
    opt("aws_secret_access_key"),
    opt("compression"),
    opt("encryption"),
    opt("kms_key_id"),
    opt("endpoint_url"),
    opt("file_format", str),
    opt("max_file_size_mb"),
    opt("use_virtual_style_addressing", bool),
)
# How the newest object-storage inputs write files (S3 family, AzureBlob).
_FILES = (
    opt("compression"),
    opt("file_format", str),
    opt("max_file_size_mb", reads_as=int),
    opt("legacy_parquet_extension", bool),
)
_S3_FAMILY = (req("bucket_name"), req("region"), req("prefix"), *_FILES)
_DATABRICKS = (
    req("http_path"),
    req("catalog"),
    req("schema"),
    req("table_name"),
    opt("use_variant_type", bool),
    opt("use_automatic_schema_evolution", bool),
)
# Postgres and Redshift: the login the 2025 inputs require inline, then where the rows go, then Redshift's loading.
_LOGIN_2025 = (req("user"), req("password"), req("host"), req("database"))
_TABLE_AT_PORT = (opt("schema", str), opt("table_name", str), opt("port", int))
_REDSHIFT_LOAD = (opt("properties_data_type", str), opt("mode"), opt("copy_inputs"))
_HTTP = (req("url"), req("token"))
_NOOP = (opt("arg", str),)
_WORKFLOWS = (req("hog_function_id"),)

# The newest DESTINATION_WORKFLOWS (products/batch_exports/backend/service.py): no legacy "S3". The type stays a
# valid choice (BatchExportDestination.Destination keeps it for existing rows), see LEGACY_TYPES.
LATEST_FIELDS: dict[str, tuple[ConfigField, ...]] = {
    "AwsS3": (*_S3_FAMILY, opt("encryption"), opt("kms_key_id")),
    "S3Compatible": (*_S3_FAMILY, opt("use_virtual_style_addressing", bool)),
    "Snowflake": (req("database"), req("warehouse"), req("schema"), opt("table_name", str), opt("role")),
    "Postgres": (
        req("database"),
        opt("schema", str),
        opt("table_name", str),
        opt("user"),
        opt("host"),
        opt("port", reads_as=int),  # `port: int | None = 5432`: not type-checked on write
        opt("password"),
        opt("has_self_signed_cert", bool),
    ),
    "Redshift": (req("database"), opt("user"), opt("password"), opt("host"), *_TABLE_AT_PORT, *_REDSHIFT_LOAD),
    "BigQuery": (
        req("dataset_id"),
        opt("table_id", str),
        opt("use_json_type", bool),
        opt("project_id"),
        opt("private_key"),
        opt("private_key_id"),
        opt("token_uri"),
        opt("client_email"),
    ),
    "Databricks": _DATABRICKS,
    "AzureBlob": (req("container_name"), opt("prefix", str), *_FILES),
    "Workflows": _WORKFLOWS,
    "HTTP": _HTTP,
    "NoOp": _NOOP,
    # FileDownloadBatchExportInputs
    "FileDownload": (
        opt("data_interval_start"),
        opt("batch_export_run_id"),
        opt("file_format", str),
        opt("max_file_size_mb", reads_as=int),
        opt("compression"),
        opt("expires_in_seconds", int),
        opt("main_activity_timeout_seconds", reads_as=int),
        opt("stage_activity_timeout_seconds", reads_as=int),
    ),
}

# The 2025 code's dataclasses (posthog/batch_exports/service.py): inline credentials, no AwsS3/S3Compatible.
Y2025_FIELDS: dict[str, tuple[ConfigField, ...]] = {
    "S3": _S3_LEGACY,
    "Snowflake": (
        req("account"),
        req("user"),
        req("database"),
        req("warehouse"),
        req("schema"),
        opt("table_name", str),
        opt("authentication_type", str),
        opt("password"),
        opt("private_key"),
        opt("private_key_passphrase"),
        opt("role"),
    ),
    "Postgres": (*_LOGIN_2025, *_TABLE_AT_PORT, opt("has_self_signed_cert", bool)),
    "Redshift": (*_LOGIN_2025, *_TABLE_AT_PORT, *_REDSHIFT_LOAD),
    "BigQuery": (
        req("project_id"),
        req("dataset_id"),
        opt("table_id", str),
        req("private_key"),
        req("private_key_id"),
        req("token_uri"),
        req("client_email"),
        opt("use_json_type", bool),
    ),
    "Databricks": _DATABRICKS,
    "AzureBlob": (
        req("container_name"),
        opt("prefix", str),
        opt("compression"),
        opt("file_format", str),
        opt("max_file_size_mb"),
    ),
    "Workflows": _WORKFLOWS,
    "HTTP": _HTTP,
    "NoOp": _NOOP,
}


def _build(fields: dict[str, tuple[ConfigField, ...]], base: tuple[str, ...]) -> dict[str, Destination]:
    return {
        name: Destination(
            name=name,
            fields=config,
            secret_fields=SECRET_FIELDS.get(name, frozenset()),
            integration_kind=INTEGRATION_KINDS.get(name),
            object_storage=name in OBJECT_STORAGE,
            base_inputs=base,
        )
        for name, config in fields.items()
    }


CATALOGUES: dict[str, dict[str, Destination]] = {
    "latest": _build(LATEST_FIELDS, _BASE_LATEST),
    "2025": _build(Y2025_FIELDS, _BASE_2025),
}


# Types the ``type`` field accepts that have no workflow: PostHog's serializer then indexes DESTINATION_WORKFLOWS
# with them, a KeyError, so a write answers 500.
LEGACY_TYPES: dict[str, tuple[str, ...]] = {"latest": ("S3",), "2025": ()}


def catalogue(profile: str) -> dict[str, Destination]:
    return CATALOGUES[profile]


def type_choices(profile: str) -> list[str]:
    return [*CATALOGUES[profile], *LEGACY_TYPES[profile]]


def secret_fields(type_name: str) -> frozenset[str]:
    return SECRET_FIELDS.get(type_name, frozenset())
