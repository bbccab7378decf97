"""One-line notices on stderr for waits a person would otherwise sit through in silence (never a secret)."""

from __future__ import annotations

import contextlib
import sys

from pulumi_posthog.client.errors import redact

__all__ = ["NOTICE_AFTER", "notice"]

#: waits at least this long (seconds) are announced
NOTICE_AFTER = 3.0


def notice(text: str) -> None:
    """Print ``pulumi-posthog: <text>`` on stderr, redacted.

    stderr, because a dynamic provider cannot use ``pulumi.log`` (pulumi/pulumi#20409) and the engine shows
    what the provider prints there; ``sys.stderr`` is looked up at each call, so a captured stream works.
    """
    with contextlib.suppress(OSError, ValueError):  # a closed stderr must not fail the call it reports on
        print(f"pulumi-posthog: {redact(text)}", file=sys.stderr, flush=True)
