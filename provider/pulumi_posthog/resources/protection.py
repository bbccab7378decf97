"""What resources that can be deleted by mistake share: the ``deletion_protection`` field and its refusal."""

from __future__ import annotations

from typing import Any

from pulumi_posthog.resources.errors import ResourceError
from pulumi_posthog.resources.spec import Field


class DeletionProtected(ResourceError):
    """Deleting a protected object was refused by the provider (nothing was sent to PostHog)."""


def deletion_protection(what: str) -> Field:
    """The provider-only ``deletion_protection`` input (on by default) of a resource whose objects are ``what``."""
    return Field(
        "deletion_protection",
        bool,
        provider_only=True,
        default=True,
        doc=f"While true (the default), deleting the {what} fails instead of deleting it.",
    )


def is_protected(state: dict[str, Any]) -> bool:
    return state.get("deletion_protection", True) is not False


def refuse_if_protected(kind: str, id_: str, state: dict[str, Any]) -> None:
    """Raise ``DeletionProtected`` (before any call) when the state says the object is protected."""
    if is_protected(state):
        raise DeletionProtected(
            f"{kind} '{state.get('name', id_)}' ({id_}) has deletion_protection enabled, so it was not "
            "deleted. To delete it, set deletion_protection=False, run `pulumi up`, then remove it (or run "
            "`pulumi destroy`). To stop managing it without deleting it, run `pulumi state delete <urn>`."
        )
