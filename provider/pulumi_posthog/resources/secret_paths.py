"""Secret values at any depth of a config: find them, restore the ones PostHog omits, wrap them as Pulumi secrets.

A path is a tuple of keys (``("copy_inputs", "authorization", "aws_secret_access_key")``); declared paths are
written dotted (``"copy_inputs.authorization.aws_secret_access_key"``). PostHog strips every key named in a
destination's ``secret_fields`` from ``config`` on read, at every depth
(``BatchExportDestinationSerializer.to_representation``, ``remove_secret_fields_recursive``, in
``products/batch_exports/backend/api/batch_export.py``), so the paths of a concrete config are its declared ones
plus every key with one of those names, wherever it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

Path = tuple[str, ...]
_MISSING: Any = object()


def parse(dotted: str) -> Path:
    return tuple(dotted.split("."))


def dotted(path: Path) -> str:
    return ".".join(path)


def get(config: Any, path: Path, default: Any = None) -> Any:
    """The value at ``path``, or ``default`` when a key on the way is missing or not a mapping."""
    current = config
    for key in path:
        if not isinstance(current, Mapping) or key not in current:
            return default
        current = current[key]
    return current


def put(config: Mapping[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """A copy of ``config`` with ``value`` at ``path`` (missing mappings on the way are created)."""
    out = dict(config)
    head, rest = path[0], path[1:]
    if not rest:
        out[head] = value
        return out
    inner = out.get(head)
    out[head] = put(inner if isinstance(inner, Mapping) else {}, rest, value)
    return out


def named(config: Any, names: Iterable[str], prefix: Path = ()) -> list[Path]:
    """Paths of the keys called one of ``names`` at any depth (PostHog's own rule for what it omits)."""
    wanted = set(names)
    if not isinstance(config, Mapping):
        return []
    found: list[Path] = []
    for key, value in config.items():
        path = (*prefix, str(key))
        if key in wanted:
            found.append(path)
        elif isinstance(value, Mapping):
            found += named(value, wanted, path)
    return found


def present(config: Any, paths: Iterable[Path]) -> list[Path]:
    """The ``paths`` that hold a value (not None) in ``config``."""
    return [p for p in paths if get(config, p, _MISSING) not in (_MISSING, None)]


def restore(server: Mapping[str, Any], configured: Any, paths: Iterable[Path]) -> dict[str, Any]:
    """``server`` with the configured value put back at each path PostHog left out (it never returns secrets).

    Only where the configured value exists and PostHog has no value of its own; a path whose parent PostHog
    holds as something else than a mapping (an integration id in place of credentials) is left alone.
    """
    out = dict(server)
    for path in paths:
        value = get(configured, path, _MISSING)
        if value in (_MISSING, None) or get(out, path, _MISSING) is not _MISSING:
            continue
        parent = get(out, path[:-1], _MISSING) if len(path) > 1 else out
        if parent is not _MISSING and not isinstance(parent, Mapping):
            continue
        out = put(out, path, value)
    return out


def wrap(config: Any, paths: Iterable[Path], secret: Callable[[Any], Any], opaque: Callable[[Any], bool]) -> Any:
    """``config`` with the value at each path passed through ``secret``.

    ``opaque(value)`` says a value cannot be looked into (a Pulumi Output): when one stands on a path, the whole
    of it is made secret, since the secret it may hold cannot be reached alone.
    """
    if opaque(config):
        return secret(config)
    if not isinstance(config, Mapping):
        return config
    by_head: dict[str, list[Path]] = {}
    for path in paths:
        if path:
            by_head.setdefault(path[0], []).append(path[1:])
    out = dict(config)
    for head, rests in by_head.items():
        value = out.get(head)
        if value is None:
            continue
        if any(not rest for rest in rests):
            out[head] = secret(value)
        else:
            out[head] = wrap(value, rests, secret, opaque)
    return out
