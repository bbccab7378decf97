"""``verify_destination``: PostHog's destination test, every step, before a BatchExport create or destination change."""

from __future__ import annotations

from typing import Any

from pulumi_posthog.client import PostHogError
from pulumi_posthog.client.errors import EndpointNotFoundError, PermissionDeniedError
from pulumi_posthog.resources.spec import Context
from pulumi_posthog.resources.values import plain

INPUT = "verify_destination"


class DestinationTestFailed(PostHogError):
    """A step of PostHog's destination test failed: nothing was written."""

    label = "destination test failed"

    def __init__(self, type_: str, index: int, count: int, step: str, message: str | None) -> None:
        self.step, self.step_message = step, message
        said = message or "PostHog gave no message"
        super().__init__(
            f"step {index + 1} of {count} of PostHog's {type_} destination test, '{step}', failed: {said}",
            attr="destination",
        )

    def hint(self) -> str:
        return (
            "Nothing was created or changed. Fix the destination or its integration (bucket, role, credentials, "
            "names) and run `pulumi up` again, or set verify_destination=False to write without testing"
        )


class DestinationTestUnavailable(PostHogError):
    """PostHog would not run its destination test (an older PostHog, or the key's scopes)."""

    label = "destination test unavailable"

    def __init__(self, cause: PostHogError) -> None:
        self.cause = cause
        super().__init__(f"PostHog did not run the destination test: {cause.summary()}", attr="destination")

    def hint(self) -> str:
        return (
            "Nothing was created or changed. The test needs the key's scope batch_export:write; PostHog before "
            "2026-04 (PR #53229) runs it only for a key with scope '*' and some self-hosted versions lack it. Use "
            "such a key, or set verify_destination=False to write without testing"
        )


def before_write(ctx: Context, body: dict[str, Any], inputs: dict[str, Any]) -> None:
    """Run every step of the destination's test with the create ``body`` when ``verify_destination`` is on; raise
    ``DestinationTestFailed`` at the first failed step (a Skipped step does not apply to this destination)."""
    if plain(inputs.get(INPUT)) is not True:
        return
    project = plain(inputs["project_id"])
    type_ = str(body["destination"]["type"])
    try:
        described = ctx.client.describe_destination_test(project, type_)
        if described is None:
            ctx.warn(f"PostHog has no destination test for {type_} exports: '{body.get('name')}' is written untested")
            return
        steps = described.get("steps") or []
        for index, listed in enumerate(steps):
            ran = ctx.client.run_destination_test_step(project, body, index)
            result = ran.get("result") or {}
            if result.get("status") == "Failed":
                name = str(ran.get("name") or listed.get("name") or f"step {index}")
                raise DestinationTestFailed(type_, index, len(steps), name, result.get("message"))
    except (PermissionDeniedError, EndpointNotFoundError) as exc:
        raise DestinationTestUnavailable(exc) from None
