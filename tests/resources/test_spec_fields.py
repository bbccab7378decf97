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
