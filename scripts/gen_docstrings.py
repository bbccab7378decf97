"""Write the ``:param`` lines of public docstrings from the field docs (each resource class's ``__init__``, each
destination helper).

The lines stand between two reST comments, ``.. generated:params`` and ``.. /generated``; the rest of a docstring is
written by hand (a function without a docstring gets one). The resources come from ``pulumi_posthog.catalog``, their
parameter docs from each spec's ``Field.doc`` plus the fixed text of ``resource_name``, ``connection`` and ``opts``.
Other callers feed their own: ``write([(function, {param: doc}), ...])`` (a ``Target`` may add a summary), and
``stale`` tells which are out of date.

    .venv/bin/python scripts/gen_docstrings.py           # rewrite the docstrings
    .venv/bin/python scripts/gen_docstrings.py --check   # exit 1 (and name the functions) when one is out of date

``make lint`` and ``tests/docs/test_docstrings.py`` run the check.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

START = ".. generated:params (scripts/gen_docstrings.py; edit the field docs, not these lines)"
END = ".. /generated"
WIDTH = 120
COMMON = {
    "resource_name": "The name of the resource in the Pulumi program (unique per type in the stack).",
    "connection": "A named PostHog connection (stack config posthog:connections.<name>); unset: the default one.",
    "opts": "Pulumi resource options (depends_on, protect, parent…).",
}
"""The docs of the parameters every resource class takes besides its spec's fields."""


class Target(NamedTuple):
    """A function and its parameters' docs; ``summary``, when given, opens the block (a plain pair will do)."""

    function: Callable[..., Any]
    params: Mapping[str, str]
    summary: str = ""


def resource_targets() -> list[Target]:
    """Each catalog resource's ``__init__``, its parameter docs (the spec's field docs and ``COMMON``) and the spec's
    doc as the summary."""
    import pulumi_posthog as posthog
    from pulumi_posthog import catalog
    from pulumi_posthog.resources.engine import spec_for

    found: list[Target] = []
    for name in catalog.names():
        spec = spec_for(name)
        params = {**COMMON, **{f.name: f.doc for f in spec.fields}}
        found.append(Target(getattr(posthog, name).__init__, params, spec.doc))
    return found


def destination_targets() -> list[Target]:
    """Each destination helper (``posthog.destinations.<Type>``), its parameters documented from ``CONFIG_DOCS``
    (the same text the JSON Schema and docs/destinations.md carry) and ``INTEGRATION_ID_DOC``."""
    from pulumi_posthog import destinations

    params = {**destinations.CONFIG_DOCS, "integration_id": destinations.INTEGRATION_ID_DOC}
    return [Target(getattr(destinations, name), params) for name in destinations.TYPES]


def param_lines(function: Callable[..., Any], docs: Mapping[str, str], indent: str) -> list[str]:
    """The block: ``:param`` lines in the signature's order, wrapped to ``WIDTH``, between the markers (reST
    comments, blank lines around); a parameter without a doc is an error."""
    lines = [indent + START, ""]
    for name in inspect.signature(function).parameters:
        if name == "self":
            continue
        doc = " ".join(docs.get(name, "").split())
        if not doc:
            raise ValueError(f"{function.__qualname__}: no doc for parameter '{name}'")
        if '"""' in doc or "\\" in doc:
            raise ValueError(f"{function.__qualname__}: the doc of '{name}' cannot stand in a docstring")
        lines += textwrap.wrap(f":param {name}: {doc}", WIDTH, initial_indent=indent, subsequent_indent=indent + "    ")
    return [*lines, "", indent + END]


def _node(tree: ast.Module, qualname: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    scope: Any = tree
    for part in qualname.split("."):
        scope = next(
            (
                n
                for n in scope.body
                if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == part
            ),
            None,
        )
        if scope is None:
            raise LookupError(f"{qualname} is not defined at the top of its module")
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        raise LookupError(f"{qualname} is not a function")
    return scope


def updated(text: str, function: Callable[..., Any], docs: Mapping[str, str], summary: str = "") -> str:
    """``text`` (the function's module source) with the function's docstring carrying the generated block. With a
    ``summary`` the whole docstring is generated (the summary opens the block); without, the text around the markers
    is kept as written."""
    lines = text.splitlines(keepends=True)
    node = _node(ast.parse(text), function.__qualname__)
    first = node.body[0]
    indent = " " * first.col_offset
    block = [line.rstrip() + "\n" for line in param_lines(function, docs, indent)]
    has_doc = (
        isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    )
    if summary:  # the whole docstring: the markers, the summary, the parameters
        said = textwrap.wrap(" ".join(summary.split()), WIDTH, initial_indent=indent, subsequent_indent=indent)
        whole = [f'{indent}"""\n', *block[:2], *(line + "\n" for line in said), "\n", *block[2:], f'{indent}"""\n']
        start, end = (first.lineno - 1, first.end_lineno or first.lineno) if has_doc else (first.lineno - 1,) * 2
        return "".join([*lines[:start], *whole, *lines[end:]])
    if not has_doc:
        new = [f'{indent}"""\n', *block, f'{indent}"""\n']
        return "".join([*lines[: first.lineno - 1], *new, *lines[first.lineno - 1 :]])
    start, end = first.lineno - 1, first.end_lineno or first.lineno
    own = lines[start:end]
    marks = [i for i, line in enumerate(own) if line.strip() in (START, END)]
    if len(marks) == 2:
        own = [*own[: marks[0]], *block, *own[marks[1] + 1 :]]
    else:  # a hand-written docstring: the block goes before its closing quotes, on lines of their own
        body = "".join(own).rstrip()
        if not body.endswith('"""'):
            raise ValueError(f"{function.__qualname__}: its docstring must end with triple double quotes")
        head = body[:-3].rstrip()
        own = [head + "\n", "\n", *block, f'{indent}"""\n']
    return "".join([*lines[:start], *own, *lines[end:]])


def _rewrites(targets: Iterable[tuple[Any, ...]]) -> dict[Path, tuple[str, str, list[str]]]:
    """Per source file: its text, its text with every target's block, and the out-of-date functions' names."""
    files: dict[Path, tuple[str, str, list[str]]] = {}
    for function, docs, summary in (Target(*t) for t in targets):
        path = Path(inspect.getsourcefile(function) or "")
        before, text, names = files.get(path) or (path.read_text(), path.read_text(), [])
        new = updated(text, function, docs, summary)
        if new != text:
            names.append(function.__qualname__)
        files[path] = (before, new, names)
    return files


def stale(targets: Iterable[tuple[Any, ...]]) -> list[str]:
    """The functions whose docstring is not what the docs give (``file: Class.__init__``)."""
    return [f"{path}: {name}" for path, (_, _, names) in _rewrites(targets).items() for name in names]


def write(targets: Iterable[tuple[Any, ...]]) -> list[Path]:
    """Rewrite the docstrings of ``targets``; the files changed."""
    changed = []
    for path, (before, after, _) in _rewrites(targets).items():
        if after != before:
            path.write_text(after)
            changed.append(path)
    return changed


def main(argv: list[str]) -> int:
    targets = resource_targets() + destination_targets()
    if "--check" in argv:
        out_of_date = stale(targets)
        for line in out_of_date:
            print(f"out of date: {line} (run scripts/gen_docstrings.py)")
        return 1 if out_of_date else 0
    for path in write(targets):
        print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
