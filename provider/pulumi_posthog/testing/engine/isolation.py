"""Run SDK code on a fresh thread so its global settings and event loops cannot leak into the caller."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from pulumi._utils import ContextProperty
from pulumi.runtime.settings import Settings

T = TypeVar("T")

_DEFAULT_ATTR = "_ContextProperty__default"


def _settings_properties() -> list[ContextProperty]:
    return [p for p in vars(Settings).values() if isinstance(p, ContextProperty)]


def _snapshot_defaults() -> list[tuple[ContextProperty, Any]]:
    return [(p, getattr(p, _DEFAULT_ATTR)) for p in _settings_properties()]


def _restore_defaults(snapshot: list[tuple[ContextProperty, Any]]) -> None:
    for prop, default in snapshot:
        setattr(prop, _DEFAULT_ATTR, default)


def run_isolated(fn: Callable[[], T], *, name: str = "harness") -> T:
    """Call ``fn`` on a new thread and return its result (or raise its exception).

    The thread has no event loop, so the SDK's ``new_event_loop().run_until_complete`` works even when the caller
    is inside a running loop. Settings changed there (``pulumi.runtime.configure``, which the dynamic servicer calls
    on every request, or ``set_mocks``) live in that thread's context only; the defaults the SDK's
    ``ContextProperty`` rewrites as a side effect are restored afterwards.
    """
    snapshot = _snapshot_defaults()
    context = contextvars.Context()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = context.run(fn)
        except BaseException as exc:  # re-raised in the caller
            outcome["error"] = exc

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    thread.join()
    _restore_defaults(snapshot)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
