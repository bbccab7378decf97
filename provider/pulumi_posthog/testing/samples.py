"""Sample inputs: a valid Integration config per kind and a destination per type, each with fresh secret values.

The secret keys are listed here from PostHog's rules (notes/posthog-api.md §3.5, posthog-integrations.md §3),
not taken from the provider's tables, so a key the provider forgets to protect shows up as a leak.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

PEM = "-----BEGIN PRIVATE KEY-----\nMIIEv{}\n-----END PRIVATE KEY-----\n"
US_URL = "https://us.i.posthog.com/batch/"
EU_URL = "https://eu.i.posthog.com/batch/"


def token(prefix: str) -> str:
    """A unique secret-looking value (long enough that finding it in a checkpoint cannot be a coincidence)."""
    return f"{prefix}-{secrets.token_hex(10)}"


@dataclass(frozen=True)
class Kind:
    """An Integration kind: a valid config, its secret keys, and changes (in place for upsert kinds)."""

    kind: str
    config: dict[str, Any]
    secret: tuple[str, ...]
    named: bool
    rotate: dict[str, Any]
    """A credential change: an in-place update (upsert kinds) or a replace (named kinds)."""
    identity: dict[str, Any] = field(default_factory=dict)
    """An identity change (upsert kinds): a new row, so a replace."""
    edit: dict[str, Any] = field(default_factory=dict)
    """Upsert kinds: a non-secret setting changed by re-POSTing behind Pulumi's back."""


def kinds() -> dict[str, Kind]:
    """The eight kinds, with fresh secrets."""
    connection = f"DefaultEndpointsProtocol=https;AccountName=acct{secrets.token_hex(3)};AccountKey={token('azk')}"
    return {
        k.kind: k
        for k in (
            Kind(
                "aws-s3",
                {"name": "lake", "aws_access_key_id": token("AKIA"), "aws_secret_access_key": token("aws-secret")},
                ("aws_access_key_id", "aws_secret_access_key"),
                named=True,
                rotate={"aws_secret_access_key": token("aws-secret-2")},
            ),
            Kind(
                "s3-compatible",
                {
                    "name": "r2",
                    "endpoint_url": "https://acct.r2.cloudflarestorage.com",
                    "aws_access_key_id": token("r2-key"),
                    "aws_secret_access_key": token("r2-secret"),
                },
                ("aws_access_key_id", "aws_secret_access_key"),
                named=True,
                rotate={"aws_access_key_id": token("r2-key-2")},
            ),
            Kind(
                "snowflake",
                {
                    "name": "warehouse",
                    "account": "myorg-myaccount",
                    "user": "POSTHOG_SVC",
                    "authentication_type": "password",
                    "password": token("sf-password"),
                },
                ("password", "private_key", "private_key_passphrase"),
                named=True,
                rotate={
                    "authentication_type": "keypair",
                    "password": None,
                    "private_key": PEM.format(token("sfk")),
                    "private_key_passphrase": token("sf-pass"),
                },
            ),
            Kind(
                "postgresql",
                {"host": "db.example.com", "port": 5432, "user": token("pg-user"), "password": token("pg-password")},
                ("password",),
                named=False,
                rotate={"password": token("pg-password-2")},
                identity={"user": "exporter"},
                edit={"ssl_mode": "verify-full", "ssl_root_cert": "system"},
            ),
            Kind(
                "aws-redshift",
                {"host": "cluster.example.com", "port": 5439, "user": "posthog", "password": token("rs-password")},
                ("password", "aws_access_key_id", "aws_secret_access_key"),
                named=False,
                rotate={"password": token("rs-password-2")},
                identity={"port": 5440},
                edit={"ssl_mode": "verify-ca", "ssl_root_cert": "system"},
            ),
            Kind(
                "google-cloud-service-account",
                {
                    "service_account_email": f"exporter-{secrets.token_hex(3)}@proj.iam.gserviceaccount.com",
                    "project_id": "proj",
                    "private_key": PEM.format(token("gcp")),
                    "private_key_id": token("gcp-key-id"),
                    "token_uri": "https://oauth2.googleapis.com/token",
                },
                ("private_key", "private_key_id", "token_uri"),  # PostHog keeps all three in sensitive_config
                named=False,
                rotate={"private_key": PEM.format(token("gcp-2")), "private_key_id": token("gcp-key-id-2")},
                identity={"service_account_email": f"other-{secrets.token_hex(3)}@proj.iam.gserviceaccount.com"},
                edit={"project_id": "edited-out-of-band"},
            ),
            Kind(
                "databricks",
                {
                    "server_hostname": "dbc-1234.cloud.databricks.com",
                    "client_id": token("dbx-client"),
                    "client_secret": token("dbx-secret"),
                },
                ("client_id", "client_secret"),
                named=False,
                rotate={"client_secret": token("dbx-secret-2")},
                identity={"server_hostname": "dbc-5678.cloud.databricks.com"},
            ),
            Kind(
                "azure-blob",
                {"connection_string": connection},
                ("connection_string",),
                named=False,
                rotate={"connection_string": connection.replace("AccountKey=", "AccountKey=rotated")},
                identity={"connection_string": connection.replace("AccountName=acct", "AccountName=other")},
            ),
        )
    }


