"""Preview's unknown values in a schema: a value not known yet passes its own rules and every rule that needs it."""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown
from pydantic_core import core_schema as cs

from pulumi_posthog.resources.values import is_unknown


def _pass_unknown(value: Any, handler: cs.ValidatorFunctionWrapHandler) -> Any:
    return value if is_unknown(value) else handler(value)


def _pass_unknown_whole(value: Any, handler: cs.ValidatorFunctionWrapHandler) -> Any:
    return value if isinstance(value, Unknown) else handler(value)


def skip_unknown(schema: cs.CoreSchema) -> cs.CoreSchema:
    """Outermost validator of a value: an unknown value (or one holding an unknown) is taken as it is."""
    return cs.no_info_wrap_validator_function(_pass_unknown, schema)


def skip_unknown_whole(schema: cs.CoreSchema) -> cs.CoreSchema:
    """Outermost validator of a mapping whose own entries are checked: only a mapping not known at all passes whole."""
    return cs.no_info_wrap_validator_function(_pass_unknown_whole, schema)
