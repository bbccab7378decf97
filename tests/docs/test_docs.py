"""The docs: generated reference tables match the specs (and the check notices drift), every resource and function
has its page with the sections the issue asks for, links and anchors resolve, Python snippets compile."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from types import ModuleType

import pulumi_posthog
import pytest
from pulumi_posthog import catalog
from pulumi_posthog.resources.organization import OrganizationSpec

from tests.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
RESOURCE_PAGES = {e.name: e.page for e in catalog.RESOURCES}
FUNCTION_PAGES = {
    "get_organization": "get_organization.md",
    "get_organizations": "get_organizations.md",
    "get_batch_exports": "get_batch_exports.md",
    "aws": "aws.md",
}
GUIDES = (
    "destinations.md",
    "configuration.md",
    "posthog-local.md",
    "policy-pack.md",
    "troubleshooting.md",
    "how-it-works.md",
    "adding-a-resource.md",
)


def load_generator() -> ModuleType:
    return load_script("gen_docs")


gen_docs = load_generator()


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_generated_blocks_match_the_specs(page: str) -> None:
    text = (DOCS / page).read_text()
    assert gen_docs.render(text) == text, f"docs/{page} is out of date: run .venv/bin/python scripts/gen_docs.py"


def test_the_check_notices_a_spec_change_and_an_edited_table(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (DOCS / "organization.md").read_text()
    edited = page.replace("Require two-factor authentication.", "Require 2FA.")
    assert edited != page and gen_docs.render(edited) == page  # a hand edit inside a block is rendered away

    fields = tuple(
        dataclasses.replace(f, doc="Require two-factor authentication (changed).") if f.name == "enforce_2fa" else f
        for f in OrganizationSpec.fields
    )
    monkeypatch.setattr(OrganizationSpec, "fields", fields)
    assert gen_docs.render(page) != page  # the spec moved: the test above would fail
    assert gen_docs.main(["--check"]) == 1


def test_an_output_without_a_description_stops_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(OrganizationSpec, "outputs", {**OrganizationSpec.outputs, "new_output": ""})
    with pytest.raises(SystemExit, match="new_output"):
        gen_docs.render_outputs("Organization")


@pytest.mark.parametrize("resource", sorted(RESOURCE_PAGES))
def test_each_resource_page_has_its_reference_and_sections(resource: str) -> None:
    text = (DOCS / RESOURCE_PAGES[resource]).read_text()
    assert text.startswith(f"# `posthog.{resource}`")
    assert f"pulumi-python:dynamic/posthog:{resource}" in text
    for kind in ("signature", "inputs", "outputs", "secrets"):
        assert f"<!-- generated:{kind} {resource} -->" in text, kind
    for section in (
        "## Inputs",
        "## Outputs",
        "## Replaced when",
        "## Secrets",
        "## PostHog scopes",
        "## Errors and fixes",
    ):
        assert section in text, section
    assert re.search(r"^## Adopting", text, re.M), "adopting (or why not) is explained"


def test_every_public_name_has_a_page() -> None:
    for name in pulumi_posthog.__all__:
        if name in ("__version__", "destinations"):
            continue
        page = RESOURCE_PAGES.get(name) or FUNCTION_PAGES.get(name)
        assert page and (DOCS / page).exists(), name
    assert (DOCS / "destinations.md").exists()
    for name in ("get_organization", "get_organizations", "get_batch_exports", "aws.trust_policy", "aws.external_id"):
        page = FUNCTION_PAGES[name.split(".")[0]]
        assert f"<!-- generated:function {name} -->" in (DOCS / page).read_text(), name


def test_the_index_links_every_page() -> None:
    index = (DOCS / "README.md").read_text()
    pages = {*RESOURCE_PAGES.values(), *FUNCTION_PAGES.values(), *GUIDES}
    for page in sorted(pages):
        assert (DOCS / page).exists(), page
        assert f"]({page})" in index, page


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_~]", lambda m: "_" if m.group(0) == "_" else "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return {slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, re.M)}


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md")), *sorted((ROOT / "examples").glob("*/README.md"))]


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_and_anchors_resolve(path: Path) -> None:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        assert resolved.exists(), f"{path.name}: {target}"
        if anchor and resolved.suffix == ".md":
            assert anchor in anchors(resolved), f"{path.name}: {target} (anchors: {sorted(anchors(resolved))})"


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_snippets_compile(path: Path) -> None:
    text = gen_docs.BLOCK.sub("", path.read_text())  # generated signatures are not statements
    for number, block in enumerate(re.findall(r"```python\n(.*?)```", text, flags=re.S)):
        compile(block, f"{path.name}[python block {number}]", "exec")
