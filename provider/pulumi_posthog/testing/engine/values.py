"""Engine property values: secrets, unknowns, the engine's annotateSecrets and its input diff."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime import rpc

__all__ = [
    "Secret",
    "Unknown",
    "annotate_secrets",
    "changed_keys",
    "contains_secrets",
    "contains_unknowns",
    "deep_equal",
    "from_rpc",
    "is_secret",
    "mark_secret_outputs",
    "reveal",
    "secret_paths",
    "to_rpc",
]

_SIG = rpc._special_sig_key
_SECRET_SIG = rpc._special_secret_sig
_RESOURCE_SIG = rpc._special_resource_sig


@dataclass(frozen=True)
class Secret:
    """A value the engine keeps secret (resource.MakeSecret); also the marker for secret inputs."""

    value: Any


def is_secret(value: Any) -> bool:
    """True when the value itself is a secret (not merely containing one)."""
    return isinstance(value, Secret)


def _holds(value: Any, kind: type) -> bool:
    """True when ``value`` is a ``kind`` or holds one anywhere inside (in a secret, a dict or a list)."""
    if isinstance(value, kind):
        return True
    if isinstance(value, Secret):
        return _holds(value.value, kind)
    if isinstance(value, dict):
        return any(_holds(v, kind) for v in value.values())
    if isinstance(value, list):
        return any(_holds(v, kind) for v in value)
    return False


def contains_secrets(value: Any) -> bool:
    """PropertyValue.ContainsSecrets: a secret anywhere inside."""
    return _holds(value, Secret)


def contains_unknowns(value: Any) -> bool:
    """PropertyValue.ContainsUnknowns: an unknown (computed) value anywhere inside."""
    return _holds(value, Unknown)


def reveal(value: Any) -> Any:
    """The value with every secret replaced by its plaintext (what a provider without acceptSecrets sees)."""
    if isinstance(value, Secret):
        return reveal(value.value)
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def secret_paths(value: Any, prefix: str = "") -> list[str]:
    """Property paths (``a.b[0]``) of the secrets inside a value, outermost first."""
    if isinstance(value, Secret):
        return [prefix or "."]
    found: list[str] = []
    if isinstance(value, dict):
        for key in sorted(value):
            found += secret_paths(value[key], f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += secret_paths(item, f"{prefix}[{index}]")
    return found


def annotate_secrets(outs: dict[str, Any] | None, ins: dict[str, Any] | None) -> None:
    """Port of provider_plugin.go annotateSecrets: re-mark outputs whose same-named input held a secret."""
    if outs is None or ins is None:
        return
    for key, in_value in ins.items():
        if key not in outs:
            continue
        out_value = outs[key]
        if isinstance(out_value, dict) and isinstance(in_value, dict):
            annotate_secrets(out_value, in_value)
        elif not isinstance(out_value, Secret) and contains_secrets(in_value):
            outs[key] = Secret(out_value)


def mark_secret_outputs(outs: dict[str, Any], names: Iterable[str]) -> None:
    """The step executor's additional_secret_outputs rule (top-level keys; ``id`` cannot be secret)."""
    for name in names:
        if name != "id" and name in outs and not isinstance(outs[name], Secret):
            outs[name] = Secret(outs[name])


def deep_equal(a: Any, b: Any) -> bool:
    """PropertyValue.DeepEquals; an unknown never equals anything (a preview counts it as a change)."""
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return False
    if isinstance(a, Secret) or isinstance(b, Secret):
        return isinstance(a, Secret) and isinstance(b, Secret) and deep_equal(a.value, b.value)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(deep_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(deep_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def changed_keys(olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
    """Top-level keys added, removed or changed between two property maps (PropertyMap.Diff keys)."""
    keys = set(olds) | set(news)
    return sorted(k for k in keys if k not in olds or k not in news or not deep_equal(olds[k], news[k]))


def from_rpc(value: Any) -> Any:
    """SDK-deserialized value → engine value: secret signatures → Secret, the unknown sentinel → Unknown.

    A resource reference becomes its ID (custom resource) or URN, as the engine sends it to a provider that does
    not accept resources.
    """
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET_SIG:
            return Secret(from_rpc(value.get("value")))
        if sig == _RESOURCE_SIG:
            return from_rpc(value.get("id") or value.get("urn"))
        return {k: from_rpc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_rpc(v) for v in value]
    if value == rpc.UNKNOWN:
        return Unknown()
    return value


def to_rpc(value: Any) -> Any:
    """Engine value → a value ``rpc.serialize_properties`` accepts: Secret → the SDK's secret signature."""
    if isinstance(value, Secret):
        return rpc.wrap_rpc_secret(to_rpc(value.value))
    if isinstance(value, dict):
        return {k: to_rpc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_rpc(v) for v in value]
    return value
