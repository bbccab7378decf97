"""Helpers for the batch-export conformance tests: request bodies, export creation, integrations, settings."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from tests.conftest import LocalServer

S3_CONFIG = {"bucket_name": "my-bucket", "region": "us-east-1", "prefix": "events/"}
HTTP_CONFIG = {"url": "https://us.i.posthog.com/batch/", "token": "phc_secret"}
NOOP = {"type": "NoOp", "config": {}}


def exports_path(project: int) -> str:
    return f"/api/projects/{project}/batch_exports/"


def export_path(project: int, export_id: str) -> str:
    return f"/api/projects/{project}/batch_exports/{export_id}/"


def body(destination: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A create body: a NoOp hourly export unless told otherwise."""
    return {"name": "my export", "interval": "hour", "destination": destination or dict(NOOP), **fields}


def create(server: LocalServer, project: int, key: str | None = None, **fields: Any) -> dict[str, Any]:
    """Create an export and return its JSON, failing the test on anything but 201."""
    response = server.api("POST", exports_path(project), key=key, json=body(**fields))
    assert response.status_code == 201, response.text
    return response.json()


def grandfather(server: LocalServer, project: int) -> None:
    """Make ``project`` a team newest PostHog still lets write an events ``hogql_query``: give it an export with
    a ``schema``, as older PostHog stored one (a no-op in the 2025 profile, which accepts them anyway)."""
    if server.profile != "latest":
        return
    export = create(server, project, name="legacy query export")
    query = {"hogql_query": "SELECT event FROM events"}
    server.control("PUT", f"batch-exports/{export['id']}/legacy-query", json=query)


def grandfathered_project(server: LocalServer) -> int:
    """A new project that may write events ``hogql_query`` (see ``grandfather``)."""
    project = server.new_project()
    grandfather(server, project)
    return project


def error(response: requests.Response, status: int, detail: str, attr: str | None = None, **extra: str) -> None:
    """Assert PostHog's error envelope exactly (type/code only when given)."""
    assert response.status_code == status, response.text
    payload = response.json()
    assert payload["detail"] == detail, payload
    assert payload["attr"] == attr, payload
    for name, value in extra.items():
        assert payload[name] == value, payload


# What a row of each kind holds when PostHog built it (newest PostHog builds Snowflake, Databricks and Azure Blob
# integrations again when an export uses them, and refuses a row without these keys).
COMPLETE_ROWS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "snowflake": ({"name": "sf", "account": "acc", "user": "u", "authentication_type": "password"}, {"password": "p"}),
    "databricks": ({"server_hostname": "dbc.cloud.databricks.com"}, {"client_id": "c", "client_secret": "s"}),
    "azure-blob": ({}, {"connection_string": "DefaultEndpointsProtocol=https;AccountName=acc;AccountKey=k"}),
}


def add_integration(
    server: LocalServer,
    team: int,
    kind: str,
    config: dict[str, Any] | None = None,
    sensitive: dict[str, Any] | None = None,
) -> int:
    """Insert an Integration row into the server's database (the integrations API is tested elsewhere; this
    keeps the batch-export tests independent of its per-kind credential checks). Unless told otherwise, the row
    holds what PostHog would have built for its kind."""
    complete_config, complete_sensitive = COMPLETE_ROWS.get(kind, ({}, {"secret": "x"}))
    config = complete_config if config is None else config
    sensitive = complete_sensitive if sensitive is None else sensitive
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    with sqlite3.connect(server.db, timeout=30) as connection:
        cursor = connection.execute(
            "INSERT INTO posthog_integration (kind, integration_id, config, sensitive_config, errors, created_at, "
            "team_id, created_by_id) VALUES (?, ?, ?, ?, '', ?, ?, NULL)",
            (kind, f"{kind}-{now}", json.dumps(config), json.dumps(sensitive), now, team),
        )
        return int(cursor.lastrowid or 0)


def delete_integration_row(server: LocalServer, integration_id: int) -> None:
    """Delete an Integration row the way Django's SET_NULL would leave its destinations."""
    with sqlite3.connect(server.db, timeout=30) as connection:
        connection.execute(
            "UPDATE posthog_batchexportdestination SET integration_id = NULL WHERE integration_id = ?",
            (integration_id,),
        )
        connection.execute("DELETE FROM posthog_integration WHERE id = ?", (integration_id,))


@contextmanager
def backfill_settings(server: LocalServer, **settings: Any) -> Iterator[None]:
    """Change /_local/backfills (max_concurrent, complete_after_seconds) for one test, then restore it."""
    before = server.control("GET", "backfills")
    server.control("PUT", "backfills", json=settings)
    try:
        yield
    finally:
        server.control("PUT", "backfills", json=before)


def simulate_runs(server: LocalServer, export_id: str, **spec: Any) -> dict[str, Any]:
    return server.control("POST", f"batch-exports/{export_id}/runs", json=spec)


def iso_days_ago(days: int) -> str:
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)).isoformat()


def past_weekday(weekday_sunday0: int, weeks_back: int = 2) -> dt.date:
    """A date some weeks ago that falls on the given day (0 = Sunday … 6 = Saturday)."""
    day = dt.date.today() - dt.timedelta(weeks=weeks_back)
    while day.isoweekday() % 7 != weekday_sunday0:
        day -= dt.timedelta(days=1)
    return day
