"""The declarative description of a resource that the generic engine runs: fields, rules and API calls."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pulumi.dynamic import CheckFailure

from pulumi_posthog.client import PostHogClient
from pulumi_posthog.resources.nested import Nested
from pulumi_posthog.resources.values import MISSING, is_unknown, plain, same

Normalizer = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    """One input property.

    ``default`` is what PostHog reads back when the property is unset: an unset property means "PostHog's
    default", so drift away from it shows as a change. ``unmanaged_when_unset`` instead means "leave PostHog's
    value alone when unset" (e.g. ``paused``, which PostHog flips by itself after failures).
    """

    name: str
    kind: type | tuple[type, ...] = str
    required: bool = False
    replace: bool = False
    provider_only: bool = False
    default: Any = MISSING
    unmanaged_when_unset: bool = False
    choices: tuple[Any, ...] = ()
    minimum: int | None = None
    not_blank: bool = False
    """A string of white space only is refused (DRF's CharField: "This field may not be blank.")."""
    max_length: int | None = None
    uuid: str | None = None
    """The value must be a UUID; the text names what it identifies ("organization"; "" for any UUID)."""
    current_ok: bool = False
    """With ``uuid``: ``'@current'`` is accepted too."""
    in_body: bool = True
    """Sent in the create/update body (False: a path part such as ``organization_id``, or a value never sent)."""
    read_as: str | None = None
    """The key PostHog's answer holds it under, when not ``name`` (e.g. ``organization`` for ``organization_id``)."""
    doc: str = ""
    normalize: Normalizer = plain
    nested: Nested | None = None
    """A dict with its own rules (its diff, PostHog's answer normalized, its secrets): see ``Nested``."""


@dataclass
class Diff:
    changed: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)

    def add(self, name: str, replace: bool = False) -> None:
        if name not in self.changed:
            self.changed.append(name)
        if replace and name not in self.replaces:
            self.replaces.append(name)


@dataclass
class Context:
    """What a spec's API calls get: the client, a logger-like ``warn``, and ``memo``: state kept for one command
    (one plugin process, one ``pulumi up``) by the resource type's provider, e.g. the listings creates share."""

    client: PostHogClient
    warn: Callable[[str], None]
    memo: dict[str, Any] = field(default_factory=dict)


