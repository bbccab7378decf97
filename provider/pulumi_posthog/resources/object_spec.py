"""The spec of a resource that is one PostHog object: read by id, PATCHed with what changed, deleted by id."""

from __future__ import annotations

from typing import Any

from pulumi_posthog.resources.protection import refuse_if_protected
from pulumi_posthog.resources.spec import Context, Field, ResourceSpec
from pulumi_posthog.resources.values import same


class ObjectSpec(ResourceSpec):
    """Implement ``get_object``, ``patch_object`` and ``delete_object`` (and ``create``); read, update and delete
    follow. A spec with a ``deletion_protection`` field refuses deletes while it is on (before any request)."""

    def get_object(self, ctx: Context, id_: str) -> dict[str, Any]:
        raise NotImplementedError

    def patch_object(self, ctx: Context, id_: str, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def delete_object(self, ctx: Context, id_: str) -> None:
        raise NotImplementedError

    def adopt(self, ctx: Context, what: str, current: dict[str, Any], inputs: dict[str, Any]) -> tuple[str, Any]:
        """A create that takes ``current`` over (``adopt_id``): one PATCH of what the program sets differently, with
        a warning naming each change; its id and outputs."""
        changes = {k: v for k, v in self.body(inputs).items() if not same(current.get(k), v)}
        if changes:
            shown = ", ".join(f"{k}: {current.get(k)!r} → {v!r}" for k, v in changes.items())
            self.warn_adopting(ctx, what, current, shown)
            current = self.patch_object(ctx, current["id"], changes)
        return str(current["id"]), self.outputs_from(current, inputs)

    def read(self, ctx: Context, id_: str, state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        outs = self.outputs_from(self.get_object(ctx, id_), state)
        return self.found(outs)

    def update(self, ctx: Context, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        """One PATCH with the settings that changed; none changed (a provider setting): the object read back."""
        body = {k: v for k, v in self.body(news).items() if not same(olds.get(k), v)}
        server = self.patch_object(ctx, id_, body) if body else self.get_object(ctx, id_)
        return self.outputs_from(server, news)

    def delete(self, ctx: Context, id_: str, state: dict[str, Any]) -> None:
        if any(f.name == "deletion_protection" for f in self.fields):
            refuse_if_protected(self.name, id_, state)
        self.delete_object(ctx, id_)


def adopt_id(doc: str, **options: Any) -> Field:
    """The provider-only ``adopt_id`` input: manage an existing object instead of creating one (a replacement when
    it names another)."""
    return Field("adopt_id", str, replace=True, provider_only=True, doc=doc, **options)


def setting(name: str, kind: type, doc: str, **options: Any) -> Field:
    """A setting PostHog (and people in its UI) keep as they have it while the program leaves it unset."""
    return Field(name, kind, unmanaged_when_unset=True, doc=doc, **options)


def organization_id(doc: str = "The organization UUID (or '@current').", **options: Any) -> Field:
    """The required, replace-forcing ``organization_id`` input (a UUID or ``'@current'``)."""
    return Field(
        "organization_id", str, required=True, replace=True, uuid="organization", current_ok=True, doc=doc, **options
    )
