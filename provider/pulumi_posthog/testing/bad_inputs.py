"""The bad-input corpus: malformed inputs for every resource (``CASES``) and unknown values a preview accepts.

Each ``Bad`` case names its resource, its inputs, the property Check must name and a word of the reason; the
tests in ``tests/resources/test_bad_input.py`` and ``bench/bad_input.py`` run them. ``UNKNOWN_CASES`` are inputs
holding unknown values (outputs of resources not created yet), which must never cause a failure in a preview.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from pulumi_posthog.testing.engine import Resource, Unknown
from pulumi_posthog.testing.stack import goal

PROJECT = -424242
"""Placeholder replaced by the server's real project id (so a case that slipped through would really write)."""

S3 = {"bucket_name": "landing", "region": "us-east-1", "prefix": "events/"}
ROLE_ARN = "arn:aws:iam::123456789012:role/posthog-batch-exports"
HTTP_URL = "https://us.i.posthog.com/batch/"
EXPORT_UUID = "0192f0b5-7a4e-7c55-9a3c-1f2e3d4c5b6a"
ORG_UUID = "0192f0b5-0000-7000-8000-000000000001"
INJECTION = "1; DROP TABLE posthog_batchexport;--"
TRAVERSAL = "../../organizations/@current"


def export(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "project_id": PROJECT,
        "name": "nightly",
        "interval": "day",
        "destination": {"type": "AwsS3", "config": dict(S3), "integration_id": 7},
    }
    return _merge(base, changes)


def dest(type_: str, config: dict[str, Any], integration_id: Any = 7, **changes: Any) -> dict[str, Any]:
    """An export whose destination is ``type_`` with ``config`` (integration 7 unless told otherwise)."""
    destination: dict[str, Any] = {"type": type_, "config": config}
    if integration_id is not None:
        destination["integration_id"] = integration_id
    return export(destination=destination, **changes)


def http(**config: Any) -> dict[str, Any]:
    return dest("HTTP", {"url": HTTP_URL, "token": "phc_token_value", **config}, None)


def integ(kind: Any, config: Any, **changes: Any) -> dict[str, Any]:
    return _merge({"project_id": PROJECT, "kind": kind, "config": config}, changes)


def org(**changes: Any) -> dict[str, Any]:
    return _merge({"name": "Acme"}, changes)


def proj(**changes: Any) -> dict[str, Any]:
    return _merge({"organization_id": ORG_UUID, "name": "Web"}, changes)


def fill(**changes: Any) -> dict[str, Any]:
    return _merge(
        {"project_id": PROJECT, "batch_export_id": EXPORT_UUID, "start_at": "2026-01-01", "end_at": "2026-01-02"},
        changes,
    )


def roll(**changes: Any) -> dict[str, Any]:
    return _merge({"organization_id": ORG_UUID, "environment_mappings": {"12": 11}}, changes)


DROP = object()
"""A change value that removes the key (a missing required property)."""


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(base)
    for key, value in changes.items():
        if value is DROP:
            result.pop(key, None)
        else:
            result[key] = value
    return result


@dataclass(frozen=True)
class Bad:
    """One malformed input: which resource, its inputs, the property that must be named, a word of the reason."""

    id: str
    resource: str
    inputs: dict[str, Any]
    prop: str
    says: str = ""
    tags: tuple[str, ...] = field(default=())

    def goal(self, project: int) -> Resource:
        inputs = {k: (project if v == PROJECT and k == "project_id" else v) for k, v in self.inputs.items()}
        return goal(self.resource, "bad", inputs)


ORG, BX, INT, FILL, ROLL = "Organization", "BatchExport", "Integration", "BatchExportBackfill", "EnvironmentsRollback"
PROJ = "Project"

