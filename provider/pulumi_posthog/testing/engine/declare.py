"""Declaring dynamic resources to the MiniEngine the way ``pulumi.dynamic.Resource`` registers them."""

from __future__ import annotations

import pickle
from typing import Any

from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import PROVIDER_KEY, serialize_provider

from .model import Resource
from .values import Secret


def dynamic_token(module: str = "", kind: str = "Resource") -> str:
    """The type token of ``class X(pulumi.dynamic.Resource, module=..., name=...)``."""
    return f"pulumi-python:dynamic{'/' + module if module else ''}:{kind}"


def provider_blob(provider: ResourceProvider) -> str:
    """The ``__provider`` value: the SDK's own deterministic dill + base64 serialization.

    ``serialize_provider`` wraps ``pickle._Pickler._batch_setitems`` again on every call and never unwraps it, so
    a process that serializes thousands of dict-carrying providers hits RecursionError. The harness restores the
    method after each call (PostHogProvider pickles as a tuple and never reaches that method).
    """
    saved = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    try:
        return serialize_provider(provider)
    finally:
        pickle._Pickler._batch_setitems = saved  # type: ignore[attr-defined]


def dynamic_resource(
    provider: ResourceProvider,
    name: str,
    inputs: dict[str, Any],
    *,
    module: str = "",
    kind: str = "Resource",
    **options: Any,
) -> Resource:
    """A dynamic resource goal: the inputs plus ``__provider`` (secret unless ``serialize_as_secret_always`` is off).

    ``options`` are the ``Resource`` options: additional_secret_outputs, delete_before_replace, ignore_changes.
    """
    if PROVIDER_KEY in inputs:
        raise ValueError("A dynamic resource must not define the __provider key")
    blob = provider_blob(provider)
    secret = getattr(provider, "serialize_as_secret_always", True)
    props = {**inputs, PROVIDER_KEY: Secret(blob) if secret else blob}
    return Resource(dynamic_token(module, kind), name, props, **options)
