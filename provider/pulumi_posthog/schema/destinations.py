"""A BatchExport ``destination`` as a union discriminated on ``type`` (pydantic-core schemas), and its problems in
PostHog's words.

Each destination type (``destinations.TYPES``) becomes a schema ``{type, config, integration_id}`` whose ``config``
is closed to the type's keys (``extra_behavior="forbid"``: PostHog's "Configuration has unknown field/s"), required
keys as PostHog's dataclass fields without defaults, PostHog's defaults as the fields' defaults, and the values typed
with PostHog's coercions (``str_to_bool`` and str → int: ``"true"`` and ``"5432"`` pass). The rules that look at one
value (file format, compression for it, the HTTP URL, required text not empty, the integration id) are validators
carrying PostHog's messages; what pydantic reports is worded as PostHog words it
(``products/batch_exports/backend/api/batch_export.py``, ``BatchExportDestinationSerializer.validate``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic_core import ErrorDetails, PydanticCustomError, SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from pulumi_posthog.destinations import (
    CONFIG_DOCS,
    FILE_FORMATS,
    HTTP_URLS,
    INTEGRATION_ID_DOC,
    TYPES,
    DestinationType,
)
from pulumi_posthog.resources.values import is_unknown, plain
from pulumi_posthog.schema.jsonschema import documented, json_schema_of
from pulumi_posthog.schema.unknown import skip_unknown, skip_unknown_whole

NOT_EMPTY = ("bucket_name", "region", "prefix", "container_name")
"""Required text PostHog refuses empty ("The following inputs are empty: [...]")."""
TOP_KEYS = ("type", "config", "integration_id", "integration")
JSON_TYPE = {bool: "boolean", int: "integer", str: "string", list: "array", dict: "object"}
TYPE_NAMES = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict"}


def _refuse(kind: str, text: str) -> PydanticCustomError:
    return PydanticCustomError(kind, "{message}", {"message": text})


def _str_to_bool(value: Any) -> Any:
    """PostHog's ``str_to_bool`` for bool keys: ``"true"``/``"false"`` in any case."""
    return value.lower() == "true" if isinstance(value, str) and value.lower() in ("true", "false") else value


def _str_to_int(value: Any) -> Any:
    """PostHog's int coercion for int keys: a string of digits (an optional minus) is a number."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return value


def _coerced(declared: type) -> cs.CoreSchema:
    """A config key's value as PostHog takes it: strict, after PostHog's coercion for bool and int keys."""
    if declared is bool:
        return cs.no_info_before_validator_function(_str_to_bool, cs.bool_schema(strict=True))
    if declared is int:
        return cs.no_info_before_validator_function(_str_to_int, cs.int_schema(strict=True))
    if declared is str:
        return cs.str_schema(strict=True)
    if declared is list:
        return cs.list_schema(cs.any_schema(), strict=True)
    return cs.dict_schema(cs.str_schema(), cs.any_schema(), strict=True)


def _file_format(value: str) -> str:
    if value not in FILE_FORMATS:
        raise _refuse(
            "file_format", f"File format {value} is not supported. Supported file formats are {list(FILE_FORMATS)}"
        )
    return value


def _compression(value: str, info: cs.ValidationInfo) -> str:
    """The compression must be one the file format takes (JSONLines when unset); an unknown or refused format
    leaves it to that format's own check."""
    chosen = ((info.context or {}).get("config") or {}).get("file_format")
    if is_unknown(chosen) or (chosen is not None and chosen not in FILE_FORMATS):
        return value
    fmt = chosen or "JSONLines"
    if value not in FILE_FORMATS[fmt]:
        raise _refuse(
            "compression",
            f"Compression {value} is not supported for file format {fmt}. "
            f"Supported compressions are {list(FILE_FORMATS[fmt])}",
        )
    return value


def _http_url(value: str) -> str:
    if value not in HTTP_URLS:
        raise _refuse("url", f"Invalid destination URL: {value}. Use one of: {', '.join(HTTP_URLS)}")
    return value


def _integration_id(value: Any) -> Any:
    value = plain(value)
    if value is None or (not isinstance(value, bool) and isinstance(value, int)):
        return value
    if isinstance(value, str) and value.isdigit():
        return value
    raise _refuse(
        "integration_id", f"destination.integration_id must be an Integration id (an integer), not {value!r}."
    )


def _config_key(t: DestinationType, key: str, declared: type) -> cs.CoreSchema:
    # An unchecked key (PostHog declares it ``X | None`` and takes anything) still documents its type.
    typed = (
        cs.any_schema(metadata=documented({"type": JSON_TYPE[declared]})) if key in t.unchecked else _coerced(declared)
    )
    if key in NOT_EMPTY and key in t.required:
        typed = cs.no_info_after_validator_function(_not_empty(key), typed)
    if key == "file_format":
        typed = cs.no_info_after_validator_function(_file_format, typed)
    elif key == "compression":
        typed = cs.with_info_after_validator_function(_compression, typed)
    elif key == "url" and t.name == "HTTP":
        typed = cs.no_info_after_validator_function(_http_url, typed)
    return skip_unknown(cs.no_info_before_validator_function(plain, typed))


def _not_empty(key: str) -> Any:
    def check(value: str) -> str:
        if value == "":
            raise _refuse("empty", f"The following inputs are empty: ['{key}']")
        return value

    return check


