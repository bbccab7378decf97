"""Destination rules (latest profile unless marked): config keys and types, secrets, merging, integrations."""

from __future__ import annotations

import pytest

from tests.conftest import LocalServer
from tests.local.bx_helpers import (
    HTTP_CONFIG,
    S3_CONFIG,
    add_integration,
    body,
    create,
    delete_integration_row,
    error,
    export_path,
    exports_path,
)

NESTED = "destination__non_field_errors"


def s3(server: LocalServer, project: int, **config: object) -> dict[str, object]:
    integration = add_integration(server, project, "aws-s3")
    return {"type": "AwsS3", "config": {**S3_CONFIG, **config}, "integration": integration}


def test_unknown_config_keys_are_listed_sorted(any_profile: LocalServer) -> None:
    server = any_profile
    response = server.api(
        "POST", exports_path(server.project), json=body({"type": "NoOp", "config": {"zeta": 1, "alpha": 2}})
    )
    error(response, 400, "Configuration has unknown field/s: 'alpha', 'zeta'", NESTED, code="invalid_input")


def test_base_inputs_are_accepted_in_config(any_profile: LocalServer) -> None:
    server = any_profile
    config = {"arg": "x", "exclude_events": ["$pageview"], "include_events": ["signup"]}
    created = create(server, server.project, destination={"type": "NoOp", "config": config})
    fetched = server.api("GET", export_path(server.project, created["id"])).json()
    assert fetched["destination"]["config"]["exclude_events"] == ["$pageview"]


def test_unknown_destination_type_is_a_choice_error(any_profile: LocalServer) -> None:
    server = any_profile
    response = server.api("POST", exports_path(server.project), json=body({"type": "Kafka", "config": {}}))
    error(response, 400, '"Kafka" is not a valid choice.', "destination__type", code="invalid_choice")


def test_required_keys_on_post_and_put_not_patch(posthog_local: LocalServer) -> None:
    server = posthog_local
    destination = {"type": "HTTP", "config": {"url": HTTP_CONFIG["url"]}}
    response = server.api("POST", exports_path(server.project), json=body(destination))
    error(response, 400, "Configuration missing required field: 'token'", NESTED)
    created = create(server, server.project, destination={"type": "HTTP", "config": HTTP_CONFIG})
    path = export_path(server.project, created["id"])
    response = server.api("PUT", path, json=body({"type": "HTTP", "config": {"token": "new"}}))
    error(response, 400, "Configuration missing required field: 'url'", NESTED)
    response = server.api("PATCH", path, json={"destination": {"type": "HTTP", "config": {"token": "new"}}})
    assert response.status_code == 200, response.text


