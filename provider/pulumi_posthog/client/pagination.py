"""Following PostHog's ``next`` links (limit/offset and cursor pages), never off the configured host."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pulumi_posthog.client.errors import UnexpectedResponseError, UnsafeURLError, redact

__all__ = ["MAX_PAGES", "iter_results"]

MAX_PAGES = 100_000

Page = Mapping[str, Any]
FetchPage = Callable[[str, Mapping[str, Any] | None], Any]


def iter_results(
    fetch: FetchPage,
    path: str,
    params: Mapping[str, Any] | None,
    *,
    owns: Callable[[str], bool],
    base_url: str,
) -> Iterator[dict[str, Any]]:
    """Yield every item of a paginated list, page by page.

    ``fetch(path_or_url, params)`` GETs one page (with the client's retries) and returns its JSON. Both page
    shapes are followed the same way: ``{count, next, previous, results}`` (limit/offset) and
    ``{next, previous, results}`` (cursor). A ``next`` URL is followed only when ``owns(url)`` — same scheme,
    host and port as the configured host — so the API key is never sent elsewhere; otherwise
    ``UnsafeURLError`` is raised. Items already yielded (same ``id``) are skipped: with limit/offset an object
    created during the walk shifts the pages.
    """
    seen_ids: set[Any] = set()
    seen_urls: set[str] = set()
    target: str = path
    query: Mapping[str, Any] | None = params
    for _ in range(MAX_PAGES):
        page = fetch(target, query)
        if isinstance(page, list):  # an unpaginated list endpoint
            yield from page
            return
        if not isinstance(page, Mapping) or not isinstance(page.get("results"), list):
            raise UnexpectedResponseError("the list response has no 'results' array", method="GET", path=redact(target))
        for item in page["results"]:
            key = item.get("id") if isinstance(item, Mapping) else None
            if key is not None:
                if key in seen_ids:
                    continue
                seen_ids.add(key)
            yield item
        next_url = page.get("next")
        if not next_url:
            return
        if not isinstance(next_url, str) or not owns(next_url):
            raise UnsafeURLError(
                f"the page's 'next' link points to {redact(next_url)}, not to the configured host "
                f"{base_url}; "
                "it was not followed (the API key is only sent to the configured host). If PostHog runs "
                "behind a proxy, make it build links with its public URL (SITE_URL, X-Forwarded-Proto)",
                method="GET",
                path=redact(target),
            )
        if next_url in seen_urls:
            raise UnexpectedResponseError(
                "the server returned the same 'next' link twice; stopping to avoid an endless loop",
                method="GET",
                path=redact(next_url),
            )
        seen_urls.add(next_url)
        target, query = next_url, None  # the link already carries limit/offset or the cursor
    raise UnexpectedResponseError(f"more than {MAX_PAGES} pages", method="GET", path=redact(path))
