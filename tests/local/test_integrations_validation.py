"""Integration create validation on posthog-local: PostHog's exact 400 messages per kind, SSRF included."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.local.test_integrations import assert_error, create

ARN = "arn:aws:iam::123456789012:role/posthog"
PG = {"host": "db.example.com", "port": 5432, "user": "u", "password": "p"}
KEYS = {"aws_access_key_id": "AKIA", "aws_secret_access_key": "s"}
S3C = {"name": "n", **KEYS}
SF = {"name": "n", "account": "acct", "user": "u"}
DBX = {"client_id": "c", "client_secret": "s"}
GOOGLE_TOKEN_URI = (
    "The token_uri in your Google Cloud JSON key file is not Google's OAuth token endpoint. Please download "
    "a fresh service account key from Google Cloud and re-upload the JSON file without editing it."
)
NO_ACCOUNT = (
    "Could not extract AccountName from connection string. Ensure it contains 'AccountName=<your-account-name>;'"
)
AZ_BAD_ENDPOINT = "Invalid endpoint found in connection string: "

CASES: list[tuple[str, dict[str, Any], str]] = [
    # aws-s3, access keys
    ("aws-s3", {}, "A name is required for AWS integration"),
    ("aws-s3", {"name": ""}, "A name is required for AWS integration"),
    ("aws-s3", {"name": 5, **KEYS}, "A name is required for AWS integration"),
    ("aws-s3", {"name": "n"}, "Access key ID is required for AWS integration"),
    ("aws-s3", {"name": "n", "aws_access_key_id": "k"}, "Secret access key is required for AWS integration"),
    # aws-s3, role
    ("aws-s3", {"aws_role_arn": ARN}, "A name is required for AWS integration"),
    ("aws-s3", {"name": "n", "aws_role_arn": None}, "A valid role ARN is required for AWS integration"),
    ("aws-s3", {"name": "n", "aws_role_arn": "arn:aws:iam::12345:role/x"}, "AWS role ARN is not valid"),
    ("aws-s3", {"name": "n", "aws_role_arn": "arn:aws:iam::123456789012:user/x"},
     "AWS role ARN is not valid"),
    # s3-compatible, including is_url_allowed on endpoint_url
    ("s3-compatible", {}, "A name is required for S3-compatible integration"),
    ("s3-compatible", {"name": "n"}, "Access key ID is required for S3-compatible integration"),
    ("s3-compatible", {"name": "n", "aws_access_key_id": "k"},
     "Secret access key is required for S3-compatible integration"),
    ("s3-compatible", S3C, "Endpoint URL is required for S3-compatible integration"),
    ("s3-compatible", {**S3C, "endpoint_url": "https://169.254.169.254"},
     "Invalid endpoint URL: Local/metadata host"),
    ("s3-compatible", {**S3C, "endpoint_url": "http://metadata.google.internal/"},
     "Invalid endpoint URL: Local/metadata host"),
    ("s3-compatible", {**S3C, "endpoint_url": "http://localhost:9000"},
     "Invalid endpoint URL: Local/Loopback host not allowed"),
    ("s3-compatible", {**S3C, "endpoint_url": "https://[::1]"},
     "Invalid endpoint URL: Local/Loopback host not allowed"),
    ("s3-compatible", {**S3C, "endpoint_url": "https://127.0.0.2"},
     "Invalid endpoint URL: Private IP address not allowed"),
    ("s3-compatible", {**S3C, "endpoint_url": "https://10.0.0.5"},
     "Invalid endpoint URL: Private IP address not allowed"),
    ("s3-compatible", {**S3C, "endpoint_url": "https://100.64.1.1"},
     "Invalid endpoint URL: Private IP address not allowed"),
    ("s3-compatible", {**S3C, "endpoint_url": "https://[::ffff:10.0.0.1]"},
     "Invalid endpoint URL: Private IP address not allowed"),
    ("s3-compatible", {**S3C, "endpoint_url": "https://minio.internal"},
     "Invalid endpoint URL: Internal domain pattern blocked: .internal"),
    ("s3-compatible", {**S3C, "endpoint_url": "https://MinIO.Local."},
     "Invalid endpoint URL: Internal domain pattern blocked: .local"),
    ("s3-compatible", {**S3C, "endpoint_url": "ftp://s3.example.com"},
     "Invalid endpoint URL: URL must start with http:// or https://"),
    ("s3-compatible", {**S3C, "endpoint_url": "s3.example.com"},
     "Invalid endpoint URL: URL must start with http:// or https://"),
    ("s3-compatible", {**S3C, "endpoint_url": "https://"}, "Invalid endpoint URL: Missing host"),
    ("s3-compatible", {**S3C, "endpoint_url": "https://s3.example.com\\@evil.example.com"},
     "Invalid endpoint URL: Invalid URL: ambiguous authority"),
    ("s3-compatible", {**S3C, "endpoint_url": "https://bad host.example.com"},
     "Invalid endpoint URL: Could not resolve host"),
    # postgresql
    ("postgresql", {}, "Host is required for postgresql integration"),
    ("postgresql", {**PG, "host": ""}, "Host is required for postgresql integration"),
    ("postgresql", {**PG, "host": "localhost"}, "Provided host 'localhost' is not valid"),
    ("postgresql", {**PG, "host": "127.0.0.1"}, "Provided host '127.0.0.1' is not valid"),
    ("postgresql", {**PG, "host": "192.168.1.10"}, "Provided host '192.168.1.10' is not valid"),
    ("postgresql", {**PG, "host": "169.254.169.254"}, "Provided host '169.254.169.254' is not valid"),
    ("postgresql", {**PG, "host": "db.svc.cluster.local"},
     "Provided host 'db.svc.cluster.local' is not valid"),
    ("postgresql", {**PG, "host": "postgres://db.example.com"},
     "Provided host 'postgres://db.example.com' is not valid"),
    ("postgresql", {**PG, "host": "db.example.com:5432"}, "Provided host 'db.example.com:5432' is not valid"),
    ("postgresql", {"host": "db.example.com"}, "Port must be an integer"),
    ("postgresql", {**PG, "port": "abc"}, "Port must be an integer"),
    ("postgresql", {**PG, "port": None}, "Port must be an integer"),
    ("postgresql", {**PG, "port": [5432]}, "Port must be an integer"),
    ("postgresql", {**PG, "port": 70000}, "A valid port is required for an postgresql integration"),
    ("postgresql", {**PG, "port": -1}, "A valid port is required for an postgresql integration"),
    ("postgresql", {"host": "db.example.com", "port": 5432},
     "A username is required for postgresql integration"),
    ("postgresql", {**PG, "password": ""}, "A password is required for postgresql integration"),
    ("postgresql", {**PG, "ssl_mode": "disable"}, "SSL mode must be one of: require, verify-ca, verify-full"),
    ("postgresql", {**PG, "ssl_mode": None}, "SSL mode must be one of: require, verify-ca, verify-full"),
    ("postgresql", {**PG, "ssl_mode": "verify-ca"},
     "SSL root certificate must be provided when verifying server certificates"),
    ("postgresql", {**PG, "ssl_mode": "verify-full", "ssl_root_cert": 5},
     "SSL root certificate must be a string"),
    # aws-redshift: branch selection, plain mode, AWS modes
    ("aws-redshift", {}, "Missing required inputs"),
    ("aws-redshift", {"name": "n", "database": "d"}, "Missing required inputs"),
    ("aws-redshift", {"user": "u"}, "Host is required for aws-redshift integration"),
    ("aws-redshift", {"host": "rs.example.com"}, "Port must be an integer"),
    ("aws-redshift", {**PG, "port": 99999}, "A valid port is required for an aws-redshift integration"),
    ("aws-redshift", {**PG, "host": "10.0.0.1"}, "Provided host '10.0.0.1' is not valid"),
    ("aws-redshift", {"aws_access_key_id": "k"}, "A name is required for AWS integration"),
    ("aws-redshift", {"name": "n", **KEYS}, "Username is required for AWS integration"),
    ("aws-redshift", {"name": "n", "aws_role_arn": "not-an-arn"}, "Username is required for AWS integration"),
    ("aws-redshift", {"name": "n", "aws_role_arn": "not-an-arn", "user": "u"}, "AWS role ARN is not valid"),
    ("aws-redshift", {"name": "n", "aws_role_arn": ARN, "user": "u", "groups": []},
     "Groups must be a list of at least one string"),
    ("aws-redshift", {"name": "n", "aws_role_arn": ARN, "user": "u", "groups": "g"},
     "Groups must be a list of at least one string"),
    ("aws-redshift", {"name": "n", **KEYS, "user": "u", "groups": [1]},
     "Groups must be a list of at least one string"),
    ("aws-redshift", {"name": "n", "aws_role_arn": ARN, "user": "u", "auto_create": "yes"},
     "Auto create can only be True or False"),
    ("aws-redshift", {"name": "n", "aws_role_arn": ARN, "user": "u",
                      "workgroup_arn": "arn:aws:redshift:us-east-1:123456789012:cluster:x"},
     "Workgroup ARN must be a valid Redshift Serverless workgroup ARN"),
    # snowflake
    ("snowflake", {}, "Name, account, and user must be provided"),
    ("snowflake", {"name": "n", "account": "a"}, "Name, account, and user must be provided"),
    ("snowflake", {**SF, "user": 5}, "Name, account, user, and authentication type must be strings"),
    ("snowflake", {**SF, "authentication_type": None},
     "Name, account, user, and authentication type must be strings"),
    ("snowflake", {**SF, "password": 5}, "Password, private key, and private key passphrase must be strings"),
    ("snowflake", {**SF, "account": "https://x.snowflakecomputing.com", "password": "p"},
     "Snowflake integration is not valid: invalid account identifier 'https://x.snowflakecomputing.com'"),
    ("snowflake", {**SF, "account": "-acct", "password": "p"},
     "Snowflake integration is not valid: invalid account identifier '-acct'"),
    ("snowflake", SF, "Password is required for password authentication"),
    ("snowflake", {**SF, "authentication_type": "keypair", "password": "p"},
     "Private key is required for key-pair authentication"),
    ("snowflake", {**SF, "authentication_type": "oauth"}, "Invalid authentication type: oauth"),
    # google-cloud-service-account
    ("google-cloud-service-account", {}, "Service account email and project ID must be provided"),
    ("google-cloud-service-account", {"service_account_email": "sa@x.com"},
     "Service account email and project ID must be provided"),
    ("google-cloud-service-account", {"service_account_email": 5, "project_id": "p"},
     "Service account email and project ID must be strings"),
    ("google-cloud-service-account", {"service_account_email": "sa@x.com", "project_id": "p",
                                      "private_key": "k", "private_key_id": "i",
                                      "token_uri": "https://evil.example.com/token"},
     GOOGLE_TOKEN_URI),
    # databricks
    ("databricks", {}, "Server hostname, client ID, and client secret must be provided"),
    ("databricks", {"server_hostname": "h.example.com", "client_id": "c"},
     "Server hostname, client ID, and client secret must be provided"),
    ("databricks", {"server_hostname": "h.example.com", "client_id": 5, "client_secret": "s"},
     "Server hostname, client ID, and client secret must be strings"),
    ("databricks", {"server_hostname": "https://dbc.cloud.databricks.com", **DBX},
     "Databricks integration is not valid: 'server_hostname' should not be a full URL"),
    ("databricks", {"server_hostname": "localhost", **DBX},
     "Databricks integration error: could not validate hostname 'localhost'"),
    ("databricks", {"server_hostname": "10.0.0.1", **DBX},
     "Databricks integration error: could not validate hostname '10.0.0.1'"),
    ("databricks", {"server_hostname": "dbc.corp", **DBX},
     "Databricks integration error: could not validate hostname 'dbc.corp'"),
    # azure-blob
    ("azure-blob", {}, "Connection string must be provided"),
    ("azure-blob", {"connection_string": ""}, "Connection string must be provided"),
    ("azure-blob", {"connection_string": 5}, "Connection string must be a string"),
    ("azure-blob", {"connection_string": "AccountKey=k"}, NO_ACCOUNT),
    ("azure-blob", {"connection_string": "AccountName=;AccountKey=k"}, NO_ACCOUNT),
    ("azure-blob", {"connection_string": "AccountName=a;junk"}, "Malformed connection string"),
    ("azure-blob", {"connection_string": " AccountName=a"}, "Malformed connection string"),
    ("azure-blob", {"connection_string": "AccountName=a;UseDevelopmentStorage=true"},
     "Emulator account not supported"),
    ("azure-blob", {"connection_string": "DefaultEndpointsProtocol=ftp;AccountName=a"},
     "'DefaultEndpointsProtocol' must be 'http' or 'https'"),
    ("azure-blob", {"connection_string": "DefaultEndpointsProtocol=http;AccountName=a"},
     "'DefaultEndpointsProtocol' must be 'https'"),
    ("azure-blob", {"connection_string": "AccountName=a;BlobEndpoint=http://a.blob.core.windows.net"},
     "Endpoints in the connection string must use https"),
    ("azure-blob", {"connection_string": "AccountName=a;BlobEndpoint=https://169.254.169.254"},
     AZ_BAD_ENDPOINT + "Local/metadata host"),
    ("azure-blob", {"connection_string": "AccountName=a;QueueEndpoint=https://localhost"},
     AZ_BAD_ENDPOINT + "Local/Loopback host not allowed"),
    ("azure-blob", {"connection_string": "AccountName=a;EndpointSuffix=corp"},
     AZ_BAD_ENDPOINT + "Internal domain pattern blocked: .corp"),
]  # fmt: skip

ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    ("aws-s3", {"name": "cn", "aws_role_arn": "arn:aws-cn:iam::123456789012:role/x"}),
    ("s3-compatible", {**S3C, "endpoint_url": "http://s3.example.com:9000/path"}),
    ("s3-compatible", {**S3C, "endpoint_url": "https://8.8.8.8"}),
    ("s3-compatible", {**S3C, "endpoint_url": "https://[2001:4860:4860::8888]"}),
    ("postgresql", {**PG, "host": "8.8.8.8", "port": "0"}),
    ("postgresql", {**PG, "ssl_mode": "verify-ca", "ssl_root_cert": "system"}),
    ("snowflake", {**SF, "account": "xy1_2.eu-west-1", "authentication_type": "keypair", "private_key": "k",
                   "private_key_passphrase": ""}),
    ("databricks", {"server_hostname": "adb-123.4.azuredatabricks.net", **DBX}),
    ("azure-blob", {"connection_string": "AccountName=acct;AccountKey=k;"}),
]  # fmt: skip


def case_id(case: tuple[Any, ...]) -> str:
    return f"{case[0]}:{str(case[-1])[:48]}"


@pytest.fixture(scope="module")
def project(posthog_local: LocalServer) -> int:
    return posthog_local.new_project()


@pytest.mark.parametrize(("kind", "config", "detail"), CASES, ids=[case_id(c) for c in CASES])
def test_rejected_with_posthogs_message(
    posthog_local: LocalServer, project: int, kind: str, config: dict[str, Any], detail: str
) -> None:
    response = create(posthog_local, project, kind, config)
    assert_error(response, 400, detail, attr=None, code="invalid_input")
    assert response.json()["type"] == "validation_error"


@pytest.mark.parametrize(("kind", "config"), ACCEPTED, ids=[f"{k}:{i}" for i, (k, _) in enumerate(ACCEPTED)])
def test_accepted(posthog_local: LocalServer, kind: str, config: dict[str, Any]) -> None:
    response = create(posthog_local, posthog_local.new_project(), kind, config)
    assert response.status_code == 201, response.text


def test_rejected_creates_nothing(posthog_local: LocalServer) -> None:
    project = posthog_local.new_project()
    for kind, config, _ in CASES:
        assert create(posthog_local, project, kind, config).status_code == 400
    listed = posthog_local.api("GET", f"/api/projects/{project}/integrations/").json()
    assert listed["count"] == 0
