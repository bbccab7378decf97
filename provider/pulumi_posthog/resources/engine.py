"""The one dynamic provider: runs any ResourceSpec's check/diff/create/read/update/delete with PostHog's client."""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from pulumi_posthog import catalog
from pulumi_posthog.client import NotFoundError, PostHogError
from pulumi_posthog.client.errors import redact
from pulumi_posthog.resources.blob import UnreadableBlob, read_blob
from pulumi_posthog.resources.connection import Move, label, move_of, provider_client_for
from pulumi_posthog.resources.entries import ENTRY_KEY, LiveEntries, new_token
from pulumi_posthog.resources.errors import ResourceError
from pulumi_posthog.resources.spec import Context, ResourceSpec
from pulumi_posthog.resources.values import plain

log = logging.getLogger("pulumi_posthog")
log.addHandler(logging.NullHandler())  # without it, logging's last-resort handler would print each warning twice
PROVIDER_KEY = "__provider"
CONFIG_KEYS = ("posthog:host", "posthog:apiKey", "posthog:connections")

_SPECS: dict[str, ResourceSpec] = {}


def register(spec: ResourceSpec) -> ResourceSpec:
    _SPECS[spec.name] = spec
    return spec


def spec_for(name: str) -> ResourceSpec:
    """The registered spec of a catalog resource (its module is imported on first use)."""
    if name not in _SPECS:
        importlib.import_module(catalog.entry(name).module)
    return _SPECS[name]


def specs() -> tuple[ResourceSpec, ...]:
    """Every resource's spec, in the catalog's order."""
    return tuple(spec_for(name) for name in catalog.names())


class PostHogResourceError(ResourceError):
    """A failed step, worded for the person reading `pulumi up`: which object, which property, what to do."""


def _user(props: dict[str, Any] | None) -> dict[str, Any]:
    """The properties a spec sees: no ``__*`` keys (``__provider``, ``__entry``), numbers as written (the engine
    sends every number as a double)."""
    return {k: plain(v) for k, v in (props or {}).items() if not k.startswith("__")}


