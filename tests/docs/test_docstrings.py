"""The ``:param`` docstrings of the public resource classes are generated from the field docs and kept up to date."""

from __future__ import annotations

import dataclasses
import inspect
import sys
from types import ModuleType

import pulumi_posthog as posthog
import pytest
from pulumi_posthog import catalog
from pulumi_posthog.resources.organization import OrganizationSpec

from tests.scripts import load_script


def load_generator() -> ModuleType:
    return load_script("gen_docstrings")


gen = load_generator()


def test_every_resource_docstring_is_up_to_date() -> None:
    assert gen.stale(gen.resource_targets()) == [], "run .venv/bin/python scripts/gen_docstrings.py"
    assert gen.main(["--check"]) == 0


@pytest.mark.parametrize("name", catalog.names())
def test_each_parameter_has_its_field_doc(name: str) -> None:
    init = getattr(posthog, name).__init__
    doc = inspect.getdoc(init) or ""
    spec_docs = {f.name: f.doc for f in posthog.resources.engine.spec_for(name).fields}
    for param in inspect.signature(init).parameters:
        if param == "self":
            continue
        assert f":param {param}:" in doc, (name, param)
        expected = spec_docs.get(param) or gen.COMMON[param]
        assert " ".join(expected.split()) in " ".join(doc.split()), (name, param)


def test_the_check_notices_a_changed_field_doc(monkeypatch: pytest.MonkeyPatch) -> None:
    fields = tuple(
        dataclasses.replace(f, doc="Require two-factor authentication (changed).") if f.name == "enforce_2fa" else f
        for f in OrganizationSpec.fields
    )
    monkeypatch.setattr(OrganizationSpec, "fields", fields)
    assert [line for line in gen.stale(gen.resource_targets()) if line.endswith("Organization.__init__")]
    assert gen.main(["--check"]) == 1


def sample(a: int, b: str = "") -> None:
    pass


def documented(a: int) -> None:
    """Hand-written summary.

    More text.
    """


def test_a_block_is_added_replaced_in_place_and_kept_with_the_hand_written_text() -> None:
    source = inspect.getsource(sys.modules[__name__])
    added = gen.updated(source, sample, {"a": "The first.", "b": "The second. " * 20})
    assert added != source and gen.updated(added, sample, {"a": "The first.", "b": "The second. " * 20}) == added
    assert all(len(line) <= gen.WIDTH for line in added.splitlines())
    changed = gen.updated(added, sample, {"a": "Another first.", "b": "b"})
    own = changed.split("def sample")[1].split("def documented")[0]
    assert ":param a: Another first." in own and "The first." not in own
    assert changed.count(gen.START) == added.count(gen.START) == source.count(gen.START) + 1

    with_text = gen.updated(source, documented, {"a": "The only one."})
    body = with_text.split("def documented")[1].split("def test_")[0]
    assert "Hand-written summary.\n\n    More text.\n\n    " + gen.START in body
    assert ":param a: The only one." in body


def test_a_parameter_without_a_doc_stops_the_generator() -> None:
    with pytest.raises(ValueError, match="'b'"):
        gen.param_lines(sample, {"a": "The first."}, "")