@dataclass(frozen=True)
class Destination:
    """A destination type: a valid config, its secret keys, its integration kind, and config changes."""

    type: str
    config: dict[str, Any]
    secret: tuple[str, ...] = ()
    kind: str | None = None
    changes: tuple[dict[str, Any], ...] = ()
    """Config changes applied one by one (each an update)."""
    edit: dict[str, Any] = field(default_factory=dict)
    """A config change made behind Pulumi's back (differs from the config after ``changes``)."""


def _http_destination() -> Destination:
    """The HTTP destination, as both profiles create it."""
    return Destination(
        "HTTP",
        {"url": US_URL, "token": token("phc")},
        ("token",),
        changes=({"url": EU_URL}, {"token": token("phc-rotated")}),
        edit={"url": US_URL},
    )


def _by_type(*found: Destination) -> dict[str, Destination]:
    """Destinations keyed by their type."""
    return {d.type: d for d in found}


def destinations() -> dict[str, Destination]:
    """The nine types the latest profile can create (eight with an Integration of the right kind)."""
    s3 = {"bucket_name": "lake", "region": "us-east-1", "prefix": "events/"}
    return _by_type(
        _http_destination(),
        Destination(
            "AwsS3",
            s3,
            kind="aws-s3",
            changes=(
                {"prefix": "raw/"},
                {"file_format": "Parquet", "compression": "zstd"},
                {"max_file_size_mb": 64, "exclude_events": ["$pageleave"]},
                {"encryption": "AES256"},
            ),
            edit={"bucket_name": "other-bucket"},
        ),
        Destination(
            "S3Compatible",
            {**s3, "region": "auto"},
            kind="s3-compatible",
            changes=({"bucket_name": "lake-2"}, {"use_virtual_style_addressing": True}),
            edit={"prefix": "edited/"},
        ),
        Destination(
            "Snowflake",
            {"database": "ANALYTICS", "warehouse": "WH", "schema": "POSTHOG"},
            kind="snowflake",
            changes=({"table_name": "EVENTS_2"}, {"role": "EXPORTER"}),
            edit={"warehouse": "OTHER_WH"},
        ),
        Destination(
            "Postgres",
            {"database": "analytics", "schema": "posthog"},
            kind="postgresql",
            changes=({"table_name": "events_2"}, {"has_self_signed_cert": True}),
            edit={"schema": "edited"},
        ),
        Destination(
            "Redshift",
            {"database": "dev", "schema": "posthog"},
            kind="aws-redshift",
            changes=({"properties_data_type": "super"}, {"table_name": "events_2"}),
            edit={"schema": "edited"},
        ),
        Destination(
            "BigQuery",
            {"dataset_id": "posthog"},
            kind="google-cloud-service-account",
            changes=({"table_id": "events_2"},),
            edit={"dataset_id": "edited"},
        ),
        Destination(
            "Databricks",
            {
                "http_path": "/sql/1.0/warehouses/abc",
                "catalog": "main",
                "schema": "posthog",
                "table_name": "events",
            },
            kind="databricks",
            changes=({"table_name": "events_2"}, {"use_variant_type": False}),
            edit={"catalog": "edited"},
        ),
        Destination(
            "AzureBlob",
            {"container_name": "posthog"},
            kind="azure-blob",
            changes=({"prefix": "raw/"}, {"file_format": "Parquet", "compression": "brotli"}),
            edit={"container_name": "edited"},
        ),
    )


def destinations_2025() -> dict[str, Destination]:
    """What the 2025 profile creates without an Integration: HTTP, legacy S3 and inline Snowflake/Postgres."""
    return _by_type(
        _http_destination(),
        Destination(
            "S3",
            {
                "bucket_name": "lake",
                "region": "us-east-1",
                "prefix": "events/",
                "aws_access_key_id": token("AKIA"),
                "aws_secret_access_key": token("aws-secret"),
                "max_file_size_mb": 128,
            },
            ("aws_access_key_id", "aws_secret_access_key"),
            changes=(
                {"prefix": "raw/"},
                {"aws_secret_access_key": token("aws-secret-2")},
                {"file_format": "Parquet", "compression": "zstd", "max_file_size_mb": 64},
            ),
            edit={"bucket_name": "edited"},
        ),
        Destination(
            "Snowflake",
            {
                "account": "myorg-myaccount",
                "user": token("SF_USER"),
                "password": token("sf-password"),
                "authentication_type": "password",
                "database": "ANALYTICS",
                "warehouse": "WH",
                "schema": "POSTHOG",
            },
            ("user", "password", "private_key", "private_key_passphrase"),
            changes=({"password": token("sf-password-2")}, {"table_name": "EVENTS_2", "role": "EXPORTER"}),
            edit={"warehouse": "OTHER_WH"},
        ),
        Destination(
            "Postgres",
            {
                "user": token("pg-user"),
                "password": token("pg-password"),
                "host": "db.example.com",
                "database": "analytics",
                "port": 5432,
                "has_self_signed_cert": True,
            },
            ("user", "password"),
            changes=({"port": 6543}, {"password": token("pg-password-2")}, {"has_self_signed_cert": False}),
            edit={"schema": "edited"},
        ),
    )
