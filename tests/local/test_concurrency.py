"""posthog-local under concurrent clients: no 500s, no lost writes, consistent counts."""

from __future__ import annotations

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from tests.conftest import LocalServer

THREADS = 8
REQUESTS_PER_THREAD = 100
HTTP_EXPORT = {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": "tok"}}


def worker(server: LocalServer, seed: int, project: int) -> dict[str, Any]:
    rng = random.Random(seed)
    session = requests.Session()
    headers = {"Authorization": f"Bearer {server.api_key}"}
    statuses: Counter[int] = Counter()
    created_orgs: list[str] = []
    created_exports: list[str] = []
    deleted_exports: list[str] = []
    for i in range(REQUESTS_PER_THREAD):
        roll = rng.random()
        if roll < 0.2:
            r = session.post(f"{server.url}/api/organizations/", json={"name": f"t{seed}-{i}"}, headers=headers)
            if r.status_code == 201:
                created_orgs.append(r.json()["id"])
        elif roll < 0.35 and created_orgs:
            org = rng.choice(created_orgs)
            r = session.patch(f"{server.url}/api/organizations/{org}/", json={"name": f"p{seed}-{i}"}, headers=headers)
        elif roll < 0.55:
            body = {"name": f"e{seed}-{i}", "interval": "hour", "destination": HTTP_EXPORT}
            r = session.post(f"{server.url}/api/projects/{project}/batch_exports/", json=body, headers=headers)
            if r.status_code == 201:
                created_exports.append(r.json()["id"])
        elif roll < 0.65 and created_exports:
            export = created_exports.pop()
            r = session.delete(f"{server.url}/api/projects/{project}/batch_exports/{export}/", headers=headers)
            if r.status_code == 204:
                deleted_exports.append(export)
        elif roll < 0.8:
            r = session.get(f"{server.url}/api/projects/{project}/batch_exports/", headers=headers)
        else:
            r = session.get(f"{server.url}/api/organizations/", params={"limit": 5}, headers=headers)
        statuses[r.status_code] += 1
    session.close()
    return {"statuses": statuses, "orgs": created_orgs, "exports": created_exports, "deleted": deleted_exports}


def test_eight_threads_of_mixed_requests(fresh_local: Any) -> None:
    server = fresh_local()
    orgs_before = server.api("GET", "/api/organizations/", params={"limit": 1}).json()["count"]
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda s: worker(server, s, server.project), range(THREADS)))
    statuses: Counter[int] = sum((r["statuses"] for r in results), Counter())
    assert sum(statuses.values()) == THREADS * REQUESTS_PER_THREAD
    assert not [s for s in statuses if s >= 500], statuses
    assert set(statuses) <= {200, 201, 204}, statuses
    created_orgs = sum(len(r["orgs"]) for r in results)
    listed = server.api("GET", "/api/organizations/", params={"limit": 1}).json()["count"]
    assert listed == orgs_before + created_orgs
    live = {e for r in results for e in r["exports"]}
    page = server.api("GET", f"/api/projects/{server.project}/batch_exports/", params={"limit": 1000}).json()
    assert {e["id"] for e in page["results"]} == live
    assert page["count"] == len(live)
