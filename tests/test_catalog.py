"""The catalog is the one list of resources: each has its spec, class, docs page, lifecycle scenario and bad inputs,
and the package's public names (and their type-checking imports) are the catalog's."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pulumi_posthog
import pytest
from pulumi_posthog import catalog
from pulumi_posthog.resources.engine import spec_for
from pulumi_posthog.testing.bad_inputs import CASES

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = catalog.RESOURCES


def lifecycle_covers() -> set[str]:
    covered: set[str] = set()
    for path in (ROOT / "tests" / "resources").glob("test_lifecycle_*.py"):
        covered.update(getattr(importlib.import_module(f"tests.resources.{path.stem}"), "COVERS", ()))
    return covered


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_every_resource_has_its_spec_class_page_scenario_and_bad_inputs(entry: catalog.Entry) -> None:
    spec = spec_for(entry.name)
    assert spec.name == entry.name
    assert getattr(importlib.import_module(entry.module), entry.name) is getattr(pulumi_posthog, entry.name)
    page = ROOT / "docs" / entry.page
    assert page.exists() and f"<!-- generated:inputs {entry.name} -->" in page.read_text(), entry.page
    assert entry.name in lifecycle_covers(), f"no tests/resources/test_lifecycle_*.py has {entry.name} in COVERS"
    assert any(c.resource == entry.name for c in CASES), f"no bad-input case for {entry.name}"
    assert spec.id_doc, f"{entry.name} has no id_doc"
    assert spec.outputs and all(spec.outputs.values()), f"{entry.name} has an output without a description"


def _type_checking_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in ast.walk(node):
                if isinstance(stmt, ast.ImportFrom):
                    names.update(a.asname or a.name for a in stmt.names)
    return names


def test_public_names_and_type_checking_imports_are_the_catalogs() -> None:
    expected = {*catalog.names(), *catalog.FUNCTIONS, *catalog.MODULES}
    assert set(pulumi_posthog.__all__) == expected | {"__version__"}
    package = ROOT / "provider" / "pulumi_posthog"
    assert _type_checking_names(package / "__init__.py") == expected
    assert _type_checking_names(package / "resources" / "__init__.py") == set(catalog.names())