def _config_schema(t: DestinationType) -> cs.CoreSchema:
    fields: dict[str, cs.TypedDictField] = {}
    for key, declared in t.all_fields().items():
        value = _config_key(t, key, declared)
        if key not in t.required:
            value = cs.with_default_schema(value, default=t.server_defaults.get(key))
        doc: dict[str, Any] = {"title": key, "description": CONFIG_DOCS.get(key)}
        if key in t.secret:
            doc["secret"] = True
        fields[key] = cs.typed_dict_field(value, required=key in t.required, metadata=documented(doc))
    return cs.typed_dict_schema(
        fields, extra_behavior="forbid", ref=f"{t.name}Config", metadata=documented({"title": t.name})
    )


def _field(schema: cs.CoreSchema, **doc: Any) -> cs.TypedDictField:
    return cs.typed_dict_field(schema, required=False, metadata=documented(doc))


def _destination_schema(t: DestinationType) -> cs.CoreSchema:
    """``{type, config, integration_id}`` of one type: what the union's discriminator picks for ``type=name``."""
    integration = cs.with_default_schema(
        skip_unknown(cs.no_info_after_validator_function(_integration_id, cs.any_schema())), default=None
    )
    config = cs.with_default_schema(skip_unknown_whole(_config_schema(t)), default={}, validate_default=True)
    return cs.typed_dict_schema(
        {
            "type": cs.typed_dict_field(cs.literal_schema([t.name]), metadata=documented({"title": "type"})),
            "config": _field(config, title="config"),
            "integration_id": _field(integration, title="integration_id", description=INTEGRATION_ID_DOC),
            "integration": _field(integration, title="integration", description="Same as integration_id."),
        },
        extra_behavior="forbid",
        ref=f"{t.name}Destination",
        metadata=documented({"title": f"{t.name} destination"}),
    )


@cache
def member(name: str) -> SchemaValidator:
    """The validator of one destination type (built alone: a first check builds one type, not every one)."""
    return SchemaValidator(_destination_schema(TYPES[name]))


def union() -> cs.CoreSchema:
    """Every destination type, one schema each, told apart by ``type``."""
    return cs.tagged_union_schema({name: _destination_schema(t) for name, t in TYPES.items()}, discriminator="type")


def _got(value: Any) -> str:
    return TYPE_NAMES.get(type(value), type(value).__name__)


def _ordered(
    t: DestinationType, config: dict[str, Any], errors: list[ErrorDetails], hint_kind: str | None
) -> list[str]:
    """PostHog's order: unknown keys, the first missing required key, each key's type (in the config's order), then
    file format, compression and URL."""
    unknown = sorted(str(e["loc"][-1]) for e in errors if e["type"] == "extra_forbidden")
    problems: list[str] = []
    if unknown:
        quoted = ", ".join(f"'{k}'" for k in unknown)
        hint = ""
        if hint_kind and set(unknown) & (TYPES["S3"].secret | {"account", "password"}):
            hint = f" Credentials belong in a posthog.Integration of kind '{hint_kind}'."
        problems.append(f"Configuration has unknown field/s: {quoted}.{hint}")
    missing = {str(e["loc"][-1]) for e in errors if e["type"] == "missing"}
    first = next((k for k in t.required if k in missing), None)
    if first:
        problems.append(f"Configuration missing required field: '{first}'")
    position = {key: i for i, key in enumerate(config)}
    later = ("file_format", "compression", "url")
    keyed: list[tuple[int, int, str]] = []
    for e in errors:
        if e["type"] in ("extra_forbidden", "missing"):
            continue
        key = str(e["loc"][-1])
        ctx = e.get("ctx") or {}
        if "message" in ctx:
            text = str(ctx["message"])
        else:
            declared = t.all_fields()[key]
            got = _got(e["input"])
            text = f"Configuration has invalid type: got '{got}', expected '{declared.__name__}' (for '{key}')"
        group = 1 + later.index(e["type"]) if e["type"] in later else 0
        keyed.append((group, position.get(key, 0), text))
    return problems + [text for _, _, text in sorted(keyed)]


def problems(destination: dict[str, Any]) -> list[str]:
    """What PostHog would refuse in a ``destination`` dict whose ``type`` is one of ``TYPES`` (the caller words
    what is not a dict, not known yet, or of no type)."""
    type_ = destination["type"]
    t = TYPES[type_]
    config = destination.get("config", {})
    data = dict(destination)
    if isinstance(config, dict):
        known = t.all_fields()  # a key set to None counts as unset, unless PostHog does not know it at all
        config = data["config"] = {k: v for k, v in config.items() if v is not None or k not in known}
    try:  # the union's member for this type, as its discriminator picks it
        member(type_).validate_python(data, context={"config": config})
    except ValidationError as exc:
        errors: list[ErrorDetails] = [
            ErrorDetails(**{**e, "loc": (type_, *e["loc"])}) for e in exc.errors(include_url=False)
        ]
    else:
        errors = []
    top = sorted(str(e["loc"][1]) for e in errors if len(e["loc"]) == 2 and e["type"] == "extra_forbidden")
    found = [f"destination has unknown key/s: {', '.join(repr(k) for k in top)}."] if top else []
    if any(e["loc"][1:] == ("config",) for e in errors):  # not a mapping
        return [*found, "destination.config must be an object."]
    in_config = [e for e in errors if e["loc"][1:2] == ("config",)]
    if isinstance(config, dict):
        found += _ordered(t, config, in_config, t.integration_kind)
    for e in errors:
        if e["loc"][1:] in (("integration_id",), ("integration",)):
            found.append(str((e.get("ctx") or {})["message"]))
            break
    return found


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``destination`` (every type; the docs' destination tables are generated from it)."""
    return json_schema_of(union())
