"""Python source for plain values, in the layout ruff format keeps (double quotes, exploded with trailing commas)."""

from __future__ import annotations

import json
import keyword
import re
from typing import Any

INDENT = "    "
WIDTH = 88  # ruff format's default line length
FLAT = 60  # a group stays on one line up to here (its key or name before it must fit too)


class Code(str):
    """Source text placed as it is (a variable, a call)."""


def scalar(value: Any) -> str:
    if isinstance(value, Code):
        return str(value)
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"no literal for {type(value).__name__}")


def literal(value: Any, depth: int = 0) -> str:
    """``value`` as source at indentation ``depth``: one line when short, else one item a line."""
    if isinstance(value, dict):
        items = [f"{scalar(str(k))}: {literal(v, depth + 1)}" for k, v in value.items()]
        return _group("{", "}", items, depth)
    if isinstance(value, (list, tuple)):
        return _group("[", "]", [literal(v, depth + 1) for v in value], depth)
    return scalar(value)


def call(function: str, arguments: list[tuple[str | None, Any]], depth: int = 0) -> str:
    """``function(...)`` with one argument a line (a magic trailing comma keeps it so under ruff format)."""
    parts = [f"{name}={literal(v, depth + 1)}" if name else literal(v, depth + 1) for name, v in arguments]
    return _group(f"{function}(", ")", parts, depth, exploded=True)


def _group(opening: str, closing: str, items: list[str], depth: int, exploded: bool = False) -> str:
    if not items:
        return opening + closing
    flat = opening + ", ".join(items) + closing
    if not exploded and "\n" not in flat and len(INDENT * depth) + len(flat) <= FLAT:
        return flat
    inner = INDENT * (depth + 1)
    return opening + "\n" + "".join(f"{inner}{item},\n" for item in items) + INDENT * depth + closing


def identifier(text: str, taken: set[str]) -> str:
    """A fresh snake_case Python name for ``text`` (not a keyword, not one of ``taken``, which it joins)."""
    base = re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower() or "resource"
    if base[0].isdigit() or keyword.iskeyword(base):
        base = f"r_{base}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def slug(text: str, taken: set[str]) -> str:
    """A fresh kebab-case Pulumi resource name for ``text``."""
    base = re.sub(r"[^0-9a-zA-Z]+", "-", text).strip("-").lower() or "resource"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


_ONE_ARGUMENT = re.compile(r'^(?P<indent>\s*)(?P<head>.*\()(?P<argument>"[^"]*"|[^(),]+, [^(),]+)\)(?P<comma>,?)$')


def fit(source: str) -> str:
    """Lines longer than ruff format allows that end in a short call (``config.require_secret("…")``,
    ``pulumi.export("…", x.id)``) exploded the way ruff keeps them: one argument a line, a trailing comma."""
    lines = []
    for line in source.splitlines():
        match = _ONE_ARGUMENT.match(line)
        if len(line) <= WIDTH or match is None:
            lines.append(line)
            continue
        indent = match["indent"]
        lines.append(f"{indent}{match['head']}")
        lines += [f"{indent}{INDENT}{part.strip()}," for part in match["argument"].split(", ")]
        lines.append(f"{indent}){match['comma']}")
    return "\n".join(lines) + "\n"
