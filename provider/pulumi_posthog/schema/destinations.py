"""A BatchExport ``destination`` as a pydantic union discriminated on ``type``, and its problems in PostHog's words.

Each destination type (``destinations.TYPES``) becomes a model ``{type, config, integration_id}`` whose ``config``
is a closed model of the type's keys (``extra="forbid"``: PostHog's "Configuration has unknown field/s"), required
keys as PostHog's dataclass fields without defaults, PostHog's defaults as the fields' defaults, and the values typed
with PostHog's coercions (``str_to_bool`` and str → int: ``"true"`` and ``"5432"`` pass). The rules that look at one
value (file format, compression for it, the HTTP URL, required text not empty, the integration id) are validators
carrying PostHog's messages; what pydantic reports is worded as PostHog words it
(``products/batch_exports/backend/api/batch_export.py``, ``BatchExportDestinationSerializer.validate``).
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal, Union

import pydantic
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Strict,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from pulumi_posthog.destinations import (
    CONFIG_DOCS,
    FILE_FORMATS,
    HTTP_URLS,
    INTEGRATION_ID_DOC,
    TYPES,
    DestinationType,
)
from pulumi_posthog.resources.values import is_unknown, plain
from pulumi_posthog.schema.unknown import SKIP_UNKNOWN, SKIP_UNKNOWN_WHOLE

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


COERCED: dict[type, Any] = {
    bool: Annotated[bool, Strict(), BeforeValidator(_str_to_bool)],
    int: Annotated[int, Strict(), BeforeValidator(_str_to_int)],
    str: Annotated[str, Strict()],
    list: Annotated[list[Any], Strict()],
    dict: Annotated[dict[str, Any], Strict()],
}


def _file_format(value: str) -> str:
    if value not in FILE_FORMATS:
        raise _refuse(
            "file_format", f"File format {value} is not supported. Supported file formats are {list(FILE_FORMATS)}"
        )
    return value


def _compression(value: str, info: ValidationInfo) -> str:
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


def _config_key(t: DestinationType, key: str, declared: type) -> Any:
    # An unchecked key (PostHog declares it ``X | None`` and takes anything) still documents its type.
    typed: Any = (
        Annotated[Any, WithJsonSchema({"type": JSON_TYPE[declared]})] if key in t.unchecked else COERCED[declared]
    )
    if key in NOT_EMPTY and key in t.required:
        typed = Annotated[typed, AfterValidator(_not_empty(key))]
    if key == "file_format":
        typed = Annotated[typed, AfterValidator(_file_format)]
    elif key == "compression":
        typed = Annotated[typed, AfterValidator(_compression)]
    elif key == "url" and t.name == "HTTP":
        typed = Annotated[typed, AfterValidator(_http_url)]
    return Annotated[typed, BeforeValidator(plain), SKIP_UNKNOWN]


def _not_empty(key: str) -> Any:
    def check(value: str) -> str:
        if value == "":
            raise _refuse("empty", f"The following inputs are empty: ['{key}']")
        return value

    return check


def _config_model(t: DestinationType) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for key, declared in t.all_fields().items():
        default: Any = ... if key in t.required else t.server_defaults.get(key)
        extra: Any = {"secret": True} if key in t.secret else None
        info = pydantic.Field(default, alias=key, title=key, description=CONFIG_DOCS.get(key), json_schema_extra=extra)
        fields[f"k_{key}"] = (_config_key(t, key, declared), info)
    return pydantic.create_model(f"{t.name}Config", __config__=ConfigDict(extra="forbid", title=f"{t.name}"), **fields)


def _destination_model(t: DestinationType) -> type[BaseModel]:
    integration: Any = Annotated[Any, AfterValidator(_integration_id), SKIP_UNKNOWN]
    tag: Any = Literal[t.name]  # one literal per type, built at run time
    config: Any = Annotated[_config_model(t), SKIP_UNKNOWN_WHOLE]
    return pydantic.create_model(
        f"{t.name}Destination",
        __config__=ConfigDict(extra="forbid", title=f"{t.name} destination"),
        type=(tag, pydantic.Field(title="type")),
        k_config=(config, pydantic.Field({}, alias="config", title="config", validate_default=True)),
        k_integration_id=(integration, pydantic.Field(None, alias="integration_id", description=INTEGRATION_ID_DOC)),
        k_integration=(integration, pydantic.Field(None, alias="integration", description="Same as integration_id.")),
    )


@cache
def _model(name: str) -> type[BaseModel]:
    return _destination_model(TYPES[name])


@cache
def member(name: str) -> TypeAdapter[Any]:
    """The model of one destination type (what the union's discriminator picks for ``type=name``)."""
    return TypeAdapter(_model(name))


@cache
def adapter() -> TypeAdapter[Any]:
    """Every destination type, one model each, told apart by ``type``."""
    models = tuple(_model(name) for name in TYPES)
    union: Any = Annotated[Union[models], Discriminator("type")]  # noqa: UP007 (a runtime tuple of models)
    return TypeAdapter(union)


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
    try:  # the union's member for this type, as its discriminator picks it (built alone: the first check is fast)
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
    return adapter().json_schema(by_alias=True)