class PostHogProvider(ResourceProvider):
    """Pickled by reference with only (resource name, connection name): no client, key or host in the blob."""

    serialize_as_secret_always = False

    def __init__(self, resource: str, connection: str | None = None) -> None:
        super().__init__()
        self.resource = resource
        self.connection = connection
        self._stack: dict[str, Any] = {}
        self._entries = LiveEntries()  # what this plugin process saw live (one process per CLI command)
        self._memo: dict[str, Any] = {}  # the specs' state for this command (Context.memo)

    def __reduce__(self) -> tuple[Any, ...]:
        return (PostHogProvider, (self.resource, self.connection) if self.connection else (self.resource,))

    @property
    def spec(self) -> ResourceSpec:
        return spec_for(self.resource)

    def configure(self, req: ConfigureRequest) -> None:
        """Keep the stack's posthog:* config (host, apiKey, connections) for lazily built clients."""
        self._stack = {key: req.config.get(key) for key in CONFIG_KEYS if req.config.get(key) is not None}

    def _context(self) -> Context:
        return Context(client=provider_client_for(self.connection, self._stack), warn=warn, memo=self._memo)

    def _fail(self, action: str, id_: str | None, props: dict[str, Any], exc: Exception) -> PostHogResourceError:
        label = props.get("name")
        where = self.spec.describe(id_, props) if id_ else f"{self.spec.name} '{label}'" if label else self.spec.name
        if isinstance(exc, PostHogError):
            prop = getattr(exc, "attr", None)
            on = f" (property {prop.replace('__', '.')})" if prop else ""
            text = f"{action} {where} failed{on}: {exc}"
        else:
            text = f"{action} {where} failed: {exc}"
        return PostHogResourceError(redact(text))

    def _move(self, id_: str, olds: dict[str, Any], old_props: dict[str, Any]) -> Move | None:
        """The connection change since the state was written: the old blob names the old connection (this
        provider object is the new blob's, as the SDK serves Diff and Update with ``news[__provider]``)."""
        if PROVIDER_KEY not in old_props:
            return None
        try:
            old = read_blob(old_props[PROVIDER_KEY]).connection
        except UnreadableBlob as exc:
            warn(
                f"{self.spec.describe(id_, olds)}: the connection its state was written with cannot be read "
                f"({exc}); it is taken to be unchanged ({label(self.connection)})"
            )
            return None
        return move_of(old, self.connection, self._stack)

    # -- engine calls ------------------------------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        olds = _user(_olds)
        inputs = _user(news)
        failures: list[CheckFailure] = self.spec.check_fields(inputs)
        failed = {f.property for f in failures}
        checked, more = self.spec.check(olds, inputs)
        failures.extend(f for f in more if f.property not in failed)
        self._entries.checked(checked)
        return CheckResult(checked, failures)

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        olds, news = _user(_olds), _user(_news)
        self._entries.diffed(_id, _olds, news)
        result = self.spec.diff(olds, news)
        where = self.spec.describe(_id, olds)
        move = self._move(_id, olds, _olds) if _is_blob(_news.get(PROVIDER_KEY)) else None
        if move is not None:
            result.add(PROVIDER_KEY, replace=not move.same_host)
            warn(move.describe(where))
        if result.replaces and (move is None or move.same_host):
            reason = self.spec.lands_on(_id, olds, news)
            if reason:
                keys = ", ".join(result.replaces)
                warn(f"{where} is updated, not replaced, although {keys} changed: {reason}")
                result.replaces.clear()
        return DiffResult(changes=bool(result.changed), replaces=result.replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = _user(props)
        try:
            id_, outs = self.spec.create(self._context(), inputs)
        except PostHogError as exc:
            raise self._fail("creating", None, inputs, exc) from None
        outs = {**outs, ENTRY_KEY: new_token()}
        self._entries.kept(str(id_), outs)
        return CreateResult(str(id_), outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        state = _user(props)
        try:
            found = self.spec.read(self._context(), id_, state)
        except NotFoundError:
            found = None
        except PostHogError as exc:
            raise self._fail("reading", id_, state, exc) from None
        if found is None:
            return ReadResult("", {})
        outs, inputs = found
        if props.get(ENTRY_KEY):
            outs = {**outs, ENTRY_KEY: props[ENTRY_KEY]}
        return ReadResult(id_, outs, inputs)

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        olds, news = _user(_olds), _user(_news)
        move = self._move(_id, olds, _olds)
        try:
            if move is not None and move.same_host and not self.spec.diff(olds, news).changed:
                outs = self._confirm_move(_id, olds, move)
            else:
                outs = self.spec.update(self._context(), _id, olds, news)
        except PostHogError as exc:
            raise self._fail("updating", _id, olds, exc) from None
        outs = {**outs, ENTRY_KEY: _olds.get(ENTRY_KEY) or new_token()}
        self._entries.kept(_id, outs)
        return UpdateResult(outs)

    def _confirm_move(self, id_: str, olds: dict[str, Any], move: Move) -> dict[str, Any]:
        """Only the connection changed, to one on the same host: read the object through it, change nothing."""
        try:
            found = self.spec.read(self._context(), id_, olds)
        except NotFoundError:
            found = None
        if found is None:
            raise PostHogResourceError(
                f"moving {self.spec.describe(id_, olds)} to {label(move.new)} failed: it was not found through "
                f"{label(move.new)} ({move.new_host}), although {label(move.old)} reaches the same host. Give that "
                "connection a key that can see the object, or set the old connection back."
            )
        return found[0]

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        state = _user(_props)
        if self._entries.managed_by_another(_id, _props):
            # The old half of a replacement that landed on the same object (an adoption, an upsert), possibly left
            # pending by a failed run, or a second entry adopting one object: deleting it would delete the live one.
            warn(
                f"{self.spec.describe(_id, state)} was not deleted: a resource this run keeps manages the same "
                "PostHog object, so only this stale state entry is removed"
            )
            return
        try:
            self.spec.delete(self._context(), _id, state)
        except NotFoundError:
            return
        except PostHogError as exc:
            raise self._fail("deleting", _id, state, exc) from None


def _is_blob(value: Any) -> bool:
    """A known serialized provider (in a preview, a provider built from unknown values is unknown)."""
    try:
        read_blob(value)
    except UnreadableBlob:
        return False
    return True


def warn(message: str) -> None:
    """A warning the CLI shows with the resource: the plugin's stderr, once, redacted."""
    # pulumi.log cannot be used inside a dynamic provider (pulumi/pulumi#20409); the engine shows stderr.
    text = redact(message)
    log.warning(text)
    print(f"warning: {text}", file=sys.stderr, flush=True)
