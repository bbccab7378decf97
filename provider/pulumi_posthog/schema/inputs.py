"""A resource's inputs as a pydantic model compiled from its spec's fields, and its failures in PostHog's words.

Each ``Field`` becomes a strict pydantic field: its ``kind`` the type (``int`` refuses ``True``, as DRF does), its
declarative checks pydantic constraints — ``minimum`` as ``ge``, ``max_length``, ``not_blank`` as the pattern
``\\S``, ``uuid`` as a UUID pattern (``'@current'`` too with ``current_ok``), ``choices`` as an enum — so the JSON
Schema the docs are generated from carries every rule. Messages are DRF's, as PostHog answers (``This field may not
be blank.``, ``Ensure this field has no more than 64 characters.``…), rendered from pydantic's error types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import pydantic
from pulumi.dynamic import CheckFailure
from pydantic import AfterValidator, BaseModel, ConfigDict, Strict, StringConstraints, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from pulumi_posthog.resources.spec import Field, ResourceSpec
from pulumi_posthog.resources.values import MISSING, is_unknown, plain
from pulumi_posthog.schema.unknown import SKIP_UNKNOWN

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
NOT_BLANK = r"\S"
STRICT: dict[type, Any] = {
    str: pydantic.StrictStr,
    int: pydantic.StrictInt,
    bool: pydantic.StrictBool,
    float: pydantic.StrictFloat,
    dict: Annotated[dict[str, Any], Strict()],
    list: Annotated[list[Any], Strict()],
}
TYPE_ERRORS = frozenset({"string_type", "int_type", "bool_type", "float_type", "dict_type", "list_type"})


def _kinds(f: Field) -> tuple[type, ...]:
    return f.kind if isinstance(f.kind, tuple) else (f.kind,)


def _one_of(f: Field) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value not in f.choices:
            listed = ", ".join(repr(c) for c in f.choices)
            raise PydanticCustomError(
                "choice", "{message}", {"message": f"'{f.name}' must be one of {listed}; got {value!r}."}
            )
        return value

    return check


def annotation(f: Field) -> Any:
    """The pydantic type of one field: strict, with the field's constraints on the kind they apply to."""
    if f.not_blank and f.uuid is not None:
        raise ValueError(f"field {f.name!r}: not_blank and uuid are exclusive (a UUID is never blank)")
    members = []
    for kind in _kinds(f):
        member: Any = STRICT[kind]
        if kind is str:
            pattern = None
            if f.uuid is not None:
                pattern = f"^(?:{UUID_PATTERN[1:-1]}|@current)$" if f.current_ok else UUID_PATTERN
            elif f.not_blank:
                pattern = NOT_BLANK
            if pattern or f.max_length is not None:
                member = Annotated[member, StringConstraints(max_length=f.max_length, pattern=pattern)]
        if kind is int and f.minimum is not None:
            member = Annotated[member, pydantic.Field(ge=f.minimum)]
        members.append(member)
    typed: Any = members[0]
    for member in members[1:]:
        typed = typed | member
    if f.choices:
        typed = Annotated[typed, AfterValidator(_one_of(f))]
    return Annotated[typed, SKIP_UNKNOWN]


def _field_info(f: Field) -> Any:
    default: Any = ... if f.required else (None if f.default is MISSING else f.default)
    extra: Any = {"enum": list(f.choices)} if f.choices else None
    return pydantic.Field(default, alias=f.name, title=f.name, description=f.doc or None, json_schema_extra=extra)


_MODELS: dict[tuple[str, tuple[Field, ...]], type[BaseModel]] = {}


def model_for(spec: ResourceSpec) -> type[BaseModel]:
    """The inputs model of ``spec`` (built once per resource type and declaration)."""
    key = (spec.name, tuple(spec.fields))
    model = _MODELS.get(key)
    if model is None:
        fields: dict[str, Any] = {f"f_{f.name}": (annotation(f), _field_info(f)) for f in spec.fields}
        model = pydantic.create_model(
            f"{spec.name}Inputs",
            __config__=ConfigDict(extra="ignore", title=spec.name),
            __doc__=spec.doc or None,
            **fields,
        )
        _MODELS[key] = model
    return model


def message(f: Field, error: ErrorDetails, value: Any) -> str:
    """PostHog's (DRF's) words for what pydantic found wrong with ``value`` of ``f``."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"'{f.name}' is required."
    if kind in TYPE_ERRORS:
        wanted = " or ".join(k.__name__ for k in _kinds(f))
        return f"'{f.name}' must be a {wanted}, not {type(value).__name__}."
    if kind == "greater_than_equal":
        return f"Ensure this value is greater than or equal to {ctx['ge']}."
    if f.not_blank and isinstance(value, str) and not value.strip():
        return "This field may not be blank."  # DRF checks blank before length
    if kind == "string_too_long":
        return f"Ensure this field has no more than {ctx['max_length']} characters (it has {len(value)})."
    if kind == "string_pattern_mismatch" and f.uuid is not None:
        if not f.uuid:
            return f"'{value}' is not a valid UUID."
        article = "an" if f.uuid[0] in "aeiou" else "a"
        current = " or '@current'" if f.current_ok else ""
        return f"'{value}' is not {article} {f.uuid} UUID{current}."
    return str(ctx.get("message") or error["msg"])


def _first_per_field(errors: list[ErrorDetails]) -> dict[str, ErrorDetails]:
    """One error per input (a union kind fails once per member: any type error among them stands for all)."""
    chosen: dict[str, ErrorDetails] = {}
    for error in errors:
        name = str(error["loc"][0])
        if name not in chosen or (error["type"] in TYPE_ERRORS and chosen[name]["type"] not in TYPE_ERRORS):
            chosen[name] = error
    return chosen


def field_failures(spec: ResourceSpec, news: dict[str, Any]) -> list[CheckFailure]:
    """Required inputs, types, choices, minimums and text rules, one failure per input in the spec's order; an
    input not known yet (a preview) passes, and counts as given."""
    data = {k: plain(v) for k, v in news.items() if v is not None}
    try:
        model_for(spec).model_validate(data)
    except ValidationError as exc:
        chosen = _first_per_field(exc.errors(include_url=False))
        return [
            CheckFailure(f.name, message(f, chosen[f.name], data.get(f.name)))
            for f in spec.fields
            if f.name in chosen and not is_unknown(data.get(f.name))
        ]
    return []


_ADAPTERS: dict[Field, TypeAdapter[Any]] = {}


def value_problem(f: Field, value: Any) -> str | None:
    """The failure of one value against one field's rules, or None."""
    adapter = _ADAPTERS.get(f)
    if adapter is None:
        adapter = _ADAPTERS[f] = TypeAdapter(annotation(f))
    try:
        adapter.validate_python(plain(value))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        return message(f, _first_per_field([{**e, "loc": (f.name, *e["loc"])} for e in errors])[f.name], value)
    return None
