"""The bad-input corpus: malformed inputs for every resource, each rejected at check with the property named.

Every case runs as ``pulumi preview`` and as ``pulumi up`` through the MiniEngine against posthog-local. Both must
fail at Check (before any Create) with a failure on the expected property, the engine's message must name that
property, and the server must have answered **no request at all** (counted by posthog-local). Unknown values in a
preview (outputs of resources not created yet) must never cause a failure. The corpus (``CASES``,
``UNKNOWN_CASES``) is ``pulumi_posthog.testing.bad_inputs``, which ``bench/bad_input.py`` runs too.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_posthog import catalog
from pulumi_posthog.testing.bad_inputs import BX, CASES, INT, PROJECT, UNKNOWN_CASES, Bad, export
from pulumi_posthog.testing.engine import Unknown

from tests.resources.conftest import Stack, goal


def test_the_corpus_covers_every_resource_destination_and_kind() -> None:
    from pulumi_posthog.destinations import TYPES
    from pulumi_posthog.resources.integration_rules import KINDS

    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"
    assert {c.resource for c in CASES} == set(catalog.names())
    types = {
        c.inputs["destination"]["type"]
        for c in CASES
        if c.resource == BX
        and isinstance(c.inputs.get("destination"), dict)
        and isinstance(c.inputs["destination"].get("type"), str)
    }
    assert set(TYPES) <= types, f"destination types without a bad case: {set(TYPES) - types}"
    kinds = {c.inputs.get("kind") for c in CASES if c.resource == INT}
    assert set(KINDS) <= kinds, f"integration kinds without a bad case: {set(KINDS) - kinds}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rejected_at_check_with_the_property_named_and_nothing_sent(case: Bad, stack: Stack) -> None:
    bad = case.goal(stack.server.project)

    plan = stack.preview([bad])  # also asserts: 0 API calls, only Check/Diff
    result = stack.up([bad])

    for run in (plan, result):
        failures = {e.property: e for e in run.errors if e.property}
        assert case.prop in failures, f"{run.kind}: {[(e.property, e.summary) for e in run.errors]}"
        failure = failures[case.prop]
        assert f"property '{case.prop}'" in failure.message and "has a problem" in failure.message
        assert case.says.lower() in (failure.reason or "").lower(), failure.reason
        assert run.ops() == {} and "Create" not in run.calls(), run.ops()
    assert stack.calls == {}, f"up made API calls: {stack.requests}"
    assert stack.engine.resources == []


# ----- unknown values in a preview are never a failure ---------------------------------------------------------


@pytest.mark.parametrize(("label", "resource", "inputs"), UNKNOWN_CASES, ids=[c[0] for c in UNKNOWN_CASES])
def test_unknown_values_pass_check_in_a_preview(
    label: str, resource: str, inputs: dict[str, Any], stack: Stack
) -> None:
    inputs = {k: (stack.server.project if v == PROJECT and k == "project_id" else v) for k, v in inputs.items()}

    plan = stack.preview([goal(resource, "pending", inputs)])  # also asserts: 0 API calls

    assert plan.ok, [e.message for e in plan.errors]
    assert plan.ops() == {"pending": "create"}


def test_an_unknown_value_does_not_hide_a_known_bad_one(stack: Stack) -> None:
    bad = goal(BX, "mixed", export(project_id=Unknown(), interval="fortnight", destination=Unknown()))

    plan = stack.preview([bad])

    assert [e.property for e in plan.errors] == ["interval"]


def test_every_bad_property_is_reported_at_once(stack: Stack) -> None:
    """One preview lists every broken property, so a pull request shows them all (not one per run)."""
    bad = goal(
        BX,
        "many",
        export(
            project_id=stack.server.project,
            name="",
            interval="fortnight",
            timezone="Nowhere/Else",
            offset_hour=99,
            destination={"type": "Kafka"},
        ),
    )

    plan = stack.preview([bad])

    assert sorted(e.property for e in plan.errors) == ["destination", "interval", "name", "offset_hour", "timezone"]
