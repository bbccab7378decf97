"""Batch-export destination types: their config fields, required and secret keys, rules, and typed helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pulumi

# Config keys every destination accepts besides its own (PostHog's BaseBatchExportInputs users may set).
BASE_FIELDS: dict[str, type] = {"exclude_events": list, "include_events": list}

FILE_FORMATS: dict[str, tuple[str, ...]] = {
    "Parquet": ("zstd", "lz4", "snappy", "gzip", "brotli"),
    "JSONLines": ("gzip", "brotli"),
}
HTTP_URLS = ("https://us.i.posthog.com/batch/", "https://eu.i.posthog.com/batch/")
INTERVALS = ("hour", "day", "week", "every 5 minutes", "every 15 minutes")
TESTED_TYPES = ("AwsS3", "S3Compatible", "S3", "BigQuery", "Snowflake", "Databricks", "AzureBlob")
"""The types PostHog has a destination test for (products/batch_exports/backend/presentation/views/
destination_tests/__init__.py, get_destination_test; 2025's code also tested the legacy S3 type)."""
MODELS = ("events", "persons", "sessions", "hogql")


@dataclass(frozen=True)
class DestinationType:
    """What PostHog knows about one destination ``type``."""

    name: str
    required: tuple[str, ...]
    fields: dict[str, type]
    secret: frozenset[str] = frozenset()
    integration_kind: str | None = None
    integration_required: bool = False
    object_storage: bool = False
    server_defaults: dict[str, Any] = field(default_factory=dict)
    """What PostHog uses for an optional config key left unset (notes/posthog-api.md §3.6)."""
    legacy: bool = False
    unchecked: frozenset[str] = frozenset()
    """Keys PostHog does not type-check on write (declared ``X | None``); they still read back typed."""
    nested_secrets: tuple[str, ...] = ()
    """Dotted paths of the secrets inside nested config values (PostHog strips ``secret`` names at any depth)."""

    def all_fields(self) -> dict[str, type]:
        return {**BASE_FIELDS, **self.fields}

    def secret_paths(self) -> tuple[tuple[str, ...], ...]:
        """Where this type's secrets live in ``config``: each ``secret`` name at the top, then the nested ones."""
        return (*((name,) for name in sorted(self.secret)), *(tuple(p.split(".")) for p in self.nested_secrets))


CONFIG_DOCS: dict[str, str] = {
    "exclude_events": "Event names not to export.",
    "include_events": "Export only these event names.",
    "bucket_name": "The bucket the files are written to.",
    "region": "The bucket's region (e.g. us-east-1).",
    "prefix": "Prefix of the object names written (a folder path such as events/).",
    "compression": "File compression: "
    + "; ".join(f"{fmt} takes {', '.join(names)}" for fmt, names in FILE_FORMATS.items())
    + ".",
    "file_format": "JSONLines (PostHog's default) or Parquet.",
    "max_file_size_mb": "Split the export into files of at most this many MB.",
    "legacy_parquet_extension": "Name Parquet files with the older extension PostHog used first.",
    "encryption": "Server-side encryption: AES256 or aws:kms.",
    "kms_key_id": "With encryption aws:kms: the KMS key id.",
    "use_virtual_style_addressing": "Address the bucket as <bucket>.<endpoint> instead of <endpoint>/<bucket>.",
    "aws_access_key_id": "Access key id (inline credentials; secret).",
    "aws_secret_access_key": "Secret access key (inline credentials; secret).",
    "endpoint_url": "The storage endpoint, for S3-compatible storage.",
    "database": "The database written to.",
    "warehouse": "The Snowflake warehouse that runs the load.",
    "schema": "The schema the table is in.",
    "table_name": "The table written to (created when missing).",
    "role": "The Snowflake role to use.",
    "account": "Snowflake account identifier (inline credentials, older PostHog only).",
    "user": "Database user (inline credentials, older PostHog only; secret).",
    "password": "Database password (inline credentials, older PostHog only; secret).",
    "authentication_type": "Snowflake inline credentials: password or keypair (older PostHog only).",
    "private_key": "Private key (inline credentials, older PostHog only; secret).",
    "private_key_passphrase": "Passphrase of the private key (inline credentials, older PostHog only; secret).",
    "host": "Database host (Redshift: the cluster or workgroup endpoint).",
    "port": "Database port.",
    "has_self_signed_cert": "The database's TLS certificate is self-signed.",
    "properties_data_type": "Redshift column type for properties: varchar or super.",
    "mode": "Redshift load mode: INSERT, or COPY through S3 (then copy_inputs).",
    "copy_inputs": "Redshift COPY: {s3_bucket, s3_key_prefix, region_name, authorization, bucket_credentials}.",
    "dataset_id": "The BigQuery dataset written to.",
    "table_id": "The BigQuery table written to.",
    "use_json_type": "Write properties as BigQuery JSON instead of STRING.",
    "project_id": "Google Cloud project id (inline credentials, older PostHog only).",
    "private_key_id": "Service-account key id (inline credentials, older PostHog only; secret).",
    "token_uri": "Service-account token URI (inline credentials, older PostHog only; secret).",
    "client_email": "Service-account e-mail (inline credentials, older PostHog only; secret).",
    "http_path": "The Databricks SQL warehouse's HTTP path.",
    "catalog": "The Unity Catalog catalog.",
    "use_variant_type": "Write properties as VARIANT instead of STRING.",
    "use_automatic_schema_evolution": "Let Databricks add new columns to the table.",
    "container_name": "The Azure Blob Storage container written to.",
    "url": "The PostHog batch ingestion URL of the receiving project.",
    "token": "The receiving project's API token (secret).",
}
"""What each config key means, whatever the type (the docs' tables and the helpers' ``:param`` lines)."""
INTEGRATION_ID_DOC = "The posthog.Integration holding the credentials (its id, or the resource itself)."

_S3_COMMON: dict[str, type] = {
    "bucket_name": str,
    "region": str,
    "prefix": str,
    "compression": str,
    "file_format": str,
    "max_file_size_mb": int,
    "legacy_parquet_extension": bool,
}
_S3_REQUIRED = ("bucket_name", "region", "prefix")
# Redshift COPY: ``copy_inputs.authorization`` (an IAM role ARN, an aws-s3 integration id, or these keys) and
# ``copy_inputs.bucket_credentials`` (an aws-s3 integration id or these keys) — ``RedshiftCopyInputs`` in
# products/batch_exports/backend/service.py and ``RedshiftCopyInputsSerializer`` in
# products/batch_exports/backend/api/batch_export.py; both key names are Redshift ``secret_fields``.
_REDSHIFT_COPY_SECRETS = tuple(
    f"copy_inputs.{holder}.{key}"
    for holder in ("authorization", "bucket_credentials")
    for key in ("aws_access_key_id", "aws_secret_access_key")
)
_PARQUET_DEFAULT = {"legacy_parquet_extension": False}

TYPES: dict[str, DestinationType] = {
    t.name: t
    for t in (
        DestinationType(
            "AwsS3",
            _S3_REQUIRED,
            {**_S3_COMMON, "encryption": str, "kms_key_id": str},
            frozenset({"aws_access_key_id", "aws_secret_access_key"}),
            integration_kind="aws-s3",
            integration_required=True,
            object_storage=True,
            server_defaults=_PARQUET_DEFAULT,
        ),
        DestinationType(
            "S3Compatible",
            _S3_REQUIRED,
            {**_S3_COMMON, "use_virtual_style_addressing": bool},
            frozenset({"aws_access_key_id", "aws_secret_access_key"}),
            integration_kind="s3-compatible",
            integration_required=True,
            object_storage=True,
            server_defaults=_PARQUET_DEFAULT,
        ),
        DestinationType(
            "S3",
            (*_S3_REQUIRED, "aws_access_key_id", "aws_secret_access_key"),
            {
                **_S3_COMMON,
                "aws_access_key_id": str,
                "aws_secret_access_key": str,
                "endpoint_url": str,
                "encryption": str,
                "kms_key_id": str,
            },
            frozenset({"aws_access_key_id", "aws_secret_access_key"}),
            object_storage=True,
            legacy=True,
        ),
        DestinationType(
            "Snowflake",
            ("database", "warehouse", "schema"),
            {
                "database": str,
                "warehouse": str,
                "schema": str,
                "table_name": str,
                "role": str,
                # Inline credentials: accepted by 2025-era PostHog only; newest needs a snowflake Integration.
                "account": str,
                "user": str,
                "password": str,
                "authentication_type": str,
                "private_key": str,
                "private_key_passphrase": str,
            },
            frozenset({"user", "password", "private_key", "private_key_passphrase"}),
            integration_kind="snowflake",
            integration_required=True,
            server_defaults={"table_name": "events"},
        ),
        DestinationType(
            "Postgres",
            ("database",),
            {
                "database": str,
                "schema": str,
                "table_name": str,
                "user": str,
                "host": str,
                "port": int,
                "password": str,
                "has_self_signed_cert": bool,
            },
            frozenset({"user", "password"}),
            integration_kind="postgresql",
            integration_required=True,
            server_defaults={"schema": "public", "table_name": "events", "port": 5432, "has_self_signed_cert": False},
            unchecked=frozenset({"port"}),  # PostgresBatchExportInputs.port: int | None
        ),
        DestinationType(
            "Redshift",
            ("database",),
            {
                "database": str,
                "user": str,
                "password": str,
                "host": str,
                "schema": str,
                "table_name": str,
                "port": int,
                "properties_data_type": str,
                "mode": str,
                "copy_inputs": dict,
            },
            frozenset({"user", "password", "aws_access_key_id", "aws_secret_access_key"}),
            integration_kind="aws-redshift",
            integration_required=True,
            server_defaults={
                "schema": "public",
                "table_name": "events",
                "port": 5439,
                "properties_data_type": "varchar",
                "mode": "INSERT",
            },
            nested_secrets=_REDSHIFT_COPY_SECRETS,
        ),
        DestinationType(
            "BigQuery",
            ("dataset_id",),
            {
                "dataset_id": str,
                "table_id": str,
                "use_json_type": bool,
                "project_id": str,
                "private_key": str,
                "private_key_id": str,
                "token_uri": str,
                "client_email": str,
            },
            frozenset({"private_key", "private_key_id", "client_email", "token_uri"}),
            integration_kind="google-cloud-service-account",
            integration_required=True,
            server_defaults={"table_id": "events", "use_json_type": False},
        ),
        DestinationType(
            "Databricks",
            ("http_path", "catalog", "schema", "table_name"),
            {
                "http_path": str,
                "catalog": str,
                "schema": str,
                "table_name": str,
                "use_variant_type": bool,
                "use_automatic_schema_evolution": bool,
            },
            integration_kind="databricks",
            integration_required=True,
            server_defaults={"use_variant_type": True, "use_automatic_schema_evolution": True},
        ),
        DestinationType(
            "AzureBlob",
            ("container_name",),
            {
                "container_name": str,
                "prefix": str,
                "compression": str,
                "file_format": str,
                "max_file_size_mb": int,
                "legacy_parquet_extension": bool,
            },
            integration_kind="azure-blob",
            integration_required=True,
            object_storage=True,
            server_defaults={**_PARQUET_DEFAULT, "prefix": ""},
        ),
        DestinationType("HTTP", ("url", "token"), {"url": str, "token": str}, frozenset({"token"})),
    )
}

# Secret keys of each integration kind's config (PostHog keeps them in sensitive_config and never returns them).
INTEGRATION_SECRETS: dict[str, frozenset[str]] = {
    "aws-s3": frozenset({"aws_access_key_id", "aws_secret_access_key"}),
    "s3-compatible": frozenset({"aws_access_key_id", "aws_secret_access_key"}),
    "postgresql": frozenset({"password"}),
    "aws-redshift": frozenset({"password", "aws_access_key_id", "aws_secret_access_key"}),
    "snowflake": frozenset({"password", "private_key", "private_key_passphrase"}),
    "google-cloud-service-account": frozenset({"private_key", "private_key_id", "token_uri"}),
    "databricks": frozenset({"client_id", "client_secret"}),
    "azure-blob": frozenset({"connection_string"}),
}


def destination_type(name: str) -> DestinationType | None:
    return TYPES.get(name)


def _destination(type_: str, integration_id: Any, config: dict[str, Any]) -> dict[str, Any]:
    config = {k: v for k, v in config.items() if v is not None and k != "integration_id"}
    result: dict[str, Any] = {"type": type_, "config": config}
    if integration_id is not None:
        result["integration_id"] = integration_id
    return result


# Typed helpers: each returns exactly the dict form of ``destination``; every argument may be a Pulumi Input.


def AwsS3(
    *,
    bucket_name: pulumi.Input[str],
    region: pulumi.Input[str],
    prefix: pulumi.Input[str],
    integration_id: pulumi.Input[int] | pulumi.Input[str] | None = None,
    file_format: pulumi.Input[str] | None = None,
    compression: pulumi.Input[str] | None = None,
    encryption: pulumi.Input[str] | None = None,
    kms_key_id: pulumi.Input[str] | None = None,
    max_file_size_mb: pulumi.Input[int] | None = None,
    exclude_events: pulumi.Input[list[str]] | None = None,
    include_events: pulumi.Input[list[str]] | None = None,
) -> dict[str, Any]:
    """Amazon S3 through an ``aws-s3`` Integration (role or access keys).

    .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

    :param bucket_name: The bucket the files are written to.
    :param region: The bucket's region (e.g. us-east-1).
    :param prefix: Prefix of the object names written (a folder path such as events/).
    :param integration_id: The posthog.Integration holding the credentials (its id, or the resource itself).
    :param file_format: JSONLines (PostHog's default) or Parquet.
    :param compression: File compression: Parquet takes zstd, lz4, snappy, gzip, brotli; JSONLines takes gzip, brotli.
    :param encryption: Server-side encryption: AES256 or aws:kms.
    :param kms_key_id: With encryption aws:kms: the KMS key id.
    :param max_file_size_mb: Split the export into files of at most this many MB.
    :param exclude_events: Event names not to export.
    :param include_events: Export only these event names.

    .. /generated
    """
    return _destination("AwsS3", integration_id, dict(locals()))


def S3Compatible(
    *,
    bucket_name: pulumi.Input[str],
    region: pulumi.Input[str],
    prefix: pulumi.Input[str],
    integration_id: pulumi.Input[int] | pulumi.Input[str] | None = None,
    file_format: pulumi.Input[str] | None = None,
    compression: pulumi.Input[str] | None = None,
    max_file_size_mb: pulumi.Input[int] | None = None,
    use_virtual_style_addressing: pulumi.Input[bool] | None = None,
    exclude_events: pulumi.Input[list[str]] | None = None,
    include_events: pulumi.Input[list[str]] | None = None,
) -> dict[str, Any]:
    """S3-compatible storage (R2, Spaces, MinIO…) through an ``s3-compatible`` Integration.

    .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

    :param bucket_name: The bucket the files are written to.
    :param region: The bucket's region (e.g. us-east-1).
    :param prefix: Prefix of the object names written (a folder path such as events/).
    :param integration_id: The posthog.Integration holding the credentials (its id, or the resource itself).
    :param file_format: JSONLines (PostHog's default) or Parquet.
    :param compression: File compression: Parquet takes zstd, lz4, snappy, gzip, brotli; JSONLines takes gzip, brotli.
    :param max_file_size_mb: Split the export into files of at most this many MB.
    :param use_virtual_style_addressing: Address the bucket as <bucket>.<endpoint> instead of <endpoint>/<bucket>.
    :param exclude_events: Event names not to export.
    :param include_events: Export only these event names.

    .. /generated
    """
    return _destination("S3Compatible", integration_id, dict(locals()))


def S3(
    *,
    bucket_name: pulumi.Input[str],
    region: pulumi.Input[str],
    prefix: pulumi.Input[str],
    aws_access_key_id: pulumi.Input[str],
    aws_secret_access_key: pulumi.Input[str],
    endpoint_url: pulumi.Input[str] | None = None,
    file_format: pulumi.Input[str] | None = None,
    compression: pulumi.Input[str] | None = None,
    encryption: pulumi.Input[str] | None = None,
    kms_key_id: pulumi.Input[str] | None = None,
    max_file_size_mb: pulumi.Input[int] | None = None,
    exclude_events: pulumi.Input[list[str]] | None = None,
    include_events: pulumi.Input[list[str]] | None = None,
) -> dict[str, Any]:
    """Legacy ``S3`` with inline keys: only older (2025-era) PostHog accepts it.

    .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

    :param bucket_name: The bucket the files are written to.
    :param region: The bucket's region (e.g. us-east-1).
    :param prefix: Prefix of the object names written (a folder path such as events/).
    :param aws_access_key_id: Access key id (inline credentials; secret).
    :param aws_secret_access_key: Secret access key (inline credentials; secret).
    :param endpoint_url: The storage endpoint, for S3-compatible storage.
    :param file_format: JSONLines (PostHog's default) or Parquet.
    :param compression: File compression: Parquet takes zstd, lz4, snappy, gzip, brotli; JSONLines takes gzip, brotli.
    :param encryption: Server-side encryption: AES256 or aws:kms.
    :param kms_key_id: With encryption aws:kms: the KMS key id.
    :param max_file_size_mb: Split the export into files of at most this many MB.
    :param exclude_events: Event names not to export.
    :param include_events: Export only these event names.

    .. /generated
    """
    return _destination("S3", None, dict(locals()))


def Snowflake(
    *,
    database: pulumi.Input[str],
    warehouse: pulumi.Input[str],
    schema: pulumi.Input[str],
    integration_id: pulumi.Input[int] | pulumi.Input[str] | None = None,
    table_name: pulumi.Input[str] | None = None,
    role: pulumi.Input[str] | None = None,
    exclude_events: pulumi.Input[list[str]] | None = None,
    include_events: pulumi.Input[list[str]] | None = None,
) -> dict[str, Any]:
    """Snowflake through a ``snowflake`` Integration.

    .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

    :param database: The database written to.
    :param warehouse: The Snowflake warehouse that runs the load.
    :param schema: The schema the table is in.
    :param integration_id: The posthog.Integration holding the credentials (its id, or the resource itself).
    :param table_name: The table written to (created when missing).
    :param role: The Snowflake role to use.
    :param exclude_events: Event names not to export.
    :param include_events: Export only these event names.

    .. /generated
    """
    return _destination("Snowflake", integration_id, dict(locals()))


def Postgres(
    *,
    database: pulumi.Input[str],
    integration_id: pulumi.Input[int] | pulumi.Input[str] | None = None,
    schema: pulumi.Input[str] | None = None,
    table_name: pulumi.Input[str] | None = None,
    has_self_signed_cert: pulumi.Input[bool] | None = None,
    exclude_events: pulumi.Input[list[str]] | None = None,
    include_events: pulumi.Input[list[str]] | None = None,
) -> dict[str, Any]:
    """PostgreSQL through a ``postgresql`` Integration.

    .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

    :param database: The database written to.
    :param integration_id: The posthog.Integration holding the credentials (its id, or the resource itself).
    :param schema: The schema the table is in.
    :param table_name: The table written to (created when missing).
    :param has_self_signed_cert: The database's TLS certificate is self-signed.
    :param exclude_events: Event names not to export.
    :param include_events: Export only these event names.

    .. /generated
    """
    return _destination("Postgres", integration_id, dict(locals()))


def Redshift(
    *,
    database: pulumi.Input[str],
    integration_id: pulumi.Input[int] | pulumi.Input[str] | None = None,
    host: pulumi.Input[str] | None = None,
    schema: pulumi.Input[str] | None = None,
    table_name: pulumi.Input[str] | None = None,
    properties_data_type: pulumi.Input[str] | None = None,
    mode: pulumi.Input[str] | None = None,
    copy_inputs: pulumi.Input[dict[str, Any]] | None = None,
    exclude_events: pulumi.Input[list[str]] | None = None,
    include_events: pulumi.Input[list[str]] | None = None,
) -> dict[str, Any]:
    """Amazon Redshift through an ``aws-redshift`` Integration (``host`` is the cluster/workgroup endpoint).

    .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

    :param database: The database written to.
    :param integration_id: The posthog.Integration holding the credentials (its id, or the resource itself).
    :param host: Database host (Redshift: the cluster or workgroup endpoint).
    :param schema: The schema the table is in.
    :param table_name: The table written to (created when missing).
    :param properties_data_type: Redshift column type for properties: varchar or super.
    :param mode: Redshift load mode: INSERT, or COPY through S3 (then copy_inputs).
    :param copy_inputs: Redshift COPY: {s3_bucket, s3_key_prefix, region_name, authorization, bucket_credentials}.
    :param exclude_events: Event names not to export.
    :param include_events: Export only these event names.

    .. /generated
    """
    return _destination("Redshift", integration_id, dict(locals()))


def BigQuery(
    *,
    dataset_id: pulumi.Input[str],
    integration_id: pulumi.Input[int] | pulumi.Input[str] | None = None,
    table_id: pulumi.Input[str] | None = None,
    use_json_type: pulumi.Input[bool] | None = None,
    exclude_events: pulumi.Input[list[str]] | None = None,
    include_events: pulumi.Input[list[str]] | None = None,
) -> dict[str, Any]:
    """Google BigQuery through a ``google-cloud-service-account`` Integration.

    .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

    :param dataset_id: The BigQuery dataset written to.
    :param integration_id: The posthog.Integration holding the credentials (its id, or the resource itself).
    :param table_id: The BigQuery table written to.
    :param use_json_type: Write properties as BigQuery JSON instead of STRING.
    :param exclude_events: Event names not to export.
    :param include_events: Export only these event names.

    .. /generated
    """
    return _destination("BigQuery", integration_id, dict(locals()))


def Databricks(
    *,
    http_path: pulumi.Input[str],
    catalog: pulumi.Input[str],
    schema: pulumi.Input[str],
    table_name: pulumi.Input[str],
    integration_id: pulumi.Input[int] | pulumi.Input[str] | None = None,
    use_variant_type: pulumi.Input[bool] | None = None,
    use_automatic_schema_evolution: pulumi.Input[bool] | None = None,
    exclude_events: pulumi.Input[list[str]] | None = None,
    include_events: pulumi.Input[list[str]] | None = None,
) -> dict[str, Any]:
    """Databricks through a ``databricks`` Integration.

    .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

    :param http_path: The Databricks SQL warehouse's HTTP path.
    :param catalog: The Unity Catalog catalog.
    :param schema: The schema the table is in.
    :param table_name: The table written to (created when missing).
    :param integration_id: The posthog.Integration holding the credentials (its id, or the resource itself).
    :param use_variant_type: Write properties as VARIANT instead of STRING.
    :param use_automatic_schema_evolution: Let Databricks add new columns to the table.
    :param exclude_events: Event names not to export.
    :param include_events: Export only these event names.

    .. /generated
    """
    return _destination("Databricks", integration_id, dict(locals()))


def AzureBlob(
    *,
    container_name: pulumi.Input[str],
    integration_id: pulumi.Input[int] | pulumi.Input[str] | None = None,
    prefix: pulumi.Input[str] | None = None,
    file_format: pulumi.Input[str] | None = None,
    compression: pulumi.Input[str] | None = None,
    max_file_size_mb: pulumi.Input[int] | None = None,
    exclude_events: pulumi.Input[list[str]] | None = None,
    include_events: pulumi.Input[list[str]] | None = None,
) -> dict[str, Any]:
    """Azure Blob Storage through an ``azure-blob`` Integration.

    .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

    :param container_name: The Azure Blob Storage container written to.
    :param integration_id: The posthog.Integration holding the credentials (its id, or the resource itself).
    :param prefix: Prefix of the object names written (a folder path such as events/).
    :param file_format: JSONLines (PostHog's default) or Parquet.
    :param compression: File compression: Parquet takes zstd, lz4, snappy, gzip, brotli; JSONLines takes gzip, brotli.
    :param max_file_size_mb: Split the export into files of at most this many MB.
    :param exclude_events: Event names not to export.
    :param include_events: Export only these event names.

    .. /generated
    """
    return _destination("AzureBlob", integration_id, dict(locals()))


def HTTP(
    *,
    url: pulumi.Input[str],
    token: pulumi.Input[str],
    exclude_events: pulumi.Input[list[str]] | None = None,
    include_events: pulumi.Input[list[str]] | None = None,
) -> dict[str, Any]:
    """PostHog-to-PostHog HTTP export (``url`` must be a PostHog batch ingestion URL).

    .. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)

    :param url: The PostHog batch ingestion URL of the receiving project.
    :param token: The receiving project's API token (secret).
    :param exclude_events: Event names not to export.
    :param include_events: Export only these event names.

    .. /generated
    """
    return _destination("HTTP", None, dict(locals()))
