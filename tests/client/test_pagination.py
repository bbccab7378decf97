"""Pagination: every page of limit/offset and cursor lists, and never a ``next`` link off the configured host."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pulumi_posthog.client import PostHogClient, UnexpectedResponseError, UnsafeURLError

from tests.client.conftest import Reply, ScriptedServer, count_requests, new_org, raw_create_export
from tests.conftest import LocalServer

MakeClient = Callable[..., PostHogClient]


def test_organizations_over_250_across_pages(fresh_local: Any, make_client: MakeClient) -> None:
    server: LocalServer = fresh_local()
    with ThreadPoolExecutor(max_workers=8) as pool:
        made = list(pool.map(lambda i: new_org(server, f"bulk-{i:03d}")[0], range(259)))
    expected = {*made, server.organization}
    server.control("DELETE", "requests")

    client = make_client(server)
    listed = client.list_organizations()
    assert len(listed) == 260 and {o["id"] for o in listed} == expected
    assert count_requests(server, "GET", r"^/api/organizations/?$") == 3, "pages of 100, 100, 60"

    small = make_client(server, page_size=50)
    assert {o["id"] for o in small.list_organizations()} == expected
    assert count_requests(server, "GET", r"^/api/organizations/?$") == 3 + 6


def test_batch_exports_over_250_across_pages(posthog_local: LocalServer, make_client: MakeClient) -> None:
    server = posthog_local
    _, project = new_org(server)
    with ThreadPoolExecutor(max_workers=8) as pool:
        made = set(pool.map(lambda i: raw_create_export(server, project, f"bulk-{i:03d}")["id"], range(255)))
    server.control("DELETE", "requests")
    listed = make_client(server).list_batch_exports(project)
    assert len(listed) == 255 and {e["id"] for e in listed} == made
    assert count_requests(server, "GET", rf"^/api/projects/{project}/batch_exports/?$") == 3


def page(server: ScriptedServer, results: list[Any], next_url: str | None, count: bool = True) -> Reply:
    body: dict[str, Any] = {"next": next_url, "previous": None, "results": results}
    if count:
        body["count"] = 999
    return Reply(200, body)


@pytest.mark.parametrize("where", ["other port", "other host", "other scheme", "userinfo trick"])
def test_next_link_off_the_configured_host_is_refused(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient, where: str
) -> None:
    home, elsewhere = scripted(), scripted()
    foreign = {
        "other port": f"{elsewhere.url}/api/organizations/?limit=100&offset=100",
        "other host": "http://posthog.attacker.example/api/organizations/?limit=100&offset=100",
        "other scheme": f"https://127.0.0.1:{home.port}/api/organizations/?limit=100&offset=100",
        "userinfo trick": f"http://127.0.0.1:{home.port}@127.0.0.1:{elsewhere.port}/api/organizations/",
    }[where]
    home.replies.append(page(home, [{"id": "a"}], foreign))
    client = make_client(home.url)

    with pytest.raises(UnsafeURLError) as info:
        client.list_organizations()

    assert "not followed" in str(info.value) and home.url in str(info.value)
    assert len(home.seen) == 1, "only the first page was fetched"
    assert elsewhere.seen == [], "nothing, let alone the key, went to the other server"


def test_cursor_pages_are_followed_and_duplicates_skipped(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient
) -> None:
    server = scripted()
    base = f"{server.url}/api/projects/1/batch_exports/b/runs/"
    server.replies.extend(
        [
            page(server, [{"id": 1}, {"id": 2}], base + "?cursor=abc", count=False),
            page(server, [{"id": 2}, {"id": 3}], base + "?cursor=def", count=False),
            page(server, [{"id": 4}], None, count=False),
        ]
    )
    runs = make_client(server.url).list_runs(1, "b")
    assert [r["id"] for r in runs] == [1, 2, 3, 4]
    assert [s.path for s in server.seen] == [
        "/api/projects/1/batch_exports/b/runs/",
        "/api/projects/1/batch_exports/b/runs/?cursor=abc",
        "/api/projects/1/batch_exports/b/runs/?cursor=def",
    ]
    assert all(s.headers.get("Authorization", "").startswith("Bearer ") for s in server.seen)


def test_a_next_link_that_repeats_stops_the_walk(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient
) -> None:
    server = scripted()
    same = f"{server.url}/api/organizations/?offset=1"
    server.handler = lambda seen: page(server, [{"id": seen.path}], same)
    with pytest.raises(UnexpectedResponseError):
        make_client(server.url).list_organizations()
    assert len(server.seen) == 2