CASES = [
    # --- Organization ---------------------------------------------------------------------------------------
    Bad("org-name-missing", ORG, org(name=DROP), "name", "required"),
    Bad("org-name-blank", ORG, org(name="   "), "name", "blank"),
    Bad("org-name-too-long", ORG, org(name="A" * 65), "name", "64 characters"),
    Bad("org-name-wrong-type", ORG, org(name=42), "name", "str"),
    Bad("org-enforce-2fa-string", ORG, org(enforce_2fa="yes"), "enforce_2fa", "bool"),
    Bad("org-members-can-invite-int", ORG, org(members_can_invite=1), "members_can_invite", "bool"),
    Bad(
        "org-stats-method-choice", ORG, org(default_experiment_stats_method="magic"), "default_experiment_stats_method"
    ),
    Bad("org-adopt-not-uuid", ORG, org(adopt_id="acme"), "adopt_id", "UUID"),
    Bad("org-adopt-injection", ORG, org(adopt_id=INJECTION), "adopt_id", "UUID"),
    Bad("org-adopt-traversal", ORG, org(adopt_id="../organizations/x"), "adopt_id", "UUID"),
    Bad("org-logo-traversal", ORG, org(logo_media_id="../../etc/passwd"), "logo_media_id", "UUID"),
    Bad("org-deletion-protection-str", ORG, org(deletion_protection="false"), "deletion_protection", "bool"),
    # --- BatchExport: top-level properties ------------------------------------------------------------------
    Bad("bx-project-missing", BX, export(project_id=DROP), "project_id", "required"),
    Bad("bx-project-injection", BX, export(project_id=INJECTION), "project_id", "int"),
    Bad("bx-project-zero", BX, export(project_id=0), "project_id", "greater than or equal to 1"),
    Bad("bx-project-negative", BX, export(project_id=-3), "project_id", "greater than or equal to 1"),
    Bad("bx-project-fraction", BX, export(project_id=1.5), "project_id", "int"),
    Bad("bx-project-bool", BX, export(project_id=True), "project_id", "int"),
    Bad("bx-name-missing", BX, export(name=DROP), "name", "required"),
    Bad("bx-name-blank", BX, export(name=" "), "name", "blank"),
    Bad("bx-name-list", BX, export(name=["nightly"]), "name", "str"),
    Bad("bx-interval-missing", BX, export(interval=DROP), "interval", "required"),
    Bad("bx-interval-unknown", BX, export(interval="fortnight"), "interval", "valid choice"),
    Bad("bx-interval-case", BX, export(interval="HOUR"), "interval", "valid choice"),
    Bad("bx-interval-seconds", BX, export(interval=3600), "interval", "str"),
    Bad("bx-model-unknown", BX, export(model="clicks"), "model", "valid choice"),
    Bad("bx-model-http-persons", BX, http(**{}) | {"model": "persons"}, "model", "events model"),
    Bad("bx-paused-string", BX, export(paused="no"), "paused", "bool"),
    Bad("bx-hogql-not-string", BX, export(hogql_query=42), "hogql_query", "str"),
    Bad("bx-adopt-not-uuid", BX, export(adopt_id="123"), "adopt_id", "UUID"),
    Bad("bx-adopt-traversal", BX, export(adopt_id=TRAVERSAL), "adopt_id", "UUID"),
    # schedule: offsets, time zone, dates
    Bad("bx-offset-hour-24", BX, export(offset_hour=24), "offset_hour", "less than or equal to 23"),
    Bad("bx-offset-hour-negative", BX, export(offset_hour=-1), "offset_hour", "greater than or equal to 0"),
    Bad("bx-offset-hour-hourly", BX, export(interval="hour", offset_hour=3), "offset_hour", "not applicable"),
    Bad("bx-offset-hour-string", BX, export(offset_hour="3am"), "offset_hour", "int"),
    Bad("bx-offset-day-7", BX, export(interval="week", offset_day=7), "offset_day", "less than or equal to 6"),
    Bad("bx-offset-day-negative", BX, export(interval="week", offset_day=-2), "offset_day", "greater than or equal"),
    Bad("bx-offset-day-daily", BX, export(offset_day=1), "offset_day", "daily"),
    Bad("bx-offset-day-hourly", BX, export(interval="hour", offset_day=1), "offset_day", "non-weekly"),
    Bad("bx-timezone-unknown", BX, export(timezone="Europe/Atlantis"), "timezone", "time zone"),
    Bad("bx-timezone-offset", BX, export(timezone="UTC+2"), "timezone", "time zone"),
    Bad("bx-start-not-date", BX, export(start_at="yesterday"), "start_at", "ISO 8601"),
    Bad("bx-end-impossible-date", BX, export(end_at="2026-13-45T00:00:00Z"), "end_at", "ISO 8601"),
    Bad("bx-end-before-start", BX, export(start_at="2026-05-01T00:00:00Z", end_at="2026-04-01T00:00:00Z"), "end_at"),
    # filters
    Bad("bx-filters-string", BX, export(filters="$browser = Firefox"), "filters", "list"),
    Bad("bx-filters-item-string", BX, export(filters=["$browser"]), "filters", "object"),
    Bad("bx-filters-no-type", BX, export(filters=[{"key": "$browser", "value": "x"}]), "filters", "type"),
    Bad("bx-filters-bad-type", BX, export(filters=[{"key": "a", "type": "cohort"}]), "filters", "type"),
    Bad(
        "bx-filters-run-attr",
        BX,
        export(filters=[{"type": "event", "data_interval_start": "2026-01-01"}]),
        "filters",
        "run attributes",
    ),
    Bad("bx-filters-persons", BX, export(model="persons", filters=[{"type": "event", "key": "a"}]), "filters", "only"),
    # --- BatchExport: destination ---------------------------------------------------------------------------
    Bad("dest-missing", BX, export(destination=DROP), "destination", "required"),
    Bad("dest-string", BX, export(destination="s3://landing/events"), "destination", "dict"),
    Bad("dest-no-type", BX, export(destination={"config": dict(S3), "integration_id": 7}), "destination", "type"),
    Bad("dest-unknown-type", BX, dest("Kafka", {"topic": "events"}), "destination", "not a valid destination type"),
    Bad("dest-type-case", BX, dest("awss3", dict(S3)), "destination", "not a valid destination type"),
    Bad("dest-type-int", BX, dest(3, dict(S3)), "destination", "not a valid destination type"),
    Bad(
        "dest-unknown-top-key",
        BX,
        export(destination={"type": "AwsS3", "config": dict(S3), "integration_id": 7, "credentials": {}}),
        "destination",
        "credentials",
    ),
    Bad("dest-config-list", BX, dest("AwsS3", [S3]), "destination", "config"),
    Bad("dest-integration-not-int", BX, dest("AwsS3", dict(S3), integration_id="lake"), "destination", "integration"),
    Bad("dest-integration-bool", BX, dest("AwsS3", dict(S3), integration_id=True), "destination", "integration"),
    # object storage
    Bad("s3-unknown-key", BX, dest("AwsS3", {**S3, "bucket": "typo"}), "destination", "'bucket'"),
    Bad(
        "s3-inline-keys",
        BX,
        dest("AwsS3", {**S3, "aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "x" * 20}),
        "destination",
        "Integration of kind 'aws-s3'",
    ),
    Bad("s3-missing-bucket", BX, dest("AwsS3", {"region": "us-east-1", "prefix": "p"}), "destination", "bucket_name"),
    Bad("s3-missing-region", BX, dest("AwsS3", {"bucket_name": "b", "prefix": "p"}), "destination", "region"),
    Bad("s3-empty-prefix", BX, dest("AwsS3", {**S3, "prefix": ""}), "destination", "empty"),
    Bad("s3-max-size-word", BX, dest("AwsS3", {**S3, "max_file_size_mb": "big"}), "destination", "max_file_size_mb"),
    Bad("s3-format-csv", BX, dest("AwsS3", {**S3, "file_format": "CSV"}), "destination", "File format CSV"),
    Bad(
        "s3-jsonl-zstd",
        BX,
        dest("AwsS3", {**S3, "file_format": "JSONLines", "compression": "zstd"}),
        "destination",
        "Compression zstd is not supported for file format JSONLines",
    ),
    Bad("s3-default-format-snappy", BX, dest("AwsS3", {**S3, "compression": "snappy"}), "destination", "snappy"),
    Bad("s3-parquet-lzma", BX, dest("AwsS3", {**S3, "file_format": "Parquet", "compression": "lzma"}), "destination"),
    Bad("s3-legacy-ext-word", BX, dest("AwsS3", {**S3, "legacy_parquet_extension": "maybe"}), "destination", "bool"),
    Bad("s3-no-integration", BX, dest("AwsS3", dict(S3), None), "destination", "Integration is required"),
    Bad("s3c-encryption", BX, dest("S3Compatible", {**S3, "encryption": "AES256"}), "destination", "encryption"),
    Bad("s3c-no-integration", BX, dest("S3Compatible", dict(S3), None), "destination", "Integration is required"),
    Bad("azure-missing-container", BX, dest("AzureBlob", {"prefix": "p"}), "destination", "container_name"),
    Bad(
        "azure-jsonl-lz4",
        BX,
        dest("AzureBlob", {"container_name": "c", "compression": "lz4"}),
        "destination",
        "Compression lz4",
    ),
    Bad("azure-no-integration", BX, dest("AzureBlob", {"container_name": "c"}, None), "destination", "Integration"),
    Bad("legacy-s3-refused", BX, dest("S3", dict(S3), None), "destination", "Use 'AwsS3'"),
    Bad(
        "snowflake-wrong-kind",
        BX,
        dest("Snowflake", {"database": "d", "warehouse": "w", "schema": "s"}, integration_kind="aws-s3"),
        "destination",
        "Integration provided is not a Snowflake integration (got kind='aws-s3')",
    ),
    Bad(
        "legacy-s3-missing-keys",
        BX,
        dest("S3", dict(S3), None, allow_legacy_s3=True),
        "destination",
        "aws_access_key_id",
    ),
    # the newest batch-export fields
    Bad("hogql-query-on-persons", BX, export(model="persons", hogql_query="SELECT 1"), "hogql_query", "'persons'"),
    Bad("primary-key-on-events", BX, export(primary_key=["uuid"]), "primary_key", "only supported for 'hogql'"),
    Bad("version-key-on-events", BX, export(version_key=["ts"]), "version_key", "only supported for 'hogql'"),
    Bad("modifiers-on-events", BX, export(hogql_modifiers={"debug": True}), "hogql_modifiers", "'hogql'"),
    Bad("hogql-without-query", BX, export(model="hogql"), "hogql_query", "required"),
    Bad(
        "merge-without-primary-key",
        BX,
        export(model="hogql", hogql_query="SELECT 1", incremental_mode="MERGE"),
        "primary_key",
        "required when 'incremental_mode' is 'MERGE'",
    ),
    Bad(
        "empty-primary-key",
        BX,
        export(model="hogql", hogql_query="SELECT 1", primary_key=[]),
        "primary_key",
        "may not be empty",
    ),
    Bad(
        "blank-version-key",
        BX,
        export(model="hogql", hogql_query="SELECT 1", version_key=[" "]),
        "version_key",
        "may not be blank",
    ),
    Bad("incremental-mode-choice", BX, export(incremental_mode="UPSERT"), "incremental_mode", "APPEND"),
    Bad(
        "modifiers-not-object",
        BX,
        export(model="hogql", hogql_query="SELECT 1", hogql_modifiers=["debug"]),
        "hogql_modifiers",
        "must be a dict",
    ),
    # warehouses
    Bad("snowflake-missing-warehouse", BX, dest("Snowflake", {"database": "d", "schema": "s"}), "destination"),
    Bad(
        "snowflake-no-integration",
        BX,
        dest("Snowflake", {"database": "d", "warehouse": "w", "schema": "s"}, None),
        "destination",
        "Integration is required",
    ),
    Bad("postgres-missing-database", BX, dest("Postgres", {"schema": "public"}), "destination", "database"),
    # (Postgres `port` is `int | None` in newest PostHog, not type-checked: see test_newest_batch_export.py)
    Bad("redshift-port-word", BX, dest("Redshift", {"database": "d", "port": "fivefour"}), "destination", "port"),
    Bad("postgres-no-integration", BX, dest("Postgres", {"database": "d"}, None), "destination", "Integration"),
    Bad("redshift-unknown-key", BX, dest("Redshift", {"database": "d", "sslmode": "off"}), "destination", "sslmode"),
    Bad("redshift-no-integration", BX, dest("Redshift", {"database": "d"}, None), "destination", "Integration"),
    Bad("bigquery-missing-dataset", BX, dest("BigQuery", {"table_id": "events"}), "destination", "dataset_id"),
    Bad("bigquery-json-type-word", BX, dest("BigQuery", {"dataset_id": "d", "use_json_type": "sure"}), "destination"),
    Bad("bigquery-no-integration", BX, dest("BigQuery", {"dataset_id": "d"}, None), "destination", "Integration"),
    Bad(
        "databricks-missing-path",
        BX,
        dest("Databricks", {"catalog": "c", "schema": "s", "table_name": "t"}),
        "destination",
        "http_path",
    ),
    Bad(
        "databricks-no-integration",
        BX,
        dest("Databricks", {"http_path": "/sql", "catalog": "c", "schema": "s", "table_name": "t"}, None),
        "destination",
        "Integration",
    ),
    # HTTP: the allow-list
    Bad(
        "http-url-elsewhere", BX, http(url="https://evil.example.com/batch/"), "destination", "Invalid destination URL"
    ),
    Bad("http-url-plain", BX, http(url="http://us.i.posthog.com/batch/"), "destination", "Invalid destination URL"),
    Bad("http-url-internal", BX, http(url="http://169.254.169.254/latest/"), "destination", "Invalid destination URL"),
    Bad("http-missing-token", BX, dest("HTTP", {"url": HTTP_URL}, None), "destination", "token"),
    # --- Integration ----------------------------------------------------------------------------------------
    Bad("int-kind-missing", INT, {"project_id": PROJECT, "config": {"name": "lake", "aws_role_arn": ROLE_ARN}}, "kind"),
    Bad("int-kind-unknown", INT, integ("aws-s4", {"name": "lake"}), "kind", "one of"),
    Bad("int-kind-case", INT, integ("AWS-S3", {"name": "lake"}), "kind", "one of"),
    Bad("int-config-missing", INT, {"project_id": PROJECT, "kind": "aws-s3"}, "config", "required"),
    Bad("int-config-string", INT, integ("aws-s3", "name=lake"), "config", "dict"),
    Bad(
        "int-project-string",
        INT,
        integ("aws-s3", {"name": "l", "aws_role_arn": ROLE_ARN}, project_id="one"),
        "project_id",
        "int",
    ),
    Bad(
        "int-project-negative",
        INT,
        integ("aws-s3", {"name": "l", "aws_role_arn": ROLE_ARN}, project_id=-1),
        "project_id",
        "greater than or equal to 1",
    ),
    Bad(
        "s3-role-short-account",
        INT,
        integ("aws-s3", {"name": "l", "aws_role_arn": "arn:aws:iam::1234:role/x"}),
        "config",
        "role ARN",
    ),
    Bad(
        "s3-role-is-user",
        INT,
        integ("aws-s3", {"name": "l", "aws_role_arn": "arn:aws:iam::123456789012:user/bob"}),
        "config",
        "role ARN",
    ),
    Bad(
        "s3-role-empty",
        INT,
        integ("aws-s3", {"name": "l", "aws_role_arn": "", "aws_access_key_id": "AKIA1"}),
        "config",
        "role ARN",
    ),
    Bad("s3-role-no-name", INT, integ("aws-s3", {"aws_role_arn": ROLE_ARN}), "config", "name is required"),
    Bad(
        "s3-keys-no-secret",
        INT,
        integ("aws-s3", {"name": "l", "aws_access_key_id": "AKIA1"}),
        "config",
        "Secret access key",
    ),
    Bad("s3-name-too-long", INT, integ("aws-s3", {"name": "n" * 200, "aws_role_arn": ROLE_ARN}), "config", "too long"),
    Bad(
        "s3c-no-endpoint",
        INT,
        integ("s3-compatible", {"name": "r2", "aws_access_key_id": "a", "aws_secret_access_key": "b"}),
        "config",
        "Endpoint URL",
    ),
    Bad(
        "s3c-ftp-endpoint",
        INT,
        integ(
            "s3-compatible",
            {
                "name": "r2",
                "endpoint_url": "ftp://r2.example.com",
                "aws_access_key_id": "a",
                "aws_secret_access_key": "b",
            },
        ),
        "config",
        "Invalid endpoint URL",
    ),
    Bad(
        "s3c-no-keys",
        INT,
        integ("s3-compatible", {"name": "r2", "endpoint_url": "https://r2.example.com"}),
        "config",
        "Access keys",
    ),
    Bad(
        "pg-port-string",
        INT,
        integ("postgresql", {"host": "db", "port": "5432x", "user": "u", "password": "p"}),
        "config",
        "Port must be an integer",
    ),
    Bad(
        "pg-port-range",
        INT,
        integ("postgresql", {"host": "db", "port": 70000, "user": "u", "password": "p"}),
        "config",
        "valid port",
    ),
    Bad(
        "pg-port-zero",
        INT,
        integ("postgresql", {"host": "db", "port": 0, "user": "u", "password": "p"}),
        "config",
        "valid port",
    ),
    Bad(
        "pg-ssl-disable",
        INT,
        integ("postgresql", {"host": "db", "port": 5432, "user": "u", "password": "p", "ssl_mode": "disable"}),
        "config",
        "SSL mode",
    ),
    Bad(
        "pg-verify-no-cert",
        INT,
        integ("postgresql", {"host": "db", "port": 5432, "user": "u", "password": "p", "ssl_mode": "verify-full"}),
        "config",
        "root certificate",
    ),
    Bad("pg-no-password", INT, integ("postgresql", {"host": "db", "port": 5432, "user": "u"}), "config", "password"),
    Bad("redshift-nothing", INT, integ("aws-redshift", {"name": "rs"}), "config", "Missing required inputs"),
    Bad(
        "redshift-role-no-user",
        INT,
        integ("aws-redshift", {"name": "rs", "aws_role_arn": ROLE_ARN}),
        "config",
        "Username",
    ),
    Bad(
        "redshift-empty-groups",
        INT,
        integ("aws-redshift", {"name": "rs", "aws_role_arn": ROLE_ARN, "user": "u", "groups": []}),
        "config",
        "groups",
    ),
    Bad(
        "snowflake-account-url",
        INT,
        integ(
            "snowflake", {"name": "sf", "account": "https://acme.snowflakecomputing.com", "user": "u", "password": "p"}
        ),
        "config",
        "invalid account identifier",
    ),
    Bad(
        "snowflake-auth-oauth",
        INT,
        integ("snowflake", {"name": "sf", "account": "acme-prod", "user": "u", "authentication_type": "oauth"}),
        "config",
        "Invalid authentication type",
    ),
    Bad(
        "snowflake-keypair-no-key",
        INT,
        integ("snowflake", {"name": "sf", "account": "acme-prod", "user": "u", "authentication_type": "keypair"}),
        "config",
        "Private key",
    ),
    Bad(
        "snowflake-no-user",
        INT,
        integ("snowflake", {"name": "sf", "account": "acme-prod", "password": "p"}),
        "config",
        "Name, account, and user",
    ),
    Bad(
        "gcp-token-uri",
        INT,
        integ(
            "google-cloud-service-account",
            {
                "service_account_email": "a@p.iam.gserviceaccount.com",
                "project_id": "p",
                "token_uri": "https://evil.example.com/token",
            },
        ),
        "config",
        "token_uri",
    ),
    Bad(
        "gcp-no-project",
        INT,
        integ("google-cloud-service-account", {"service_account_email": "a@b.c"}),
        "config",
        "project ID",
    ),
    Bad(
        "databricks-url-host",
        INT,
        integ(
            "databricks",
            {"server_hostname": "https://dbc-1.cloud.databricks.com", "client_id": "c", "client_secret": "s"},
        ),
        "config",
        "full URL",
    ),
    Bad(
        "databricks-no-secret",
        INT,
        integ("databricks", {"server_hostname": "dbc-1.cloud.databricks.com", "client_id": "c"}),
        "config",
        "client secret",
    ),
    Bad(
        "azure-no-account",
        INT,
        integ("azure-blob", {"connection_string": "DefaultEndpointsProtocol=https;AccountKey=k"}),
        "config",
        "AccountName",
    ),
    Bad(
        "azure-http",
        INT,
        integ("azure-blob", {"connection_string": "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=k"}),
        "config",
        "https",
    ),
    Bad("azure-missing", INT, integ("azure-blob", {}), "config", "Connection string"),
    # --- Project --------------------------------------------------------------------------------------------
    Bad("proj-org-missing", PROJ, proj(organization_id=DROP), "organization_id", "required"),
    Bad("proj-org-not-uuid", PROJ, proj(organization_id="acme"), "organization_id", "UUID"),
    Bad("proj-org-traversal", PROJ, proj(organization_id=TRAVERSAL), "organization_id", "UUID"),
    Bad("proj-name-missing", PROJ, proj(name=DROP), "name", "required"),
    Bad("proj-name-blank", PROJ, proj(name="  "), "name", "blank"),
    Bad("proj-name-too-long", PROJ, proj(name="A" * 201), "name", "200 characters"),
    Bad("proj-timezone", PROJ, proj(timezone="Mars/Olympus"), "timezone", "valid choice"),
    Bad("proj-anonymize-word", PROJ, proj(anonymize_ips="yes"), "anonymize_ips", "bool"),
    Bad("proj-app-urls-string", PROJ, proj(app_urls="https://a.example"), "app_urls", "list"),
    Bad("proj-app-urls-number", PROJ, proj(app_urls=[42]), "app_urls", "string"),
    Bad("proj-adopt-word", PROJ, proj(adopt_id="web"), "adopt_id", "project id"),
    Bad("proj-adopt-traversal", PROJ, proj(adopt_id=TRAVERSAL), "adopt_id", "project id"),
    # --- BatchExportBackfill --------------------------------------------------------------------------------
    Bad("fill-export-missing", FILL, fill(batch_export_id=DROP), "batch_export_id", "required"),
    Bad("fill-export-not-uuid", FILL, fill(batch_export_id="nightly"), "batch_export_id", "UUID"),
    Bad("fill-export-traversal", FILL, fill(batch_export_id=TRAVERSAL), "batch_export_id", "UUID"),
    Bad("fill-export-injection", FILL, fill(batch_export_id=INJECTION), "batch_export_id", "UUID"),
    Bad("fill-project-string", FILL, fill(project_id="1 OR 1=1"), "project_id", "int"),
    Bad("fill-project-zero", FILL, fill(project_id=0), "project_id", "greater than or equal to 1"),
    Bad("fill-end-missing", FILL, fill(end_at=DROP), "end_at", "required"),
    Bad("fill-end-future", FILL, fill(end_at="2999-01-01"), "end_at", "future"),
    Bad("fill-start-after-end", FILL, fill(start_at="2026-02-01", end_at="2026-01-01"), "start_at", "before"),
    Bad("fill-start-equals-end", FILL, fill(start_at="2026-01-01", end_at="2026-01-01"), "start_at", "before"),
    Bad(
        "fill-naive-datetime",
        FILL,
        fill(start_at="2026-01-01T00:00:00", end_at="2026-01-02T00:00:00Z"),
        "start_at",
        "naive",
    ),
    Bad("fill-impossible-date", FILL, fill(start_at="2026-02-30"), "start_at", "not a valid ISO"),
    Bad("fill-words", FILL, fill(start_at="last week"), "start_at", "not a valid ISO"),
    Bad("fill-end-number", FILL, fill(end_at=20260102), "end_at", "str"),
    # --- EnvironmentsRollback -------------------------------------------------------------------------------
    Bad("roll-org-missing", ROLL, roll(organization_id=DROP), "organization_id", "required"),
    Bad("roll-org-not-uuid", ROLL, roll(organization_id="acme"), "organization_id", "UUID"),
    Bad("roll-org-traversal", ROLL, roll(organization_id="../projects/1"), "organization_id", "UUID"),
    Bad("roll-mapping-missing", ROLL, roll(environment_mappings=DROP), "environment_mappings", "required"),
    Bad("roll-mapping-empty", ROLL, roll(environment_mappings={}), "environment_mappings", "required"),
    Bad("roll-mapping-list", ROLL, roll(environment_mappings=[12, 11]), "environment_mappings", "dict"),
    Bad("roll-mapping-source-word", ROLL, roll(environment_mappings={"prod": 11}), "environment_mappings", "integers"),
    Bad(
        "roll-mapping-target-word",
        ROLL,
        roll(environment_mappings={"12": "staging"}),
        "environment_mappings",
        "integers",
    ),
    Bad("roll-mapping-injection", ROLL, roll(environment_mappings={INJECTION: 11}), "environment_mappings", "integers"),
]


# ----- unknown values in a preview are never a failure ---------------------------------------------------------

UNKNOWN_CASES = [
    ("bx-project", BX, export(project_id=Unknown())),
    ("bx-name", BX, export(name=Unknown())),
    ("bx-interval", BX, export(interval=Unknown(), offset_hour=3)),
    ("bx-destination", BX, export(destination=Unknown())),
    ("bx-destination-type", BX, export(destination={"type": Unknown(), "config": {"x": 1}})),
    ("bx-config", BX, dest("AwsS3", Unknown())),
    ("bx-config-value", BX, dest("AwsS3", {**S3, "bucket_name": Unknown()})),
    ("bx-config-format", BX, dest("AwsS3", {**S3, "file_format": Unknown(), "compression": "zstd"})),
    ("bx-integration", BX, dest("AwsS3", dict(S3), Unknown())),
    ("bx-http-url", BX, http(url=Unknown())),
    ("bx-offsets", BX, export(interval="week", offset_day=Unknown(), offset_hour=Unknown())),
    ("bx-dates", BX, export(start_at=Unknown(), end_at="2026-01-01T00:00:00Z")),
    ("bx-filters", BX, export(filters=[Unknown(), {"type": "event", "key": "a"}])),
    ("bx-timezone", BX, export(timezone=Unknown())),
    ("bx-adopt", BX, export(adopt_id=Unknown())),
    ("int-project", INT, integ("aws-s3", {"name": "lake", "aws_role_arn": ROLE_ARN}, project_id=Unknown())),
    ("int-kind", INT, integ(Unknown(), {"name": "lake"})),
    ("int-config", INT, integ("postgresql", Unknown())),
    ("int-role-arn", INT, integ("aws-s3", {"name": "lake", "aws_role_arn": Unknown()})),
    ("int-name", INT, integ("snowflake", {"name": Unknown(), "account": "a", "user": "u", "password": "p"})),
    ("int-password", INT, integ("postgresql", {"host": "db", "port": 5432, "user": "u", "password": Unknown()})),
    ("fill-export", FILL, fill(batch_export_id=Unknown())),
    ("fill-dates", FILL, fill(start_at=Unknown(), end_at=Unknown())),
    ("fill-project", FILL, fill(project_id=Unknown())),
    ("roll-org", ROLL, roll(organization_id=Unknown())),
    ("roll-mapping", ROLL, roll(environment_mappings=Unknown())),
    ("roll-mapping-value", ROLL, roll(environment_mappings={"12": Unknown()})),
    ("org-name", ORG, org(name=Unknown())),
    ("org-adopt", ORG, org(adopt_id=Unknown())),
    ("proj-org", PROJ, proj(organization_id=Unknown())),
    ("proj-name", PROJ, proj(name=Unknown())),
    ("proj-app-url", PROJ, proj(app_urls=[Unknown(), "https://a.example"])),
]
