"""posthog-local's /_local/ control API: injected faults, request counts, reset."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from tests.conftest import LocalServer

ORGS = "/api/organizations/"


def org_count(server: LocalServer) -> int:
    return server.api("GET", ORGS, params={"limit": 1}).json()["count"]


def test_status_fault_before_the_view_writes_nothing(fresh_local: Any) -> None:
    server = fresh_local()
    server.control("POST", "faults", json={"status": 503, "method": "POST", "count": 1})
    before = org_count(server)
    response = server.api("POST", ORGS, json={"name": "Faulted"})
    assert response.status_code == 503
    assert response.json() == {
        "type": "server_error",
        "code": "error",
        "detail": "A server error occurred.",
        "attr": None,
    }
    assert org_count(server) == before
    assert server.api("POST", ORGS, json={"name": "Fine"}).status_code == 201, "count=1 fires once"


def test_status_fault_after_commit_keeps_the_write(fresh_local: Any) -> None:
    server = fresh_local()
    server.control("POST", "faults", json={"status": 500, "when": "after", "method": "POST"})
    before = org_count(server)
    assert server.api("POST", ORGS, json={"name": "Committed"}).status_code == 500
    assert org_count(server) == before + 1


def test_dropped_connection_after_commit(fresh_local: Any) -> None:
    server = fresh_local()
    server.control(
        "POST", "faults", json={"drop": True, "when": "after", "method": "POST", "path": "^/api/organizations"}
    )
    before = org_count(server)
    with pytest.raises(requests.ConnectionError):
        requests.post(
            server.url + ORGS,
            json={"name": "Dropped"},
            headers={"Authorization": f"Bearer {server.api_key}"},
            timeout=10,
        )
    assert org_count(server) == before + 1


def test_latency_and_path_filter(fresh_local: Any) -> None:
    server = fresh_local()
    server.control("POST", "faults", json={"latency_ms": 400, "path": "^/api/projects/", "count": 1})
    started = time.monotonic()
    assert server.api("GET", ORGS).status_code == 200
    fast = time.monotonic() - started
    started = time.monotonic()
    assert server.api("GET", f"/api/projects/{server.project}/").status_code == 200
    slow = time.monotonic() - started
    assert slow >= 0.4 > fast


def test_share_applies_to_roughly_that_fraction(fresh_local: Any) -> None:
    server = fresh_local()
    server.control("POST", "faults", json={"status": 502, "share": 0.5, "method": "GET"})
    statuses = [server.api("GET", ORGS).status_code for _ in range(200)]
    failed = statuses.count(502)
    assert 50 < failed < 150, failed
    assert set(statuses) == {200, 502}
    listed = server.control("GET", "faults")["faults"]
    assert listed[0]["hits"] == failed
    server.control("DELETE", "faults")
    assert {server.api("GET", ORGS).status_code for _ in range(20)} == {200}


def test_fault_spec_is_validated(fresh_local: Any) -> None:
    server = fresh_local()
    bad = server.api("POST", "/_local/faults", json={"colour": "red"})
    assert bad.status_code == 400 and "colour" in bad.json()["detail"]
    assert server.api("POST", "/_local/faults", json={"count": 2}).status_code == 400


def test_request_counts(fresh_local: Any) -> None:
    server = fresh_local()
    server.control("DELETE", "requests")
    server.api("GET", ORGS)
    server.api("POST", ORGS, json={"name": "Counted"})
    server.api("GET", "/api/nope")
    seen = server.control("GET", "requests")
    assert seen["counts"] == {"GET": 2, "POST": 1, "total": 3}
    assert [r["status"] for r in seen["recent"]] == [200, 201, 404]


def test_reset_wipes_data_and_bootstraps_again(fresh_local: Any) -> None:
    server = fresh_local()
    server.api("POST", ORGS, json={"name": "Gone soon"})
    extra_key = server.new_key(scopes=["*"])
    after = server.control("POST", "reset")
    assert after["organization"] != server.organization
    assert org_count(server) == 1
    assert server.api("GET", ORGS, key=extra_key).status_code == 401
