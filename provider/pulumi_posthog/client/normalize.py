"""Turning PostHog's read-back quirks (string scalars, omitted secrets) into inputs."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Union

__all__ = [
    "TypeSpec",
    "coerce_scalar",
    "coerce_types",
    "restore_omitted",
    "same_value",
]

# A declared type: a scalar type (bool/int/float/str), a mapping of field → TypeSpec for a nested object, or a
# one-element list/tuple ``[T]`` for a list whose items are T.
TypeSpec = Union[type, Mapping[str, "TypeSpec"], Sequence["TypeSpec"]]  # noqa: UP007 (recursive alias)

TRUE_STRINGS = frozenset({"true", "t", "yes", "y", "on", "1"})
FALSE_STRINGS = frozenset({"false", "f", "no", "n", "off", "0"})
INT_RE = re.compile(r"^[+-]?\d+$")


def coerce_scalar(value: Any, kind: type) -> Any:
    """``"True"``/``"false"`` → bool, ``"5432"`` → int, ``"1.5"`` → float for the declared ``kind``.

    Only strings are converted (PostHog stores every config leaf as ``str(value)``); a value that does not
    parse as the declared type is returned unchanged, so a real difference still shows.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if kind is bool:
        lowered = text.lower()
        if lowered in TRUE_STRINGS:
            return True
        if lowered in FALSE_STRINGS:
            return False
        return value
    if kind is int:
        return int(text) if INT_RE.match(text) else value
    if kind is float:
        try:
            return float(text)
        except ValueError:
            return value
    return value


def coerce_types(value: Any, spec: TypeSpec | None) -> Any:
    """Apply a declared-type spec recursively; keys without a declared type are left as they are."""
    if spec is None or value is None:
        return value
    if isinstance(spec, type):
        return coerce_scalar(value, spec)
    if isinstance(spec, Mapping):
        if not isinstance(value, Mapping):
            return value
        return {k: coerce_types(v, spec.get(k)) for k, v in value.items()}
    if isinstance(spec, Sequence) and not isinstance(spec, str) and len(spec) == 1:
        if not isinstance(value, list):
            return value
        return [coerce_types(item, spec[0]) for item in value]
    return value


def same_value(a: Any, b: Any) -> bool:
    """Equality that does not confuse ``False`` with ``0`` or ``True`` with ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def restore_omitted(
    read_back: Mapping[str, Any],
    written: Mapping[str, Any] | None,
    omitted: Mapping[str, Any] | Collection[str],
) -> dict[str, Any]:
    """Put back the fields PostHog never returns (secrets) from what was written.

    ``omitted`` names them: a collection of field names, or a mapping whose values are ``True`` for a field or
    a nested spec for an object (``{"destination": {"config": {"password", "user"}}}``).
    """
    written = written or {}
    out = dict(read_back)
    items: Iterable[tuple[str, Any]] = (
        omitted.items() if isinstance(omitted, Mapping) else ((name, True) for name in omitted)
    )
    for name, rule in items:
        if rule is True:
            if name not in out and name in written:
                out[name] = written[name]
        elif isinstance(out.get(name), Mapping) and isinstance(written.get(name), Mapping):
            out[name] = restore_omitted(out[name], written[name], rule)
    return out