class ResourceSpec:
    """Base of the per-resource specs: declare ``name``, ``fields``, ``outputs``; implement the API calls."""

    name: ClassVar[str]
    fields: ClassVar[tuple[Field, ...]]
    outputs: ClassVar[Mapping[str, str]] = {}
    """What PostHog computes, beyond the inputs: output name -> its description (the docs' outputs table)."""
    id_field: ClassVar[str] = "id"
    id_doc: ClassVar[str] = ""
    """What the resource id is (the first row of the docs' outputs table)."""
    doc: ClassVar[str] = ""

    # -- check -------------------------------------------------------------------------------------------------
    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def check_fields(self, news: dict[str, Any]) -> list[CheckFailure]:
        """Required properties, types, choices, minimums and text rules, per property, through the inputs schema
        compiled from ``fields`` (pydantic-core loads here, on the first check, not on ``import pulumi_posthog``);
        unknown values pass."""
        from pulumi_posthog.schema.inputs import field_failures

        return field_failures(self, news)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
        """Resource rules beyond the generic ones; may return adjusted inputs (e.g. generated names)."""
        return news, []

    # -- diff --------------------------------------------------------------------------------------------------
    def diff(self, olds: dict[str, Any], news: dict[str, Any]) -> Diff:
        """Compare each input with the last known state; unknowns count as changes. Nested inputs come last,
        each through its own ``Nested.change``."""
        result = Diff()
        for f in self.fields:
            if f.nested is not None:
                continue
            new = news.get(f.name, MISSING)
            old = olds.get(f.name, MISSING)
            if new is MISSING or new is None:
                if f.unmanaged_when_unset or f.default is MISSING:
                    continue
                new = f.default
            if is_unknown(new):
                result.add(f.name, f.replace)
                continue
            if old is MISSING or old is None:
                old = f.default if f.default is not MISSING else None
            if not same(f.normalize(new), f.normalize(old)):
                result.add(f.name, f.replace)
        for f in self.fields:
            if f.nested is not None:
                self._diff_nested(result, f, f.nested, olds, news)
        return result

    @staticmethod
    def _diff_nested(result: Diff, f: Field, nested: Nested, olds: dict[str, Any], news: dict[str, Any]) -> None:
        new = news.get(f.name)
        if not isinstance(new, dict):
            if is_unknown(new):
                result.add(f.name, replace=True)
            return
        change = nested.change(olds.get(f.name) or {}, new, news)
        if change != "same":
            result.add(f.name, replace=f.replace or change == "replace")

    @staticmethod
    def adopts_itself(news: dict[str, Any], id_: str) -> bool:
        """Whether a known ``adopt_id`` names the object ``id_`` itself (UUIDs compared case-insensitively)."""
        adopt = news.get("adopt_id")
        return isinstance(adopt, str) and not is_unknown(adopt) and adopt.lower() == str(id_).lower()

    def lands_on(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> str | None:
        """Why a create from ``news`` would give back the object ``id_`` itself (it adopts it, or upserts onto it),
        or None. The engine then plans an update instead of a replacement: a replacement would end by deleting the
        object it had just obtained, and a failed run would leave that delete pending for the next command."""
        return None

    # -- API calls ---------------------------------------------------------------------------------------------
    def create(self, ctx: Context, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def read(self, ctx: Context, id_: str, state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Fresh outputs and matching inputs, or None when the object is gone."""
        raise NotImplementedError

    def update(self, ctx: Context, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def delete(self, ctx: Context, id_: str, state: dict[str, Any]) -> None:
        raise NotImplementedError

    def found(self, outs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """A read's answer: the outputs, and as inputs everything in them but the spec's outputs."""
        return outs, {k: v for k, v in outs.items() if k not in self.outputs}

    def inputs_from(self, outs: dict[str, Any]) -> dict[str, Any]:
        """Inputs matching refreshed outputs, without PostHog's defaults (so a preview lists only real changes)."""
        result: dict[str, Any] = {}
        for f in self.fields:
            value = outs.get(f.name)
            if value is None or (f.default is not MISSING and same(f.normalize(value), f.normalize(f.default))):
                continue
            result[f.name] = value
        return result

    # -- the body sent and the outputs kept ----------------------------------------------------------------
    def body(self, inputs: dict[str, Any]) -> dict[str, Any]:
        """What a create or update sends: the set inputs that go in the body (not the provider's own)."""
        return {
            f.name: plain(inputs[f.name])
            for f in self.fields
            if f.in_body and not f.provider_only and inputs.get(f.name) is not None
        }

    def outputs_from(self, server: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
        """The state after a call: the managed body inputs as PostHog has them, the inputs PostHog does not echo
        (as written, else as PostHog reads them), the provider's own (their default when unset), the outputs."""
        result: dict[str, Any] = {}
        for f in self.fields:
            given = inputs.get(f.name)
            if f.provider_only:
                result[f.name] = given if given is not None or f.default is MISSING else f.default
            elif f.in_body:
                if given is not None:
                    result[f.name] = server.get(f.read_as or f.name)
            else:
                result[f.name] = given if given is not None else server.get(f.read_as or f.name)
        result.update({k: server.get(k) for k in self.outputs})
        return {k: v for k, v in result.items() if v is not None}

    def nested_output(self, name: str, server: dict[str, Any], inputs: dict[str, Any], state: Any = None) -> Any:
        """Nested input ``name`` as PostHog answers it (normalized), with the configured secrets PostHog never
        returns put back; where they are may depend on ``state`` (the outputs being built: a kind)."""
        f = self.field(name)
        if f.nested is None:
            raise KeyError(f"{name} is not a nested input")
        configured = plain(inputs.get(name) or {})
        found = f.nested.normalize(server.get(f.read_as or name) or {}, configured)
        return f.nested.restore(found, configured, state or {})

    @staticmethod
    def warn_adopting(ctx: Context, what: str, current: dict[str, Any], changes: str) -> None:
        """The warning of an adoption that changes the object: which one, and what."""
        ctx.warn(f"adopting {what} '{current.get('name')}' ({current['id']}); changing {changes}")

    def describe(self, id_: str, state: dict[str, Any]) -> str:
        """How a message names the object, e.g. ``BatchExport 'nightly' (0192…)``."""
        label = state.get("name")
        return f"{self.name} '{label}' ({id_})" if label else f"{self.name} {id_}"


def text_problem(f: Field, value: str) -> str | None:
    """What PostHog says of ``value`` for field ``f`` (its declared kind and checks), or None when it passes."""
    from pulumi_posthog.schema.inputs import value_problem

    return value_problem(f, value)
