"""Integrations per kind on posthog-local: stored config, display_name, named vs upsert, secrets."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.local.test_integrations import (
    assert_error,
    create,
    created,
    integrations_path,
    postgres_config,
    uniq,
)

SECRET = "SECRET-MARKER-7f3a"
PRIVATE_KEY = f"-----BEGIN PRIVATE KEY-----\n{SECRET}\n-----END PRIVATE KEY-----\n"


def role_arn() -> str:
    account = "".join(random.choices("0123456789", k=12))
    return f"arn:aws:iam::{account}:role/{uniq('posthog')}"


def azure_connection_string(account: str, key: str = SECRET) -> str:
    suffix = "EndpointSuffix=core.windows.net"
    return f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};{suffix}"


@pytest.fixture
def project(posthog_local: LocalServer) -> int:
    return posthog_local.new_project()


class TestAwsS3:
    def test_role_mode(self, posthog_local: LocalServer, project: int) -> None:
        name, arn = uniq(), role_arn()
        body = created(posthog_local, project, "aws-s3", {"name": name, "aws_role_arn": arn})
        assert body["config"] == {"name": name, "aws_role_arn": arn}
        assert body["display_name"] == f"{name} (AWS role '{arn}')"

    def test_access_key_mode_stores_a_placeholder_account(self, posthog_local: LocalServer, project: int) -> None:
        name = uniq()
        config = {"name": name, "aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": SECRET}
        body = created(posthog_local, project, "aws-s3", config)
        assert body["config"] == {"name": name, "aws_account_id": "000000000000"}
        assert body["display_name"] == f"{name} (AWS account 000000000000)"

    def test_name_is_unique_per_project_across_modes(self, posthog_local: LocalServer, project: int) -> None:
        name = uniq()
        created(posthog_local, project, "aws-s3", {"name": name, "aws_role_arn": role_arn()})
        keys = {"name": name, "aws_access_key_id": "AKIA", "aws_secret_access_key": "s"}
        response = create(posthog_local, project, "aws-s3", keys)
        assert_error(response, 400, f"An integration named '{name}' already exists")
        # another project may reuse the name
        assert create(posthog_local, posthog_local.new_project(), "aws-s3", keys).status_code == 201

    def test_empty_role_arn_next_to_keys_takes_the_role_branch(self, posthog_local: LocalServer, project: int) -> None:
        config = {
            "name": uniq(),
            "aws_role_arn": "",
            "aws_access_key_id": "AKIA",
            "aws_secret_access_key": "s",
        }
        response = create(posthog_local, project, "aws-s3", config)
        assert_error(response, 400, "A valid role ARN is required for AWS integration", code="invalid_input")

    def test_role_arn_may_serve_one_organization_only(
        self, posthog_local: LocalServer, project: int, org_with_project: dict[str, Any]
    ) -> None:
        arn = role_arn()
        created(posthog_local, project, "aws-s3", {"name": uniq(), "aws_role_arn": arn})
        # the same organization may reuse it, in another project and in the other AWS kind
        created(posthog_local, posthog_local.new_project(), "aws-s3", {"name": uniq(), "aws_role_arn": arn})
        redshift = {"name": uniq(), "aws_role_arn": arn, "user": "u"}
        created(posthog_local, project, "aws-redshift", redshift)
        other = org_with_project["project"]
        for kind, config in (
            ("aws-s3", {"name": uniq(), "aws_role_arn": arn}),
            ("aws-redshift", {"name": uniq(), "aws_role_arn": arn, "user": "u"}),
        ):
            response = create(posthog_local, other, kind, config)
            assert_error(response, 400, "Cannot create AWS integration: Invalid role")


class TestS3Compatible:
    def test_create_and_duplicate(self, posthog_local: LocalServer, project: int) -> None:
        name, url = uniq(), "https://acct.r2.cloudflarestorage.com"
        config = {
            "name": name,
            "endpoint_url": url,
            "aws_access_key_id": "k",
            "aws_secret_access_key": SECRET,
        }
        body = created(posthog_local, project, "s3-compatible", config)
        assert body["config"] == {"name": name, "endpoint_url": url}
        assert body["display_name"] == f"{name} (access key, {url})"
        response = create(posthog_local, project, "s3-compatible", config)
        assert_error(response, 400, f"An integration named '{name}' already exists")


class TestPostgres:
    def test_create_normalizes_port_and_defaults_ssl(self, posthog_local: LocalServer, project: int) -> None:
        config = postgres_config(port="5433", password=SECRET)
        body = created(posthog_local, project, "postgresql", config)
        host = config["host"]
        assert body["config"] == {
            "host": host,
            "port": 5433,
            "user": "posthog",
            "ssl_mode": "require",
            "ssl_root_cert": None,
        }
        assert body["display_name"] == f"ID: {project}-{host}-5433-posthog"

    def test_same_identity_upserts_the_same_row(self, posthog_local: LocalServer, project: int) -> None:
        config = postgres_config()
        first = created(posthog_local, project, "postgresql", config)
        changed = {
            **config,
            "port": 5432.0,
            "password": "new",
            "ssl_mode": "verify-full",
            "ssl_root_cert": "PEM",
        }
        again = created(posthog_local, project, "postgresql", changed)
        assert again["id"] == first["id"]
        assert again["config"]["ssl_mode"] == "verify-full"
        assert again["config"]["ssl_root_cert"] == "PEM"
        listed = posthog_local.api("GET", integrations_path(project)).json()
        assert listed["count"] == 1

    @pytest.mark.parametrize("change", [{"user": "other"}, {"port": 6543}, {"host": "db2.example.com"}])
    def test_identity_change_creates_a_new_row(
        self, posthog_local: LocalServer, project: int, change: dict[str, Any]
    ) -> None:
        config = postgres_config()
        first = created(posthog_local, project, "postgresql", config)
        second = created(posthog_local, project, "postgresql", {**config, **change})
        assert second["id"] != first["id"]
        assert posthog_local.api("GET", integrations_path(project)).json()["count"] == 2


class TestRedshift:
    def test_role_mode(self, posthog_local: LocalServer, project: int) -> None:
        name, arn = uniq(), role_arn()
        workgroup = "arn:aws:redshift-serverless:us-east-1:123456789012:workgroup/abc"
        config = {
            "name": name,
            "aws_role_arn": arn,
            "user": "loader",
            "groups": ["g1"],
            "auto_create": True,
            "workgroup_arn": workgroup,
        }
        body = created(posthog_local, project, "aws-redshift", config)
        assert body["config"] == config
        assert body["display_name"] == f"{name} (AWS role '{arn}')"
        response = create(posthog_local, project, "aws-redshift", config)
        assert_error(response, 400, f"An integration named '{name}' already exists")

    def test_access_key_mode(self, posthog_local: LocalServer, project: int) -> None:
        name = uniq()
        config = {
            "name": name,
            "aws_access_key_id": "AKIA",
            "aws_secret_access_key": SECRET,
            "user": "loader",
        }
        body = created(posthog_local, project, "aws-redshift", config)
        assert body["config"] == {"name": name, "aws_account_id": "000000000000", "user": "loader"}
        assert body["display_name"] == f"{name} (AWS account 000000000000)"

    def test_plain_mode_is_an_upsert_and_ignores_name(self, posthog_local: LocalServer, project: int) -> None:
        config = {**postgres_config(port=5439, password=SECRET), "name": "ignored"}
        body = created(posthog_local, project, "aws-redshift", config)
        host = config["host"]
        identity = f"{project}-{host}-5439-posthog"
        assert body["config"] == {
            "host": host,
            "port": 5439,
            "user": "posthog",
            "ssl_mode": "require",
            "ssl_root_cert": None,
        }
        assert body["display_name"] == f"{identity} (posthog@{host})"
        assert created(posthog_local, project, "aws-redshift", config)["id"] == body["id"]


class TestSnowflake:
    def test_password_auth_is_the_default(self, posthog_local: LocalServer, project: int) -> None:
        name = uniq()
        config = {"name": name, "account": "myorg-acct", "user": "SVC", "password": SECRET}
        body = created(posthog_local, project, "snowflake", config)
        assert body["config"] == {
            "name": name,
            "account": "myorg-acct",
            "user": "SVC",
            "authentication_type": "password",
        }
        assert body["display_name"] == f"{name} (account: myorg-acct, password auth)"
        response = create(posthog_local, project, "snowflake", config)
        assert_error(response, 400, f"An integration named '{name}' already exists")

    def test_keypair_auth(self, posthog_local: LocalServer, project: int) -> None:
        name = uniq()
        config = {
            "name": name,
            "account": "xy12345.eu-west-1",
            "user": "SVC",
            "authentication_type": "keypair",
            "private_key": PRIVATE_KEY,
            "private_key_passphrase": SECRET,
        }
        body = created(posthog_local, project, "snowflake", config)
        assert body["config"]["authentication_type"] == "keypair"
        assert body["display_name"] == f"{name} (account: xy12345.eu-west-1, keypair auth)"


class TestGoogleServiceAccount:
    def key_file(self, email: str) -> dict[str, Any]:
        return {
            "service_account_email": email,
            "project_id": "gcp-project",
            "private_key": PRIVATE_KEY,
            "private_key_id": "kid",
            "token_uri": "https://oauth2.googleapis.com/token",
        }

    def test_key_file_and_impersonated_are_separate_upsert_rows(self, posthog_local: LocalServer, project: int) -> None:
        email = f"{uniq('sa')}@gcp-project.iam.gserviceaccount.com"
        keyed = created(posthog_local, project, "google-cloud-service-account", self.key_file(email))
        assert keyed["config"] == {"project_id": "gcp-project", "service_account_email": email}
        assert keyed["display_name"] == f"ID: {email}-{project}-key-file"
        again = created(posthog_local, project, "google-cloud-service-account", self.key_file(email))
        assert again["id"] == keyed["id"]
        impersonated = created(
            posthog_local,
            project,
            "google-cloud-service-account",
            {"service_account_email": email, "project_id": "gcp-project"},
        )
        assert impersonated["id"] != keyed["id"]
        assert impersonated["display_name"] == f"ID: {email}-{project}-impersonated"

    def test_incomplete_key_is_stored_as_impersonated(self, posthog_local: LocalServer, project: int) -> None:
        email = f"{uniq('sa')}@gcp-project.iam.gserviceaccount.com"
        config = {**self.key_file(email), "token_uri": None}
        body = created(posthog_local, project, "google-cloud-service-account", config)
        assert body["display_name"] == f"ID: {email}-{project}-impersonated"

    def test_impersonated_account_serves_one_organization(
        self, posthog_local: LocalServer, project: int, org_with_project: dict[str, Any]
    ) -> None:
        email = f"{uniq('sa')}@gcp-project.iam.gserviceaccount.com"
        config = {"service_account_email": email, "project_id": "p"}
        created(posthog_local, project, "google-cloud-service-account", config)
        other = org_with_project["project"]
        response = create(posthog_local, other, "google-cloud-service-account", config)
        detail = "Cannot create Google Cloud service account integration: Invalid service account"
        assert_error(response, 400, detail)
        # a key file is the customer's own credential: allowed in any organization
        assert create(posthog_local, other, "google-cloud-service-account", self.key_file(email)).status_code == 201


class TestDatabricksAndAzure:
    def test_databricks_upserts_by_hostname(self, posthog_local: LocalServer, project: int) -> None:
        hostname = f"{uniq('dbc')}.cloud.databricks.com"
        config = {"server_hostname": hostname, "client_id": "client-uuid", "client_secret": SECRET}
        body = created(posthog_local, project, "databricks", config)
        assert body["config"] == {"server_hostname": hostname}
        assert body["display_name"] == hostname
        assert created(posthog_local, project, "databricks", {**config, "client_secret": "x"})["id"] == body["id"]

    def test_azure_blob_shows_only_the_account(self, posthog_local: LocalServer, project: int) -> None:
        account = uniq("acct").replace("-", "")
        config = {"connection_string": azure_connection_string(account)}
        body = created(posthog_local, project, "azure-blob", config)
        assert body["config"] == {}
        assert body["display_name"] == f"ID: {account}"
        config = {"connection_string": azure_connection_string(account, key="rotated")}
        assert created(posthog_local, project, "azure-blob", config)["id"] == body["id"]


class TestConfigHygiene:
    def test_unknown_and_injected_keys_are_dropped(self, posthog_local: LocalServer, project: int) -> None:
        config = {
            **postgres_config(),
            "team_id": 999,
            "organization_id": "x",
            "created_by": 5,
            "database": "extra",
            "sensitive_config": {"password": "x"},
        }
        body = created(posthog_local, project, "postgresql", config)
        assert set(body["config"]) == {"host", "port", "user", "ssl_mode", "ssl_root_cert"}
        assert body["display_name"] == f"ID: {project}-{config['host']}-5432-posthog"


SECRET_CASES: list[tuple[str, dict[str, Any]]] = [
    ("aws-s3", {"name": "n", "aws_access_key_id": SECRET + "id", "aws_secret_access_key": SECRET}),
    ("s3-compatible", {"name": "n", "endpoint_url": "https://s3.example.com",
                       "aws_access_key_id": SECRET + "id", "aws_secret_access_key": SECRET}),
    ("postgresql", {"host": "db.example.com", "port": 5432, "user": "u", "password": SECRET}),
    ("aws-redshift", {"name": "n", "aws_access_key_id": SECRET + "id", "aws_secret_access_key": SECRET,
                      "user": "u"}),
    ("aws-redshift", {"host": "rs.example.com", "port": 5439, "user": "u", "password": SECRET}),
    ("snowflake", {"name": "n", "account": "a", "user": "u", "authentication_type": "keypair",
                   "private_key": PRIVATE_KEY, "private_key_passphrase": SECRET}),
    ("google-cloud-service-account", {"service_account_email": "sa@p.iam.gserviceaccount.com",
                                      "project_id": "p", "private_key": PRIVATE_KEY,
                                      "private_key_id": SECRET + "kid",
                                      "token_uri": "https://oauth2.googleapis.com/token"}),
    ("databricks", {"server_hostname": "dbc.cloud.databricks.com", "client_id": SECRET + "client",
                    "client_secret": SECRET}),
    ("azure-blob", {"connection_string": azure_connection_string("secretacct")}),
]  # fmt: skip


SECRET_IDS = [f"{kind}-{index}" for index, (kind, _) in enumerate(SECRET_CASES)]


@pytest.mark.parametrize(("kind", "config"), SECRET_CASES, ids=SECRET_IDS)
def test_secrets_are_never_returned(
    posthog_local: LocalServer, project: int, kind: str, config: dict[str, Any]
) -> None:
    response = create(posthog_local, project, kind, config)
    assert response.status_code == 201, response.text
    integration_id = response.json()["id"]
    reads = [
        response,
        posthog_local.api("GET", integrations_path(project, f"{integration_id}/")),
        posthog_local.api("GET", integrations_path(project)),
        posthog_local.api("GET", integrations_path(project), params={"kind": kind}),
    ]
    for read in reads:
        assert read.status_code in (200, 201)
        assert SECRET not in read.text
        assert "sensitive_config" not in read.text
    if kind == "azure-blob":
        assert "AccountKey" not in reads[1].text
