"""Preview's unknown values in a model: a value not known yet passes its own rules and every rule that needs it."""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown
from pydantic import ValidatorFunctionWrapHandler, WrapValidator

from pulumi_posthog.resources.values import is_unknown


def _pass_unknown(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    return value if is_unknown(value) else handler(value)


def _pass_unknown_whole(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    return value if isinstance(value, Unknown) else handler(value)


SKIP_UNKNOWN = WrapValidator(_pass_unknown)
"""Outermost validator of a value: an unknown value (or one holding an unknown) is taken as it is."""
SKIP_UNKNOWN_WHOLE = WrapValidator(_pass_unknown_whole)
"""Outermost validator of a mapping whose own entries are checked: only a mapping not known at all passes whole."""
