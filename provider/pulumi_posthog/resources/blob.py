"""What a serialized provider (``__provider``) names — its resource and connection — read without running it."""

from __future__ import annotations

import base64
import io
import pickle
from dataclasses import dataclass
from typing import Any

PROVIDER_CLASS = ("pulumi_posthog.resources.engine", "PostHogProvider")
"""Where ``PostHogProvider`` lives: its ``__reduce__`` pickles it as a reference to this class and its arguments."""


class UnreadableBlob(ValueError):
    """The value is not a ``__provider`` this package wrote (another class, another format, or damaged)."""


@dataclass(frozen=True)
class BlobInfo:
    """The two things a ``PostHogProvider`` blob holds."""

    resource: str
    connection: str | None


class _Reader(pickle.Unpickler):
    """Resolves only ``PostHogProvider``, and to a recorder of its arguments: nothing from the blob is run."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) != PROVIDER_CLASS:
            raise pickle.UnpicklingError(f"{module}.{name} is not {'.'.join(PROVIDER_CLASS)}")
        return _record


def _record(*args: Any) -> BlobInfo:
    if not 1 <= len(args) <= 2 or not all(isinstance(a, str) for a in args):
        raise pickle.UnpicklingError("PostHogProvider takes (resource) or (resource, connection)")
    return BlobInfo(args[0], args[1] if len(args) == 2 else None)


def read_blob(blob: Any) -> BlobInfo:
    """The resource and connection a ``__provider`` value names.

    The SDK writes the blob as base64 of ``dill.dumps(provider)`` (``pulumi/dynamic/dynamic.py``,
    ``serialize_provider``) and reads it back with ``dill.loads`` (``pulumi/dynamic/__main__.py``, ``get_provider``).
    ``PostHogProvider.__reduce__`` makes that pickle a plain ``PostHogProvider(resource[, connection])`` call, so a
    restricted standard unpickler reads it without importing or running anything else.
    """
    if not isinstance(blob, str) or not blob:
        raise UnreadableBlob("no serialized provider")
    try:
        raw = base64.b64decode(blob, validate=True)
        found = _Reader(io.BytesIO(raw)).load()
    except Exception as exc:
        raise UnreadableBlob(f"{type(exc).__name__}: {exc}") from None
    if not isinstance(found, BlobInfo):
        raise UnreadableBlob(f"the blob holds a {type(found).__name__}, not a PostHogProvider")
    return found