def test_type_checks_coerce_strings_to_bool_and_int(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    integration = add_integration(server, project, "postgresql")
    destination = {
        "type": "Postgres",
        "config": {"database": "db", "port": "5433", "has_self_signed_cert": "true"},
        "integration": integration,
    }
    created = create(server, project, destination=destination)
    config = created["destination"]["config"]
    assert (config["port"], config["has_self_signed_cert"]) == (5433, True)
    fetched = server.api("GET", export_path(project, created["id"])).json()
    assert fetched["destination"]["config"] == config
    for bad, message in [
        ({"table_name": 2}, "Configuration has invalid type: got 'int', expected 'str'"),
        ({"schema": None}, "Configuration has invalid type: got 'NoneType', expected 'str'"),
        ({"has_self_signed_cert": 1}, "Configuration has invalid type: got 'int', expected 'bool'"),
    ]:
        payload = body({**destination, "config": {"database": "db", **bad}})
        error(server.api("POST", exports_path(project), json=payload), 400, message, NESTED)


def test_postgres_port_is_not_type_checked_but_reads_as_int(any_profile: LocalServer) -> None:
    """Newest ``PostgresBatchExportInputs.port: int | None``: the write check skips unions (2025 declared
    ``port: int``), while the read coercion looks inside them; Redshift's ``port: int`` stays checked."""
    server = any_profile
    project = server.new_project()
    destination = {"type": "Postgres", "config": {"database": "db", "port": "abc"}}
    if server.profile == "latest":
        destination["integration"] = add_integration(server, project, "postgresql")
    else:
        destination["config"].update(user="u", password="p", host="db.example.com")
    response = server.api("POST", exports_path(project), json=body(destination))
    if server.profile == "2025":
        error(response, 400, "Configuration has invalid type: got 'str', expected 'int'", NESTED)
        return
    assert response.status_code == 201, response.text
    assert response.json()["destination"]["config"]["port"] == "abc"  # not an int, so left alone
    destination["config"]["port"] = "5433"
    assert create(server, project, destination=destination)["destination"]["config"]["port"] == 5433
    redshift = add_integration(server, project, "aws-redshift", {"host": "rs.example.com"})
    bad = {"type": "Redshift", "config": {"database": "db", "port": "abc"}, "integration": redshift}
    response = server.api("POST", exports_path(project), json=body(bad))
    error(response, 400, "Configuration has invalid type: got 'str', expected 'int'", NESTED)


def test_file_download_takes_its_own_config_keys(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    config = {"file_format": "Parquet", "expires_in_seconds": "600", "max_file_size_mb": "50"}
    created = create(server, project, destination={"type": "FileDownload", "config": config})
    assert created["destination"]["config"] == {
        "file_format": "Parquet",
        "expires_in_seconds": 600,
        "max_file_size_mb": 50,
    }
    response = server.api(
        "POST", exports_path(project), json=body({"type": "FileDownload", "config": {"expires_in_seconds": "soon"}})
    )
    error(response, 400, "Configuration has invalid type: got 'str', expected 'int'", NESTED)
    response = server.api("POST", exports_path(project), json=body({"type": "FileDownload", "config": {"url": "x"}}))
    error(response, 400, "Configuration has unknown field/s: 'url'", NESTED)


def test_secrets_are_omitted_everywhere_and_kept_on_update(posthog_local: LocalServer) -> None:
    server = posthog_local
    created = create(server, server.project, destination={"type": "HTTP", "config": HTTP_CONFIG})
    assert created["destination"]["config"] == {"url": HTTP_CONFIG["url"]}
    path = export_path(server.project, created["id"])
    assert server.api("GET", path).json()["destination"]["config"] == {"url": HTTP_CONFIG["url"]}
    listed = server.api("GET", exports_path(server.project)).json()["results"]
    assert all("token" not in e["destination"]["config"] for e in listed)
    patched = server.api("PATCH", path, json={"destination": {"type": "HTTP", "config": {"token": "rotated"}}})
    assert patched.json()["destination"]["config"] == {"url": HTTP_CONFIG["url"]}


def test_secrets_are_stripped_recursively(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    integration = add_integration(server, project, "aws-redshift", {"host": "redshift.example.com"})
    copy_inputs = {
        "s3_bucket": "b",
        "region_name": "us-east-1",
        "s3_key_prefix": "p/",
        "authorization": {"aws_access_key_id": "AKIA", "aws_secret_access_key": "shh"},
        "bucket_credentials": {"aws_access_key_id": "AKIA2", "aws_secret_access_key": "shh2"},
    }
    config = {"database": "db", "mode": "COPY", "copy_inputs": copy_inputs, "password": "pw"}
    created = create(server, project, destination={"type": "Redshift", "config": config, "integration": integration})
    returned = created["destination"]["config"]
    assert "password" not in returned
    assert returned["copy_inputs"] == {
        "s3_bucket": "b",
        "region_name": "us-east-1",
        "s3_key_prefix": "p/",
        "authorization": {},
        "bucket_credentials": {},
    }


def test_config_is_deep_merged_on_patch_and_put(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    destination = s3(server, project, compression="gzip")
    created = create(server, project, destination=destination)
    path = export_path(project, created["id"])
    patched = server.api("PATCH", path, json={"destination": {"type": "AwsS3", "config": {"prefix": "new/"}}})
    assert patched.status_code == 200, patched.text
    config = patched.json()["destination"]["config"]
    assert (config["bucket_name"], config["prefix"], config["compression"]) == ("my-bucket", "new/", "gzip")
    put = server.api("PUT", path, json=body({**destination, "config": {**S3_CONFIG, "region": "eu-west-1"}}))
    assert put.status_code == 200, put.text
    config = put.json()["destination"]["config"]
    assert (config["region"], config["compression"]) == ("eu-west-1", "gzip")
    nulled = server.api("PATCH", path, json={"destination": {"type": "AwsS3", "config": {"compression": None}}})
    assert nulled.json()["destination"]["config"]["compression"] is None


def test_destination_type_cannot_change(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project)
    path = export_path(server.project, created["id"])
    response = server.api("PATCH", path, json={"destination": {"type": "HTTP", "config": HTTP_CONFIG}})
    error(
        response,
        400,
        "Cannot change destination type from 'NoOp' to 'HTTP'. "
        "Delete this batch export and create a new one with the new destination type.",
        "destination",
    )
    assert server.api("GET", path).json()["destination"]["type"] == "NoOp"


def test_destination_on_patch_needs_type_and_config(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project)
    path = export_path(server.project, created["id"])
    response = server.api("PATCH", path, json={"destination": {"config": {"arg": "x"}}})
    error(response, 500, "A server error occurred.", type="server_error", code="error")
    response = server.api("PATCH", path, json={"destination": {"type": "NoOp"}})
    error(response, 500, "A server error occurred.")


def test_http_destination_url_allow_list_and_events_model(any_profile: LocalServer) -> None:
    server = any_profile
    path = exports_path(server.project)
    bad = {"type": "HTTP", "config": {**HTTP_CONFIG, "url": "https://evil.example.com/batch/"}}
    error(
        server.api("POST", path, json=body(bad)),
        400,
        "Invalid destination URL: https://evil.example.com/batch/",
        "destination",
    )
    eu = {"type": "HTTP", "config": {**HTTP_CONFIG, "url": "https://eu.i.posthog.com/batch/"}}
    assert server.api("POST", path, json=body(eu)).status_code == 201
    persons = body({"type": "HTTP", "config": HTTP_CONFIG}, model="persons")
    error(server.api("POST", path, json=persons), 400, "HTTP batch exports only support the events model")


def test_file_format_and_compression_matrix(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    path = exports_path(project)
    good = server.api("POST", path, json=body(s3(server, project, file_format="Parquet", compression="zstd")))
    assert good.status_code == 201, good.text
    response = server.api("POST", path, json=body(s3(server, project, file_format="CSV")))
    error(
        response,
        400,
        "File format CSV is not supported. Supported file formats are ['Parquet', 'JSONLines']",
        "destination",
    )
    response = server.api("POST", path, json=body(s3(server, project, compression="zstd")))
    error(
        response,
        400,
        "Compression zstd is not supported for file format JSONLines. Supported compressions are ['gzip', 'brotli']",
        "destination",
    )
    # The check runs on the merged config: switching to JSONLines keeps the stored zstd compression.
    export_id = good.json()["id"]
    response = server.api(
        "PATCH",
        export_path(project, export_id),
        json={"destination": {"type": "AwsS3", "config": {"file_format": "JSONLines"}}},
    )
    error(
        response,
        400,
        "Compression zstd is not supported for file format JSONLines. Supported compressions are ['gzip', 'brotli']",
        "destination",
    )
    azure = add_integration(server, project, "azure-blob")
    response = server.api(
        "POST",
        path,
        json=body({"type": "AzureBlob", "config": {"container_name": "c", "compression": "lz4"}, "integration": azure}),
    )
    error(
        response,
        400,
        "Compression lz4 is not supported for file format JSONLines. Supported compressions are ['gzip', 'brotli']",
        "destination",
    )


def test_legacy_parquet_extension_default_for_object_storage(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    created = create(server, project, destination=s3(server, project))
    assert created["destination"]["config"]["legacy_parquet_extension"] is False
    azure = add_integration(server, project, "azure-blob")
    blob = create(
        server, project, destination={"type": "AzureBlob", "config": {"container_name": "c"}, "integration": azure}
    )
    assert blob["destination"]["config"] == {"container_name": "c", "legacy_parquet_extension": False}
    http = create(server, project, destination={"type": "HTTP", "config": HTTP_CONFIG})
    assert "legacy_parquet_extension" not in http["destination"]["config"]
    response = server.api("POST", exports_path(project), json=body(s3(server, project, legacy_parquet_extension=True)))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("'legacy_parquet_extension' can only stay on")
    assert response.json()["attr"] == "destination"


@pytest.mark.parametrize("config", [{**S3_CONFIG, "aws_access_key_id": "AKIA", "aws_secret_access_key": "s"}, {}])
def test_s3_type_is_a_server_error_in_latest(posthog_local: LocalServer, config: dict[str, str]) -> None:
    """Newest PostHog dropped ``S3`` from DESTINATION_WORKFLOWS but not from the type choices: its serializer's
    lookup fails (a KeyError), so any write with it is a 500 and nothing is created."""
    server = posthog_local
    project = server.new_project()
    response = server.api("POST", exports_path(project), json=body({"type": "S3", "config": config}))
    assert response.status_code == 500, response.text
    assert response.json() == {
        "type": "server_error",
        "code": "error",
        "detail": "A server error occurred.",
        "attr": None,
    }
    assert server.api("GET", exports_path(project)).json()["count"] == 0
    response = server.api("POST", exports_path(project), json=body({"type": "S4", "config": config}))
    error(response, 400, '"S4" is not a valid choice.', "destination__type")


def test_s3_type_is_accepted_in_2025(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    config = {**S3_CONFIG, "aws_access_key_id": "AKIA", "aws_secret_access_key": "secret"}
    created = create(server, server.new_project(), destination={"type": "S3", "config": config})
    assert created["destination"]["type"] == "S3"


@pytest.mark.parametrize(
    ("type_", "config", "missing"),
    [
        ("AwsS3", S3_CONFIG, "Integration is required for AwsS3 batch exports"),
        ("S3Compatible", S3_CONFIG, "Integration is required for S3Compatible batch exports"),
        ("Postgres", {"database": "db"}, "Integration is required for Postgres batch exports"),
        ("Redshift", {"database": "db", "host": "h.example.com"}, "Integration is required for Redshift batch exports"),
        (
            "Snowflake",
            {"database": "d", "warehouse": "w", "schema": "s"},
            "Integration is required for Snowflake batch exports",
        ),
        ("BigQuery", {"dataset_id": "d"}, "Integration is required for BigQuery batch exports"),
        (
            "Databricks",
            {"http_path": "p", "catalog": "c", "schema": "s", "table_name": "t"},
            "Integration is required for Databricks batch exports",
        ),
        ("AzureBlob", {"container_name": "c"}, "Integration is required for Azure Blob batch exports"),
    ],
)
def test_latest_requires_an_integration(posthog_local: LocalServer, type_: str, config: dict, missing: str) -> None:
    server = posthog_local
    response = server.api("POST", exports_path(server.project), json=body({"type": type_, "config": config}))
    error(response, 400, missing, "destination")


@pytest.mark.parametrize(
    ("type_", "config", "kind", "wrong"),
    [
        ("AwsS3", S3_CONFIG, "aws-s3", "Integration provided is not an AWS S3 integration (got kind='snowflake')"),
        (
            "S3Compatible",
            S3_CONFIG,
            "s3-compatible",
            "Integration provided is not an AWS S3 integration (got kind='snowflake')",
        ),
        ("Postgres", {"database": "db"}, "postgresql", "Integration is not a PostgreSQL integration."),
        (
            "Redshift",
            {"database": "db", "host": "h.example.com"},
            "aws-redshift",
            "Integration is not a Redshift integration.",
        ),
        (
            "BigQuery",
            {"dataset_id": "d"},
            "google-cloud-service-account",
            "Integration is not a Google Cloud service account integration.",
        ),
        (
            "Databricks",
            {"http_path": "p", "catalog": "c", "schema": "s", "table_name": "t"},
            "databricks",
            "Integration is not a Databricks integration.",
        ),
        ("AzureBlob", {"container_name": "c"}, "azure-blob", "Integration is not an Azure Blob integration."),
    ],
)
def test_integration_kind_must_match(
    posthog_local: LocalServer, type_: str, config: dict, kind: str, wrong: str
) -> None:
    server = posthog_local
    project = server.new_project()
    snowflake = add_integration(server, project, "snowflake")
    response = server.api(
        "POST", exports_path(project), json=body({"type": type_, "config": config, "integration": snowflake})
    )
    error(response, 400, wrong, "destination")
    right = add_integration(server, project, kind)
    created = create(server, project, destination={"type": type_, "config": config, "integration_id": right})
    assert created["destination"]["integration"] == right
    assert "integration_id" not in created["destination"]


def test_snowflake_kind_and_inline_credentials(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    aws = add_integration(server, project, "aws-s3")
    config = {"database": "d", "warehouse": "w", "schema": "s"}
    response = server.api(
        "POST", exports_path(project), json=body({"type": "Snowflake", "config": config, "integration": aws})
    )
    error(response, 400, "Integration provided is not a Snowflake integration (got kind='aws-s3')", "destination")
    inline = {**config, "account": "acc", "user": "u", "password": "pw"}
    snowflake = add_integration(server, project, "snowflake")
    response = server.api(
        "POST", exports_path(project), json=body({"type": "Snowflake", "config": inline, "integration": snowflake})
    )
    error(response, 400, "Configuration has unknown field/s: 'account', 'password', 'user'", NESTED)
    inline_s3 = {**S3_CONFIG, "aws_access_key_id": "AKIA", "aws_secret_access_key": "shh"}
    response = server.api(
        "POST", exports_path(project), json=body({"type": "AwsS3", "config": inline_s3, "integration": aws})
    )
    error(response, 400, "Configuration has unknown field/s: 'aws_access_key_id', 'aws_secret_access_key'", NESTED)


@pytest.mark.parametrize(
    ("type_", "config", "kind", "row", "detail"),
    [
        (
            "Snowflake",
            {"database": "d", "warehouse": "w", "schema": "s"},
            "snowflake",
            ({"name": "sf", "user": "u"}, {}),
            "Snowflake integration is not valid: 'account' missing",
        ),
        (
            "Databricks",
            {"http_path": "p", "catalog": "c", "schema": "s", "table_name": "t"},
            "databricks",
            ({"server_hostname": "h.cloud.databricks.com"}, {"client_id": "c"}),
            "Databricks integration is not valid: 'client_secret' missing",
        ),
        (
            "AzureBlob",
            {"container_name": "c"},
            "azure-blob",
            ({}, {}),
            "Azure Blob integration is missing required field: 'connection_string'",
        ),
    ],
)
def test_integrations_are_built_to_check_them(
    posthog_local: LocalServer,
    type_: str,
    config: dict[str, str],
    kind: str,
    row: tuple[dict[str, str], dict[str, str]],
    detail: str,
) -> None:
    """Newest PostHog builds SnowflakeIntegration / DatabricksIntegration / AzureBlobIntegration from the row."""
    server = posthog_local
    project = server.new_project()
    broken = add_integration(server, project, kind, *row)
    response = server.api(
        "POST", exports_path(project), json=body({"type": type_, "config": config, "integration": broken})
    )
    error(response, 400, detail, "destination")
    complete = add_integration(server, project, kind)
    created = create(server, project, destination={"type": type_, "config": config, "integration": complete})
    assert created["destination"]["integration"] == complete


def test_integration_of_another_team_does_not_exist(posthog_local: LocalServer) -> None:
    server = posthog_local
    other = server.new_project()
    foreign = add_integration(server, other, "aws-s3")
    destination = {"type": "AwsS3", "config": S3_CONFIG, "integration": foreign}
    response = server.api("POST", exports_path(server.project), json=body(destination))
    error(
        response,
        400,
        f'Invalid pk "{foreign}" - object does not exist.',
        "destination__integration",
        code="does_not_exist",
    )
    destination = {"type": "AwsS3", "config": S3_CONFIG, "integration_id": foreign}
    response = server.api("POST", exports_path(server.project), json=body(destination))
    error(response, 400, f'Invalid pk "{foreign}" - object does not exist.', "destination__integration_id")


def test_patch_keeps_integration_and_explicit_null_is_rejected(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    destination = s3(server, project)
    created = create(server, project, destination=destination)
    path = export_path(project, created["id"])
    kept = server.api("PATCH", path, json={"destination": {"type": "AwsS3", "config": {"prefix": "x/"}}})
    assert kept.status_code == 200 and kept.json()["destination"]["integration"] == destination["integration"]
    response = server.api("PATCH", path, json={"destination": {"type": "AwsS3", "config": {}, "integration": None}})
    error(response, 400, "Integration is required for AwsS3 batch exports", "destination")
    swapped = add_integration(server, project, "aws-s3")
    response = server.api(
        "PATCH", path, json={"destination": {"type": "AwsS3", "config": {}, "integration_id": swapped}}
    )
    assert response.json()["destination"]["integration"] == swapped


def test_databricks_patch_must_resend_integration(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    integration = add_integration(server, project, "databricks")
    config = {"http_path": "p", "catalog": "c", "schema": "s", "table_name": "t"}
    created = create(server, project, destination={"type": "Databricks", "config": config, "integration": integration})
    assert created["destination"]["config"] == config  # defaults are not materialized
    path = export_path(project, created["id"])
    response = server.api("PATCH", path, json={"destination": {"type": "Databricks", "config": {"table_name": "u"}}})
    error(response, 400, "Integration is required for Databricks batch exports", "destination")


def test_postgres_needs_integration_only_on_create_and_checks_host(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    integration = add_integration(server, project, "postgresql")
    created = create(
        server, project, destination={"type": "Postgres", "config": {"database": "db"}, "integration": integration}
    )
    path = export_path(project, created["id"])
    response = server.api("PATCH", path, json={"destination": {"type": "Postgres", "config": {"table_name": "t2"}}})
    assert response.status_code == 200 and response.json()["destination"]["integration"] == integration
    bad_host = {
        "type": "Postgres",
        "config": {"database": "db", "host": "user:pw@db.example.com/x"},
        "integration": integration,
    }
    response = server.api("POST", exports_path(project), json=body(bad_host))
    error(
        response,
        400,
        "Invalid host. Enter a hostname or IP address without credentials, scheme, or path.",
        "destination",
    )


def test_redshift_rules(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    no_host = add_integration(server, project, "aws-redshift")
    response = server.api(
        "POST",
        exports_path(project),
        json=body({"type": "Redshift", "config": {"database": "db"}, "integration": no_host}),
    )
    error(
        response,
        400,
        "A 'host' is required when using an AWS Redshift integration: set it to the cluster or workgroup endpoint.",
        "destination",
    )
    with_host = add_integration(server, project, "aws-redshift", {"host": "cluster.example.com"})
    destination = {"type": "Redshift", "config": {"database": "db"}, "integration": with_host}
    created = create(server, project, destination=destination)
    path = export_path(project, created["id"])
    response = server.api("PATCH", path, json={"destination": {"type": "Redshift", "config": {"schema": "s2"}}})
    error(
        response,
        400,
        "Cannot remove the integration from a Redshift batch export that uses one. "
        "Re-send its `integration` to keep it (or a different one to swap).",
        "destination",
    )
    copy = {"type": "Redshift", "config": {"mode": "COPY"}, "integration": with_host}
    error(
        server.api("PATCH", path, json={"destination": copy}), 400, "Missing required inputs for 'COPY'", "destination"
    )
    copy["config"] = {"mode": "COPY", "copy_inputs": {"s3_bucket": "b"}}
    error(
        server.api("PATCH", path, json={"destination": copy}), 400, "Missing required input for 'COPY'", "destination"
    )
    other_kind = add_integration(server, project, "snowflake")
    copy["config"] = {
        "mode": "COPY",
        "copy_inputs": {
            "s3_bucket": "b",
            "region_name": "r",
            "authorization": "arn:aws:iam::1:role/r",
            "bucket_credentials": other_kind,
        },
    }
    error(
        server.api("PATCH", path, json={"destination": copy}),
        400,
        "'bucket_credentials' does not reference an AWS S3 integration of this project.",
        "destination",
    )
    copy["config"]["copy_inputs"]["bucket_credentials"] = add_integration(server, project, "aws-s3")
    assert server.api("PATCH", path, json={"destination": copy}).status_code == 200
    copy["config"] = {"copy_inputs": {"bucket_credentials": {"aws_access_key_id": "a", "aws_secret_access_key": "b"}}}
    error(
        server.api("PATCH", path, json={"destination": copy}),
        400,
        "Cannot switch 'bucket_credentials' from an integration to inline credentials. "
        "Send a different integration ID to swap, or omit the field to keep the current one.",
        "destination",
    )


def test_deleted_integration_leaves_export_without_one(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    destination = s3(server, project)
    created = create(server, project, destination=destination)
    delete_integration_row(server, destination["integration"])  # what the FK's SET_NULL does
    path = export_path(project, created["id"])
    assert server.api("GET", path).json()["destination"]["integration"] is None
    response = server.api("PATCH", path, json={"destination": {"type": "AwsS3", "config": {"prefix": "x/"}}})
    error(response, 400, "Integration is required for AwsS3 batch exports", "destination")
    assert server.api("PATCH", path, json={"name": "renamed"}).status_code == 200


def test_workflows_destination_is_flagged_and_hidden_from_list(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    destination = {"type": "Workflows", "config": {"hog_function_id": "hf"}}
    response = server.api("POST", exports_path(project), json=body(destination))
    error(response, 403, "Backfilling Workflows is not enabled for this team.", type="authentication_error")
    server.set_flags(project, **{"backfill-workflows-destination": True})
    created = create(server, project, destination=destination)
    assert server.api("GET", exports_path(project)).json()["count"] == 0
    assert server.api("GET", export_path(project, created["id"])).status_code == 200


def test_missing_config_is_required_in_latest(posthog_local: LocalServer) -> None:
    server = posthog_local
    response = server.api("POST", exports_path(server.project), json=body({"type": "NoOp"}))
    error(response, 400, "This field is required.", "destination__config")
