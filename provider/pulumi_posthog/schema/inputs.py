"""A resource's inputs as a pydantic-core schema compiled from its spec's fields, and its failures in PostHog's words.

Each ``Field`` becomes a strict field of a typed-dict schema: its ``kind`` the type (``int`` refuses ``True``, as DRF
does), its declarative checks constraints — ``minimum`` as ``ge``, ``max_length``, ``not_blank`` as the pattern
``\\S``, ``uuid`` as a UUID pattern (``'@current'`` too with ``current_ok``), ``choices`` as an enum — so the JSON
Schema the docs are generated from carries every rule. Messages are DRF's, as PostHog answers (``This field may not
be blank.``, ``Ensure this field has no more than 64 characters.``…), rendered from pydantic's error types.

The schema is what ``pydantic.create_model`` would compile these fields to, written directly: a first ``check`` in a
fresh plugin process then loads only ``pydantic_core`` (about 20 ms), not pydantic's model machinery (about 100 ms
more; ``bench/cold_start.py``). ``pydantic`` itself loads only for the JSON Schema (``gen_docs``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi.dynamic import CheckFailure
from pydantic_core import ErrorDetails, PydanticCustomError, SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from pulumi_posthog.resources.spec import Field, ResourceSpec
from pulumi_posthog.resources.values import MISSING, is_unknown, plain
from pulumi_posthog.schema.jsonschema import documented, json_schema_of
from pulumi_posthog.schema.unknown import skip_unknown

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
NOT_BLANK = r"\S"
STRICT: dict[type, Callable[..., cs.CoreSchema]] = {  # the kind's strict schema, taking that kind's constraints
    str: lambda **c: cs.str_schema(strict=True, **c),
    int: lambda **c: cs.int_schema(strict=True, **c),
    bool: lambda **c: cs.bool_schema(strict=True),
    float: lambda **c: cs.float_schema(strict=True),
    dict: lambda **c: cs.dict_schema(cs.str_schema(), cs.any_schema(), strict=True),
    list: lambda **c: cs.list_schema(cs.any_schema(), strict=True),
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


def _constraints(f: Field, kind: type) -> dict[str, Any]:
    if kind is str:
        pattern = None
        if f.uuid is not None:
            pattern = f"^(?:{UUID_PATTERN[1:-1]}|@current)$" if f.current_ok else UUID_PATTERN
        elif f.not_blank:
            pattern = NOT_BLANK
        return {k: v for k, v in (("max_length", f.max_length), ("pattern", pattern)) if v is not None}
    if kind is int and f.minimum is not None:
        return {"ge": f.minimum}
    return {}


def annotation(f: Field) -> cs.CoreSchema:
    """The schema of one field's value: strict, with the field's constraints on the kind they apply to."""
    if f.not_blank and f.uuid is not None:
        raise ValueError(f"field {f.name!r}: not_blank and uuid are exclusive (a UUID is never blank)")
    members = [STRICT[kind](**_constraints(f, kind)) for kind in _kinds(f)]
    typed = members[0] if len(members) == 1 else cs.union_schema([*members])
    if f.choices:
        typed = cs.no_info_after_validator_function(_one_of(f), typed)
    return skip_unknown(typed)


def _field(f: Field) -> cs.TypedDictField:
    value = annotation(f)
    if not f.required:
        value = cs.with_default_schema(value, default=None if f.default is MISSING else f.default)
    doc: dict[str, Any] = {"title": f.name, **({"description": f.doc} if f.doc else {})}
    if f.choices:
        doc["enum"] = list(f.choices)
    return cs.typed_dict_field(value, required=f.required, metadata=documented(doc))


_SCHEMAS: dict[tuple[str, tuple[Field, ...]], tuple[cs.CoreSchema, SchemaValidator]] = {}


def schema_for(spec: ResourceSpec) -> tuple[cs.CoreSchema, SchemaValidator]:
    """The inputs schema of ``spec`` and its validator (built once per resource type and declaration)."""
    key = (spec.name, tuple(spec.fields))
    built = _SCHEMAS.get(key)
    if built is None:
        doc = {"title": spec.name, **({"description": spec.doc} if spec.doc else {})}
        schema = cs.typed_dict_schema(
            {f.name: _field(f) for f in spec.fields}, extra_behavior="ignore", metadata=documented(doc)
        )
        built = _SCHEMAS[key] = (schema, SchemaValidator(schema))
    return built


def json_schema(spec: ResourceSpec) -> dict[str, Any]:
    """The JSON Schema of ``spec``'s inputs (the docs' inputs tables are generated from it)."""
    return json_schema_of(schema_for(spec)[0])


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
        schema_for(spec)[1].validate_python(data)
    except ValidationError as exc:
        chosen = _first_per_field(exc.errors(include_url=False))
        return [
            CheckFailure(f.name, message(f, chosen[f.name], data.get(f.name)))
            for f in spec.fields
            if f.name in chosen and not is_unknown(data.get(f.name))
        ]
    return []


_VALIDATORS: dict[Field, SchemaValidator] = {}


def value_problem(f: Field, value: Any) -> str | None:
    """The failure of one value against one field's rules, or None."""
    validator = _VALIDATORS.get(f)
    if validator is None:
        validator = _VALIDATORS[f] = SchemaValidator(annotation(f))
    try:
        validator.validate_python(plain(value))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        return message(f, _first_per_field([{**e, "loc": (f.name, *e["loc"])} for e in errors])[f.name], value)
    return None
