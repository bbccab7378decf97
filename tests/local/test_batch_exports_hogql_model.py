"""The newest fields of the hogql model: hogql_modifiers, primary_key, version_key, incremental_mode."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import LocalServer
from tests.local.bx_helpers import body, create, error, export_path, exports_path

QUERY = "SELECT uuid, event, timestamp AS ts FROM events WHERE timestamp >= {data_interval_start}"


@pytest.fixture
def hogql_project(posthog_local: LocalServer) -> int:
    project = posthog_local.new_project()
    posthog_local.set_flags(project, **{"hogql-batch-exports": True})
    return project


def post(server: LocalServer, project: int, **fields: Any) -> Any:
    return server.api("POST", exports_path(project), json=body(**fields))


@pytest.mark.parametrize(
    ("name", "value"),
    [("primary_key", ["uuid"]), ("version_key", ["ts"]), ("hogql_modifiers", {"convertToProjectTimezone": False})],
)
@pytest.mark.parametrize("model", ["events", "persons"])
def test_hogql_attributes_need_the_hogql_model(posthog_local: LocalServer, name: str, value: Any, model: str) -> None:
    server = posthog_local
    project = server.new_project()
    response = post(server, project, model=model, **{name: value})
    error(response, 400, f"'{name}' is only supported for 'hogql' not '{model}' model", name)
    assert post(server, project, model=model, **{name: None}).status_code == 201  # null is no value


def test_merge_needs_a_primary_key_of_result_columns(posthog_local: LocalServer, hogql_project: int) -> None:
    server, project = posthog_local, hogql_project
    response = post(server, project, model="hogql", hogql_query=QUERY, incremental_mode="MERGE")
    error(response, 400, "'primary_key' is required when 'incremental_mode' is 'MERGE'", "primary_key")
    response = post(server, project, model="hogql", hogql_query=QUERY, primary_key=["uuid", "nope", "also"])
    error(response, 400, "'primary_key' contains columns that are not present in the query: also,nope", "primary_key")
    response = post(server, project, model="hogql", hogql_query=QUERY, version_key=["timestamp"])
    error(response, 400, "'version_key' contains columns that are not present in the query: timestamp", "version_key")
    created = create(
        server,
        project,
        model="hogql",
        hogql_query=QUERY,
        incremental_mode="MERGE",
        primary_key=["uuid"],
        version_key=["ts"],
        hogql_modifiers={"convertToProjectTimezone": "false", "debug": None},
    )
    expected = {
        "incremental_mode": "MERGE",
        "primary_key": ["uuid"],
        "version_key": ["ts"],
        "hogql_modifiers": {"convertToProjectTimezone": False},
    }
    assert {k: created[k] for k in expected} == expected
    fetched = server.api("GET", export_path(project, created["id"])).json()
    assert {k: fetched[k] for k in expected} == expected


def test_patch_keeps_saved_keys_and_checks_them(posthog_local: LocalServer, hogql_project: int) -> None:
    server, project = posthog_local, hogql_project
    created = create(server, project, model="hogql", hogql_query=QUERY, primary_key=["uuid"])
    path = export_path(project, created["id"])
    patched = server.api("PATCH", path, json={"incremental_mode": "MERGE"})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["incremental_mode"], patched.json()["primary_key"]) == ("MERGE", ["uuid"])
    response = server.api("PATCH", path, json={"primary_key": None})
    error(response, 400, "'primary_key' is required when 'incremental_mode' is 'MERGE'", "primary_key")
    response = server.api("PATCH", path, json={"hogql_query": "SELECT event FROM events"})
    error(response, 400, "'primary_key' contains columns that are not present in the query: uuid", "primary_key")
    patched = server.api("PATCH", path, json={"incremental_mode": "APPEND", "primary_key": None})
    assert (patched.json()["incremental_mode"], patched.json()["primary_key"]) == ("APPEND", None)


@pytest.mark.parametrize(
    ("fields", "detail", "attr"),
    [
        ({"primary_key": []}, "This list may not be empty.", "primary_key"),
        ({"primary_key": [""]}, "This field may not be blank.", "primary_key__0"),
        ({"incremental_mode": "UPSERT"}, '"UPSERT" is not a valid choice.', "incremental_mode"),
        ({"hogql_modifiers": {"nope": 1}}, "nope: Extra inputs are not permitted", "hogql_modifiers"),
        (
            {"hogql_modifiers": {"materializationMode": "fast"}},
            "materializationMode: Input should be 'auto', 'legacy_null_as_string', 'legacy_null_as_null' or 'disabled'",
            "hogql_modifiers",
        ),
        (
            {"hogql_modifiers": {"debug": "maybe"}},
            "debug: Input should be a valid boolean, unable to interpret input",
            "hogql_modifiers",
        ),
        (
            {"hogql_modifiers": ["debug"]},
            "Input should be a valid dictionary or instance of HogQLQueryModifiers",
            "hogql_modifiers",
        ),
    ],
)
def test_field_rules(
    posthog_local: LocalServer, hogql_project: int, fields: dict[str, Any], detail: str, attr: str
) -> None:
    response = post(posthog_local, hogql_project, model="hogql", hogql_query=QUERY, **fields)
    error(response, 400, detail, attr)


def test_2025_has_none_of_them(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    created = create(server, server.project, primary_key=["uuid"], incremental_mode="MERGE")
    assert not {"hogql_modifiers", "primary_key", "version_key", "incremental_mode"} & set(created)
