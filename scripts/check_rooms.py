"""Check the import rules between the package's rooms (``make lint`` runs it).

- ``client/`` imports nothing of Pulumi and nothing of the package outside ``client/``;
- ``local/`` (posthog-local, the server) imports nothing of the provider, and the provider nothing of ``local/``;
  both may read ``posthog_words.py`` (PostHog's messages and tables), which imports nothing of the package;
- the policy pack (``policies.py``) reads resource properties only: of the package it imports nothing but the
  destination tables (``destinations``), the date parsers (``dates``) and the catalog — no client, no engine, no
  connection;
- the package (``provider/``) and the benchmarks (``bench/``) import nothing from ``tests/``: what they share with
  the tests lives in the package (``pulumi_posthog.testing``).

Only real imports count (the module's ``import`` statements, at any depth; comments and strings do not).

    .venv/bin/python scripts/check_rooms.py [PACKAGE_DIR [BENCH_DIR]]   # exit 1 and one line per broken rule
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "pulumi_posthog"
WORDS = f"{PACKAGE}.posthog_words"
TESTS = "tests"
POLICY_MAY_IMPORT = (
    "pulumi_posthog.destinations",
    "pulumi_posthog.catalog",
    "pulumi_posthog.dates",
    "pulumi_posthog.policies",
)


def imports(path: Path, package_dir: Path, package: str = PACKAGE) -> Iterator[tuple[int, str]]:
    """``(line, module)`` for every import in ``path`` (relative imports resolved against ``package``)."""
    tree = ast.parse(path.read_text(), str(path))
    parts = (package, *path.relative_to(package_dir).with_suffix("").parts)
    here = parts[:-1]  # the package a relative import starts from (for __init__.py too)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:  # ``from pulumi_posthog import client`` imports pulumi_posthog.client
                yield node.lineno, f"{module}.{alias.name}"


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def room(path: Path, package_dir: Path) -> str:
    rel = path.relative_to(package_dir).parts
    if rel[0] in ("client", "local"):
        return rel[0]
    if rel[0] in ("policies.py", "policy"):
        return "policy"
    if rel == ("posthog_words.py",):
        return "words"
    return "provider"


def problems(package_dir: Path) -> list[str]:
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        kind = room(path, package_dir)
        seen: set[int] = set()
        for line, module in imports(path, package_dir):
            if line in seen:
                continue  # one line per import statement
            before = len(found)
            where = f"{path.relative_to(package_dir.parent)}:{line}"
            ours = within(module, PACKAGE) and module != PACKAGE  # the root itself is light (catalog, version)
            if within(module, TESTS):
                found.append(f"{where}: the package imports {module} (nothing outside tests/ imports tests)")
            elif kind == "client" and (within(module, "pulumi") or (ours and not within(module, f"{PACKAGE}.client"))):
                found.append(f"{where}: client/ imports {module} (the client imports nothing of Pulumi or the rest)")
            elif kind == "words" and ours:
                found.append(f"{where}: posthog_words.py imports {module} (PostHog's words import nothing)")
            elif kind == "local" and ours and not within(module, f"{PACKAGE}.local") and not within(module, WORDS):
                found.append(f"{where}: local/ imports {module} (posthog-local imports nothing of the provider)")
            elif kind == "provider" and within(module, f"{PACKAGE}.local"):
                found.append(f"{where}: the provider imports {module} (nothing of posthog-local)")
            elif (
                kind == "policy"
                and ours
                and module != PACKAGE
                and not any(within(module, m) for m in POLICY_MAY_IMPORT)
            ):
                found.append(f"{where}: the policy pack imports {module} (it reads resource properties only)")
            if len(found) > before:
                seen.add(line)
    return found


def bench_problems(bench_dir: Path) -> list[str]:
    """One line per import of ``tests`` in the benchmarks (scripts run from ``bench/``, not a package)."""
    found = []
    for path in sorted(bench_dir.rglob("*.py")):
        seen: set[int] = set()
        for line, module in imports(path, bench_dir, bench_dir.name):
            if line not in seen and within(module, TESTS):
                seen.add(line)
                where = f"{path.relative_to(bench_dir.parent)}:{line}"
                found.append(f"{where}: bench/ imports {module} (nothing outside tests/ imports tests)")
    return found


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    package_dir = Path(argv[0]) if argv else root / "provider" / PACKAGE
    bench_dir = Path(argv[1]) if len(argv) > 1 else root / "bench"
    found = problems(package_dir) + bench_problems(bench_dir)
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
