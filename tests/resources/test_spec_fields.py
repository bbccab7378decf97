"""The declarative field checks of a spec (not blank, maximum length, UUID or '@current'), worded as PostHog words
them, and the outputs a spec derives from PostHog's answer and the inputs."""

from __future__ import annotations

from pulumi_posthog.resources.spec import Field, text_problem

UUID = "0192f0b5-0000-7000-8000-000000000001"


def test_text_checks_word_each_problem_as_posthog_does() -> None:
    name = Field("name", not_blank=True, max_length=5)
    assert text_problem(name, "  ") == "This field may not be blank."
    assert text_problem(name, "abcdef") == "Ensure this field has no more than 5 characters (it has 6)."
    assert text_problem(name, "abc") is None
    org = Field("organization_id", uuid="organization", current_ok=True)
    assert text_problem(org, "acme") == "'acme' is not an organization UUID or '@current'."
    assert text_problem(org, "@current") is None and text_problem(org, UUID) is None
    export = Field("batch_export_id", uuid="batch export")
    assert text_problem(export, "@current") == "'@current' is not a batch export UUID."
    assert text_problem(Field("logo", uuid=""), "x") == "'x' is not a valid UUID."


def test_body_and_outputs_derive_from_the_fields() -> None:
    from pulumi_posthog.resources.engine import spec_for

    spec = spec_for("Project")
    inputs = {"organization_id": "@current", "name": "Web", "timezone": None, "adopt_id": None}
    assert spec.body(inputs) == {"name": "Web"}  # the organization is in the path; provider fields never sent
    server = {"id": 7, "organization": UUID, "name": "Web", "timezone": "UTC", "uuid": "u", "api_token": "phc_x"}
    assert spec.outputs_from(server, inputs) == {
        "organization_id": "@current",  # as written: PostHog's UUID would read as a change
        "name": "Web",
        "deletion_protection": True,  # the provider's default
        "uuid": "u",
        "api_token": "phc_x",
    }  # timezone unset: not managed, not kept
    assert spec.outputs_from(server, {"name": "Web"})["organization_id"] == UUID
