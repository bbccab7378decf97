"""A test-only dynamic provider for the item store: importable, so its instances pickle by reference."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from .declare import dynamic_resource
from .model import Resource as HarnessResource

ENDPOINT = "itemstore:endpoint"
TOKEN = "itemstore:token"
FIELDS = ("name", "size", "labels", "owner")
TYPE = "pulumi-python:dynamic/itemstore:Item"


class ItemProvider(ResourceProvider):
    """Items with ``name`` (replaces), ``size`` 1..10, ``labels``, ``owner``; credentials come from configure()."""

    def __init__(self) -> None:
        super().__init__()
        self._endpoint: str | None = None
        self._token: str | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    def configure(self, req: ConfigureRequest) -> None:
        self._endpoint = req.config.get(ENDPOINT)
        self._token = req.config.get(TOKEN)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self._endpoint}{path}", data=data, method=method)
        request.add_header("Authorization", f"Bearer {self._token}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            return exc.code, json.loads(raw) if raw else None

    def _expect(self, method: str, path: str, body: dict[str, Any] | None, *ok: int) -> Any:
        status, payload = self._call(method, path, body)
        if status not in ok:
            detail = payload.get("detail") if isinstance(payload, dict) else payload
            raise RuntimeError(f"item API answered {status} to {method} {path}: {detail}")
        return payload

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures: list[CheckFailure] = []
        name = news.get("name")
        if name is None:
            failures.append(CheckFailure("name", "name is required"))
        elif not isinstance(name, Unknown) and (not isinstance(name, str) or not 0 < len(name) <= 20):
            failures.append(CheckFailure("name", "name must be a string of 1 to 20 characters"))
        size = news.get("size", 1)
        if not isinstance(size, Unknown) and (
            isinstance(size, bool) or not isinstance(size, (int, float)) or size != int(size) or not 1 <= size <= 10
        ):
            failures.append(CheckFailure("size", "size must be a whole number from 1 to 10"))
        labels = news.get("labels")
        if labels is not None and not isinstance(labels, Unknown) and not isinstance(labels, dict):
            failures.append(CheckFailure("labels", "labels must be a map of strings"))
        return CheckResult({**news, "size": size}, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in FIELDS if isinstance(news.get(k), Unknown) or olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=[k for k in changed if k == "name"])

    def create(self, props: dict[str, Any]) -> CreateResult:
        body = self._expect("POST", "/items", {k: props[k] for k in FIELDS if k in props}, 201)
        return CreateResult(body["id"], _outputs(body))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        status, body = self._call("GET", f"/items/{id_}")
        if status == 404:
            return ReadResult("", {})
        if status != 200:
            raise RuntimeError(f"item API answered {status} to GET /items/{id_}")
        return ReadResult(id_, _outputs(body), {k: body[k] for k in FIELDS if k in body})

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        body = self._expect("PUT", f"/items/{id_}", {k: news.get(k) for k in FIELDS}, 200)
        return UpdateResult(_outputs(body))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        self._expect("DELETE", f"/items/{id_}", None, 204, 404)


class VersionedItemProvider(ItemProvider):
    """An ItemProvider whose serialized blob carries a version, as a new program version's provider would."""

    def __init__(self, version: int = 1) -> None:
        super().__init__()
        self.version = version

    def __getstate__(self) -> dict[str, Any]:
        return {"version": self.version}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["version"])  # type: ignore[misc]


class DefaultDiffItemProvider(VersionedItemProvider):
    """Leaves diff to the base class: ``DiffResult()``, i.e. DIFF_UNKNOWN, so the engine diffs the inputs."""

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        return ResourceProvider.diff(self, _id, _olds, _news)


def _outputs(body: dict[str, Any]) -> dict[str, Any]:
    outs = {k: body.get(k) for k in FIELDS}
    outs.update(item_id=body["id"], etag=body["etag"], api_key=body["api_key"])
    return outs


class Item(Resource, module="itemstore", name="Item"):
    """The program-side resource: ``api_key`` is an additional secret output."""

    item_id: pulumi.Output[str]
    name: pulumi.Output[str]
    size: pulumi.Output[float]
    labels: pulumi.Output[dict[str, str]]
    owner: pulumi.Output[str]
    etag: pulumi.Output[float]
    api_key: pulumi.Output[str]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        secret_outputs = pulumi.ResourceOptions(additional_secret_outputs=["api_key"])
        outputs = dict.fromkeys(("item_id", "etag", "api_key", "labels", "owner"))
        super().__init__(ItemProvider(), name, {**outputs, **props}, pulumi.ResourceOptions.merge(secret_outputs, opts))


def item_goal(
    resource_name: str = "a",
    provider: ItemProvider | None = None,
    options: dict[str, Any] | None = None,
    **inputs: Any,
) -> HarnessResource:
    """The MiniEngine goal an ``Item`` registers: ``api_key`` as additional secret output."""
    opts = {"additional_secret_outputs": ["api_key"], **(options or {})}
    provider = provider or ItemProvider()
    return dynamic_resource(provider, resource_name, inputs, module="itemstore", kind="Item", **opts)
