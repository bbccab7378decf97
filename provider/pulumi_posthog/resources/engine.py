"""The one dynamic provider: runs any ResourceSpec's check/diff/create/read/update/delete with PostHog's client."""

from __future__ import annotations

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

from pulumi_posthog.client import NotFoundError, PostHogError
from pulumi_posthog.client.errors import redact
from pulumi_posthog.resources.connection import client_for
from pulumi_posthog.resources.spec import Context, ResourceSpec
from pulumi_posthog.resources.values import plain

log = logging.getLogger("pulumi_posthog")
PROVIDER_KEY = "__provider"
CONFIG_KEYS = ("posthog:host", "posthog:apiKey", "posthog:connections")

_SPECS: dict[str, ResourceSpec] = {}


def register(spec: ResourceSpec) -> ResourceSpec:
    _SPECS[spec.name] = spec
    return spec


def spec_for(name: str) -> ResourceSpec:
    if not _SPECS:
        import pulumi_posthog.resources  # noqa: F401 - registers every spec

    return _SPECS[name]


class PostHogResourceError(Exception):
    """A failed step, worded for the person reading `pulumi up`: which object, which property, what to do."""


def _without_provider(props: dict[str, Any] | None) -> dict[str, Any]:
    """The properties minus ``__provider``, numbers as written (the engine sends every number as a double)."""
    return {k: plain(v) for k, v in (props or {}).items() if k != PROVIDER_KEY}


class PostHogProvider(ResourceProvider):
    """Pickled by reference with only (resource name, connection name): no client, key or host in the blob."""

    serialize_as_secret_always = False

    def __init__(self, resource: str, connection: str | None = None) -> None:
        super().__init__()
        self.resource = resource
        self.connection = connection
        self._stack: dict[str, Any] = {}
        self._created: set[str] = set()  # ids this plugin process created (one process per `pulumi up`)
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
        stack = getattr(self, "_stack", {})
        return Context(client=client_for(self.connection, stack), warn=_warn, memo=self._memo)

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

    # -- engine calls ------------------------------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        olds = _without_provider(_olds)
        inputs = _without_provider(news)
        failures: list[CheckFailure] = self.spec.check_fields(inputs)
        failed = {f.property for f in failures}
        checked, more = self.spec.check(olds, inputs)
        failures.extend(f for f in more if f.property not in failed)
        return CheckResult(checked, failures)

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        result = self.spec.diff(_without_provider(_olds), _without_provider(_news))
        return DiffResult(changes=bool(result.changed), replaces=result.replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = _without_provider(props)
        try:
            id_, outs = self.spec.create(self._context(), inputs)
        except PostHogError as exc:
            raise self._fail("creating", None, inputs, exc) from None
        self._created.add(str(id_))
        return CreateResult(str(id_), outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        state = _without_provider(props)
        try:
            found = self.spec.read(self._context(), id_, state)
        except NotFoundError:
            found = None
        except PostHogError as exc:
            raise self._fail("reading", id_, state, exc) from None
        if found is None:
            return ReadResult("", {})
        outs, inputs = found
        return ReadResult(id_, outs, inputs)

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        olds, news = _without_provider(_olds), _without_provider(_news)
        try:
            outs = self.spec.update(self._context(), _id, olds, news)
        except PostHogError as exc:
            raise self._fail("updating", _id, olds, exc) from None
        return UpdateResult(outs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        state = _without_provider(_props)
        if _id in self._created:
            # A create-before-delete replacement that PostHog answered with the same object (an upsert, an
            # adoption): deleting the old one would delete the new one.
            _warn(f"{self.spec.describe(_id, state)} is also its replacement, so it was kept")
            return
        try:
            self.spec.delete(self._context(), _id, state)
        except NotFoundError:
            return
        except PostHogError as exc:
            raise self._fail("deleting", _id, state, exc) from None


def _warn(message: str) -> None:
    # pulumi.log cannot be used inside a dynamic provider (pulumi/pulumi#20409); the engine shows stderr.
    log.warning(message)
    print(f"warning: {redact(message)}", file=sys.stderr, flush=True)
