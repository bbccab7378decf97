"""``hogql_query`` on events exports: refused unless the team is grandfathered (latest), PostHog's validation
messages and the derived ``schema``."""

from __future__ import annotations

import pytest

from tests.conftest import LocalServer
from tests.local.bx_helpers import body, create, error, export_path, exports_path, grandfathered_project

INVALID = [
    ("SELECT", "Failed to parse query"),
    ("SELECT event,, FROM events", "Failed to parse query"),
    ("SELECT FROM events", "Failed to parse query"),
    ("SELECT unknown_field FROM events", "Invalid HogQL query: Unable to resolve field: unknown_field"),
    ("SELECT event FROM nowhere", "Invalid HogQL query: Unknown table `nowhere`."),
    (
        "SELECT event, persons.id FROM events LEFT JOIN persons ON events.person_id = persons.id",
        "JOINs are not supported",
    ),
    ("SELECT event FROM events UNION ALL SELECT event FROM events", "UNIONs are not supported"),
    ("SELECT 1", "Query must SELECT FROM events"),
    ("SELECT id FROM persons", "Query must only SELECT FROM events"),
]
LATEST_ONLY = [
    ("WITH cte AS (SELECT event FROM events) SELECT event FROM cte", "CTEs are not supported"),
    ("SELECT event FROM (SELECT event FROM events)", "Subqueries are not supported"),
    (
        "SELECT event FROM (SELECT event FROM events UNION ALL SELECT event FROM events)",
        "Subqueries are not supported",
    ),
    (
        "SELECT uuid, (SELECT event FROM events LIMIT 1) AS leaked FROM events",
        "Subqueries in SELECT expressions are not supported",
    ),
    (
        "SELECT coalesce((SELECT uuid FROM events LIMIT 1), uuid) AS foo FROM events",
        "Subqueries in SELECT expressions are not supported",
    ),
]
SCHEMA_QUERY = """
SELECT
  event,
  team_id AS my_team,
  properties,
  properties.$browser AS browser,
  properties.custom AS custom,
  person_id
FROM events
"""


@pytest.fixture(scope="module")
def legacy_latest(posthog_local: LocalServer) -> int:
    """One grandfathered project of the shared latest server for this module's query checks."""
    return grandfathered_project(posthog_local)


EVENTS_ONLY = "'hogql_query' is only supported for 'hogql' not '{}' model"


@pytest.mark.parametrize("model", ["events", "persons", "sessions"])
def test_latest_refuses_hogql_query_outside_hogql_model(posthog_local: LocalServer, model: str) -> None:
    """Newest PostHog: a team without an export that has a ``schema`` may not send hogql_query on events."""
    server = posthog_local
    project = server.new_project()
    server.set_flags(project, **{"sessions-batch-exports": True})
    query = "SELECT event FROM events"
    response = server.api("POST", exports_path(project), json=body(model=model, hogql_query=query))
    error(response, 400, EVENTS_ONLY.format(model), "hogql_query", type="validation_error", code="invalid_input")
    assert server.api("GET", exports_path(project)).json()["count"] == 0
    assert server.api("POST", exports_path(project), json=body(model=model, hogql_query=None)).status_code == 201


def test_latest_refuses_hogql_query_on_patch(posthog_local: LocalServer) -> None:
    server = posthog_local
    project = server.new_project()
    created = create(server, project)
    response = server.api(
        "PATCH", export_path(project, created["id"]), json={"hogql_query": "SELECT event FROM events"}
    )
    error(response, 400, EVENTS_ONLY.format("events"), "hogql_query")


def test_latest_grandfathered_team_keeps_events_queries(posthog_local: LocalServer) -> None:
    """An export with a ``schema`` (deleted ones count, as PostHog filters all exports) grandfathers the team."""
    server = posthog_local
    project = server.new_project()
    legacy = create(server, project, name="legacy")
    response = server.control(
        "PUT", f"batch-exports/{legacy['id']}/legacy-query", json={"hogql_query": "SELECT event FROM events"}
    )
    assert response["schema"]["hogql_query"] == "SELECT event FROM events"
    assert server.api("DELETE", export_path(project, legacy["id"])).status_code == 204
    created = create(server, project, hogql_query="SELECT uuid FROM events")
    assert created["schema"]["fields"] == [{"expression": "events.uuid", "alias": "uuid"}]
    other = server.new_project()
    response = server.api("POST", exports_path(other), json=body(hogql_query="SELECT uuid FROM events"))
    error(response, 400, EVENTS_ONLY.format("events"), "hogql_query")


