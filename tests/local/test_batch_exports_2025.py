"""The 2025 profile: organization route, inline credentials, stringified config, and what the latest drops."""

from __future__ import annotations

from tests.conftest import LocalServer
from tests.local.bx_helpers import S3_CONFIG, add_integration, body, create, error, export_path, exports_path

S3_INLINE = {**S3_CONFIG, "aws_access_key_id": "AKIA", "aws_secret_access_key": "secret"}
SERVER_ERROR = {"type": "server_error", "code": "error", "detail": "A server error occurred.", "attr": None}


def org_path(organization: str, export_id: str | None = None) -> str:
    base = f"/api/organizations/{organization}/batch_exports/"
    return base + f"{export_id}/" if export_id else base


def test_inline_credentials_and_s3_type_without_integration(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    created = create(server, server.project, destination={"type": "S3", "config": S3_INLINE})
    assert created["destination"] == {"type": "S3", "config": S3_CONFIG, "integration": None}
    postgres = {"user": "u", "password": "pw", "host": "db.example.com", "database": "d", "port": 5432}
    created = create(server, server.project, destination={"type": "Postgres", "config": postgres})
    assert created["destination"]["config"] == {"host": "db.example.com", "database": "d", "port": 5432}


def test_2025_has_no_awss3_types(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    response = server.api("POST", exports_path(server.project), json=body({"type": "AwsS3", "config": S3_CONFIG}))
    error(response, 400, '"AwsS3" is not a valid choice.', "destination__type")


def test_2025_required_inline_keys_and_s3_checks(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    path = exports_path(server.project)
    response = server.api("POST", path, json=body({"type": "Postgres", "config": {"database": "d"}}))
    error(response, 400, "Configuration missing required field: 'user'", "destination__non_field_errors")
    empty = {**S3_INLINE, "prefix": " ", "aws_secret_access_key": ""}
    response = server.api("POST", path, json=body({"type": "S3", "config": empty}))
    error(response, 400, "The following inputs are empty: ['prefix', 'aws_secret_access_key']", "destination")
    snowflake = {"account": "a", "user": "u", "database": "d", "warehouse": "w", "schema": "s"}
    response = server.api(
        "POST", path, json=body({"type": "Snowflake", "config": {**snowflake, "authentication_type": "password"}})
    )
    error(response, 400, "Password is required if authentication type is password", "destination")
    response = server.api(
        "POST", path, json=body({"type": "Snowflake", "config": {**snowflake, "authentication_type": "keypair"}})
    )
    error(response, 400, "Private key is required if authentication type is key pair", "destination")


def test_stored_scalars_read_back_as_strings(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    config = {"user": "u", "password": "pw", "host": "h.example.com", "database": "d", "port": 5432}
    config["has_self_signed_cert"] = True
    created = create(server, server.project, destination={"type": "Postgres", "config": config})
    assert created["destination"]["config"]["port"] == 5432  # the create response keeps the request's types
    path = export_path(server.project, created["id"])
    fetched = server.api("GET", path).json()["destination"]["config"]
    assert (fetched["port"], fetched["has_self_signed_cert"]) == ("5432", "True")
    noop = create(
        server,
        server.project,
        destination={"type": "NoOp", "config": {"exclude_events": ["a"], "data_interval_end": None}},
    )
    fetched = server.api("GET", export_path(server.project, noop["id"])).json()["destination"]["config"]
    assert fetched == {"exclude_events": ["a"], "data_interval_end": None}
    patched = server.api("PATCH", path, json={"destination": {"type": "Postgres", "config": {"port": 6543}}}).json()
    assert (patched["destination"]["config"]["port"], patched["destination"]["config"]["has_self_signed_cert"]) == (
        6543,
        "True",
    )


def test_latest_returns_real_types(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    integration = add_integration(server, project, "postgresql")
    config = {"database": "d", "port": 5432, "has_self_signed_cert": True}
    created = create(server, project, destination={"type": "Postgres", "config": config, "integration": integration})
    fetched = server.api("GET", export_path(project, created["id"])).json()["destination"]["config"]
    assert (fetched["port"], fetched["has_self_signed_cert"]) == (5432, True)


def test_databricks_and_azure_need_flags_and_team_integrations(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    project = server.new_project()
    config = {"http_path": "p", "catalog": "c", "schema": "s", "table_name": "t"}
    response = server.api("POST", exports_path(project), json=body({"type": "Databricks", "config": config}))
    error(response, 403, "The Databricks destination is not enabled for this team.")
    server.set_flags(project, **{"databricks-batch-exports": True})
    response = server.api("POST", exports_path(project), json=body({"type": "Databricks", "config": config}))
    error(response, 400, "Integration is required for Databricks batch exports", "destination")
    other_team_integration = add_integration(server, server.new_project(), "databricks")
    destination = {"type": "Databricks", "config": config, "integration": other_team_integration}
    response = server.api("POST", exports_path(project), json=body(destination))
    error(response, 400, "Integration does not belong to this team.", "destination")
    destination["integration"] = add_integration(server, project, "databricks")
    assert create(server, project, destination=destination)["destination"]["integration"] == destination["integration"]
    response = server.api(
        "POST", exports_path(project), json=body({"type": "AzureBlob", "config": {"container_name": "c"}})
    )
    error(response, 403, "Azure Blob Storage batch exports are not enabled for this team.")


def test_organization_route_lists_across_projects(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    org = server.api("POST", "/api/organizations/", json={"name": "Org route"}).json()
    first = org["projects"][0]["id"]
    second = server.control("POST", "projects", json={"organization_id": org["id"]})["id"]
    a = create(server, first, name="a")
    b = create(server, second, name="b")
    listed = server.api("GET", org_path(org["id"])).json()
    assert listed["count"] == 2
    assert {(e["id"], e["team_id"]) for e in listed["results"]} == {(a["id"], first), (b["id"], second)}
    fetched = server.api("GET", org_path(org["id"], b["id"]))
    assert fetched.status_code == 200 and fetched.json()["team_id"] == second
    patched = server.api("PATCH", org_path(org["id"], b["id"]), json={"name": "renamed"})
    assert patched.status_code == 200 and patched.json()["name"] == "renamed"
    assert server.api("DELETE", org_path(org["id"], a["id"])).status_code == 204
    error(server.api("GET", export_path(first, a["id"])), 404, "Not found.")
    other_org = server.api("GET", org_path(server.organization, b["id"]))
    error(other_org, 404, "Not found.")


def test_organization_route_create_is_posthogs_500(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    response = server.api("POST", org_path(server.organization), json=body())
    assert (response.status_code, response.json()) == (500, SERVER_ERROR)
    response = server.api("POST", org_path(server.organization), json=body(name=""))
    error(response, 400, "This field may not be blank.", "name")  # validation runs before the failing create


def test_organization_route_access(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    scoped = server.new_key(scopes=["*"], scoped_teams=[server.project])
    error(
        server.api("GET", org_path(server.organization), key=scoped),
        403,
        "API keys with scoped projects are only supported on project-based endpoints.",
    )
    foreign = server.api("POST", "/api/organizations/", json={"name": "Not yours"}).json()
    outsider = server.new_key(user_id=server.new_user("member"))
    response = server.api("GET", org_path(foreign["id"]), key=outsider)
    assert response.status_code == 403 and response.json()["type"] == "authentication_error"
    reader = server.new_key(scopes=["batch_export:read"])
    assert server.api("GET", org_path(server.organization), key=reader).status_code == 200
    error(server.api("GET", org_path("not-a-uuid")), 404, "Organization not found.")


def test_organization_route_is_absent_in_latest(posthog_local: LocalServer) -> None:
    server = posthog_local
    error(server.api("GET", org_path(server.organization)), 404, "Endpoint not found.", type="invalid_request")


def test_deprecated_singular_backfill_action(any_profile: LocalServer) -> None:
    server = any_profile
    created = create(server, server.project)
    path = export_path(server.project, created["id"]) + "backfill/"
    payload = {"start_at": "2024-01-01T00:00:00+00:00", "end_at": "2024-01-02T00:00:00+02:00"}
    response = server.api("POST", path, json=payload)
    if server.profile == "latest":
        error(response, 404, "Endpoint not found.")
        return
    assert response.status_code == 200, response.text
    expected = f"{created['id']}-Backfill-2024-01-01T00:00:00+00:00-2024-01-01T22:00:00+00:00"
    assert response.json() == {"backfill_id": expected}
    error(server.api("POST", path, json={**payload, "start_at": "2024-01-01"}), 400, "Input 2024-01-01 is naive.")
    error(
        server.api("POST", path, json={**payload, "start_at": "2024-01-03T00:00:00Z"}),
        400,
        "The initial backfill datetime 'start_at' happens after 'end_at'",
    )
    response = server.api("POST", org_path(server.organization, created["id"]) + "backfill/", json=payload)
    assert (response.status_code, response.json()) == (500, SERVER_ERROR)
