"""Fixtures for the harness's own tests: the loopback item store and an engine configured for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .engine import MiniEngine
from .item_store import ItemStore, serve
from .sample_provider import ENDPOINT, TOKEN
from .values import Secret

STORE_TOKEN = "store-token-7f3a9c1e5b"


@pytest.fixture
def store() -> Iterator[ItemStore]:
    """A fresh item store on 127.0.0.1:<free port>."""
    item_store = ItemStore(token=STORE_TOKEN)
    server = serve(item_store)
    yield item_store
    server.shutdown()
    server.server_close()


@pytest.fixture
def engine(store: ItemStore) -> MiniEngine:
    """A stack whose config points the item provider at the store (the token as secret config)."""
    return MiniEngine({ENDPOINT: store.url, TOKEN: Secret(store.token)})