def test_2025_accepts_events_queries_on_any_team(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    created = create(server, server.new_project(), hogql_query="SELECT event FROM events")
    assert created["schema"]["hogql_query"] == "SELECT event FROM events"


@pytest.mark.parametrize(("query", "detail"), INVALID)
def test_invalid_queries_latest(legacy_latest: int, posthog_local: LocalServer, query: str, detail: str) -> None:
    response = posthog_local.api("POST", exports_path(legacy_latest), json=body(hogql_query=query))
    error(response, 400, detail, None, type="validation_error")


@pytest.mark.parametrize(("query", "detail"), LATEST_ONLY)
def test_subqueries_and_ctes_latest(legacy_latest: int, posthog_local: LocalServer, query: str, detail: str) -> None:
    response = posthog_local.api("POST", exports_path(legacy_latest), json=body(hogql_query=query))
    error(response, 400, detail, None)


@pytest.mark.parametrize(("query", "detail"), INVALID)
def test_invalid_queries_2025_name_the_field(posthog_local_2025: LocalServer, query: str, detail: str) -> None:
    server = posthog_local_2025
    response = server.api("POST", exports_path(server.project), json=body(hogql_query=query))
    error(response, 400, detail, "hogql_query")


def test_2025_subquery_messages(posthog_local_2025: LocalServer) -> None:
    server = posthog_local_2025
    for query in (
        "SELECT event FROM (SELECT event FROM events)",
        "WITH cte AS (SELECT event FROM events) SELECT event FROM cte",
    ):
        response = server.api("POST", exports_path(server.project), json=body(hogql_query=query))
        error(response, 400, "Subqueries or CTEs are not supported", "hogql_query")
    query = "SELECT uuid, (SELECT event FROM events LIMIT 1) AS leaked FROM events"
    assert server.api("POST", exports_path(server.project), json=body(hogql_query=query)).status_code == 201


def test_schema_is_derived_from_the_query(any_profile: LocalServer) -> None:
    created = create(any_profile, grandfathered_project(any_profile), hogql_query=SCHEMA_QUERY)
    json_value = (
        "replaceRegexpAll(nullIf(nullIf(JSONExtractRaw(events.properties, %({})s), ''), 'null'), '^\"|\"$', '')"
    )
    assert created["schema"] == {
        "fields": [
            {"expression": "events.event", "alias": "event"},
            {"expression": "events.team_id", "alias": "my_team"},
            {"expression": "events.properties", "alias": "properties"},
            {"expression": json_value.format("hogql_val_0"), "alias": "browser"},
            {"expression": json_value.format("hogql_val_1"), "alias": "custom"},
            {"expression": "events.person_id", "alias": "person_id"},
        ],
        "values": {"hogql_val_0": "$browser", "hogql_val_1": "custom"},
        "hogql_query": " ".join(SCHEMA_QUERY.split()),
    }


def test_patch_hogql_query_recomputes_schema(any_profile: LocalServer) -> None:
    server = any_profile
    project = grandfathered_project(server)
    created = create(server, project)
    path = export_path(project, created["id"])
    query = "select toString(uuid) as uuid, 'test' as test, toInt(1+1) as n from events"
    response = server.api("PATCH", path, json={"hogql_query": query})
    assert response.status_code == 200, response.text
    expected = {
        "fields": [
            {"alias": "uuid", "expression": "toString(events.uuid)"},
            {"alias": "test", "expression": "%(hogql_val_0)s"},
            {"alias": "n", "expression": "accurateCastOrNull(plus(1, 1), %(hogql_val_1)s)"},
        ],
        "values": {"hogql_val_0": "test", "hogql_val_1": "Int64"},
        "hogql_query": "SELECT toString(uuid) AS uuid, 'test' AS test, toInt(plus(1, 1)) AS n FROM events",
    }
    assert response.json()["schema"] == expected
    assert server.api("GET", path).json()["schema"] == expected


def test_hogql_query_echo_by_profile(any_profile: LocalServer) -> None:
    server = any_profile
    query = "SELECT event FROM events"
    project = grandfathered_project(server)
    created = create(server, project, hogql_query=query)
    fetched = server.api("GET", export_path(project, created["id"])).json()
    if server.profile == "latest":
        assert created["hogql_query"] == fetched["hogql_query"] == query
    else:
        assert "hogql_query" not in created and "hogql_query" not in fetched
    assert fetched["schema"]["hogql_query"] == query


def test_patch_hogql_query_null(any_profile: LocalServer) -> None:
    server = any_profile
    project = grandfathered_project(server)
    created = create(server, project, hogql_query="SELECT event FROM events")
    response = server.api("PATCH", export_path(project, created["id"]), json={"hogql_query": None})
    if server.profile == "latest":
        assert response.status_code == 200
        assert (response.json()["schema"], response.json()["hogql_query"]) == (None, None)
    else:
        error(response, 400, "This field may not be null.", "hogql_query")
