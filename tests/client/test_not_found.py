"""A 404 means "this object is gone" only when PostHog's API says so: a wrong host path ("Endpoint not found.")
or a proxy's 404 page is an EndpointNotFoundError, which neither a refresh nor a delete takes for "gone"."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi_posthog.client import EndpointNotFoundError, NotFoundError, PostHogClient, PostHogError
from pulumi_posthog.resources.engine import PostHogProvider, PostHogResourceError

from tests.client.conftest import ProxyServer, Reply, ScriptedServer, Seen, fast_policy, new_org, raw_create_export
from tests.conftest import LocalServer

MakeClient = Callable[..., PostHogClient]

NGINX_404 = (
    b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n"
    b"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
# What proxies and gateways in front of an API answer for a path they do not route.
FOREIGN_404S = {
    "nginx html": Reply(404, raw=NGINX_404, headers={"Content-Type": "text/html"}),
    "traefik text": Reply(404, raw=b"404 page not found\n", headers={"Content-Type": "text/plain; charset=utf-8"}),
    "empty": Reply(404, raw=b"", headers={"Content-Type": "text/plain"}),
    "kong json": Reply(404, {"message": "no Route matched with those values"}),
    "json without detail": Reply(404, {"error": "not_found"}),
}
EXPORT = "0190f3a4-0000-7000-8000-000000000001"


def test_posthog_local_endpoint_not_found_is_not_object_not_found(
    posthog_local: LocalServer, make_client: MakeClient
) -> None:
    """posthog-local answers an unknown path with PostHog's "Endpoint not found.": a host with a path in it (the
    classic `https://us.posthog.com/project/1`) makes every object 'missing' — that must not read as gone."""
    _, project = new_org(posthog_local)
    export = raw_create_export(posthog_local, project)
    wrong = make_client(posthog_local.url + "/project/1", posthog_local.api_key)

    with pytest.raises(PostHogError) as info:
        wrong.get_batch_export(project, export["id"])

    error = info.value
    assert not isinstance(error, NotFoundError)
    assert isinstance(error, EndpointNotFoundError) and error.endpoint_missing and not error.foreign
    assert error.status == 404 and error.detail == "Endpoint not found."
    text = str(error)
    assert posthog_local.url + "/project/1" in text and "nothing was treated as deleted" in text
    assert "with no path" in text  # what to fix

    # an unknown route on the right host is the same, and a real missing object is still NotFoundError
    right = make_client(posthog_local)
    with pytest.raises(EndpointNotFoundError):
        right.request("GET", f"/api/projects/{project}/batch_exportz/")
    with pytest.raises(NotFoundError) as gone:
        right.get_batch_export(project, EXPORT)
    assert gone.value.detail and gone.value.detail != "Endpoint not found."


@pytest.mark.parametrize("reply", FOREIGN_404S.values(), ids=FOREIGN_404S.keys())
def test_a_404_that_is_not_posthogs_is_never_object_not_found(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient, reply: Reply
) -> None:
    server = scripted()
    server.handler = lambda seen: reply

    with pytest.raises(PostHogError) as info:
        make_client(server.url).get_batch_export(1, EXPORT)

    error = info.value
    assert isinstance(error, EndpointNotFoundError) and error.foreign and not error.endpoint_missing
    assert not isinstance(error, NotFoundError)
    assert "did not come from PostHog's API" in str(error) and server.url in str(error)
    assert len(server.seen) == 1, "not retried: a proxy's 404 does not heal by asking again"


def test_posthogs_envelope_about_an_object_is_still_not_found(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient
) -> None:
    server = scripted()
    envelope = {"type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": None}
    server.handler = lambda seen: Reply(404, envelope)
    with pytest.raises(NotFoundError):
        make_client(server.url).get_batch_export(1, EXPORT)


@pytest.mark.parametrize(
    "second",
    [
        FOREIGN_404S["nginx html"],
        Reply(404, {"type": "invalid_request", "code": "not_found", "detail": "Endpoint not found.", "attr": None}),
    ],
    ids=["proxy html", "endpoint not found"],
)
def test_delete_404_after_an_unanswered_attempt_is_success_only_when_posthog_says_the_object_is_gone(
    scripted: Callable[[], ScriptedServer], make_client: MakeClient, second: Reply
) -> None:
    server = scripted()
    server.replies = [Reply(503, {"detail": "unavailable"}), second]
    client = make_client(server.url, retry=fast_policy(max_attempts=2))

    with pytest.raises(EndpointNotFoundError):
        client.delete_batch_export(1, EXPORT)
    assert [s.method for s in server.seen] == ["DELETE", "DELETE"]


# --- through the engine: a refresh fails, a delete fails, and the object stays ----------------------------------


def _html_404_for_export_reads(seen: Seen) -> Reply | None:
    if seen.method in ("GET", "DELETE") and re.search(r"/batch_exports/[0-9a-f-]{36}/$", seen.path):
        return FOREIGN_404S["nginx html"]
    return None


@pytest.mark.parametrize("where", ["host with a path", "proxy answering html 404"])
def test_refresh_and_delete_through_a_wrong_path_keep_the_resource(
    posthog_local: LocalServer, proxy: Callable[[str, Callable[[Seen], Reply | None]], ProxyServer], where: str
) -> None:
    """Before: engine.read caught the NotFoundError and returned an empty id (Pulumi drops the resource from
    state, and the next `up` creates a duplicate), and engine.delete called the 404 a success."""
    _, project = new_org(posthog_local, f"not-found-{uuid.uuid4().hex[:6]}")
    export = raw_create_export(posthog_local, project)
    if where == "host with a path":
        host = posthog_local.url + "/posthog"
    else:
        host = proxy(posthog_local.url, _html_404_for_export_reads).url
    provider = PostHogProvider("BatchExport")
    provider.configure(ConfigureRequest({"posthog:host": host, "posthog:apiKey": posthog_local.api_key}))
    state: dict[str, Any] = {"project_id": project, "name": export["name"], "interval": "hour"}

    with pytest.raises(PostHogResourceError) as read_error:
        provider.read(export["id"], state)
    with pytest.raises(PostHogResourceError) as delete_error:
        provider.delete(export["id"], state)

    for error in (read_error.value, delete_error.value):
        assert "endpoint not found" in str(error) and "nothing was treated as deleted" in str(error)
    assert str(read_error.value).startswith("reading ")
    assert str(delete_error.value).startswith("deleting ")
    response = posthog_local.api("GET", f"/api/projects/{project}/batch_exports/{export['id']}/")
    assert response.status_code == 200, "the export was not deleted"

    # the same provider through the right host reads it (the state given was a valid one)
    provider.configure(ConfigureRequest({"posthog:host": posthog_local.url, "posthog:apiKey": posthog_local.api_key}))
    assert provider.read(export["id"], state).id == export["id"]
