"""Render the generated blocks of docs/*.md from the resource specs, destinations and public signatures.

A block is the text between ``<!-- generated:KIND ARG -->`` and ``<!-- /generated -->``; everything else in a page is
written by hand. Kinds:

- ``inputs <Resource>``      the inputs table (type, required, when unset, replaces, description) from the spec and
                             the JSON Schema of its inputs model
- ``outputs <Resource>``     the outputs table (``id`` and the spec's outputs, typed from the public class)
- ``signature <Resource>``   the constructor, as Python
- ``secrets <Resource>``     which input values become Pulumi secrets
- ``destinations``           every destination type: helper, integration kind, config keys (from the JSON Schema
                             of the destination union)
- ``integration-kinds``      every integration kind: named or upsert, secret keys, destination types
- ``function <name>``        a function's (``posthog.get_…``, ``posthog.aws.…``) signature and docstring
- ``aws-roles``              PostHog Cloud's export role per region

    .venv/bin/python scripts/gen_docs.py           # rewrite the blocks in docs/
    .venv/bin/python scripts/gen_docs.py --check   # exit 1 (and name the pages) when a block is out of date

``tests/docs/test_generated.py`` runs the check.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi_posthog as posthog
from pulumi_posthog import catalog
from pulumi_posthog.aws import POSTHOG_ROLE_ARNS
from pulumi_posthog.destinations import BASE_FIELDS, INTEGRATION_SECRETS, TYPES
from pulumi_posthog.resources.engine import spec_for
from pulumi_posthog.resources.integration_rules import is_named
from pulumi_posthog.resources.spec import Field
from pulumi_posthog.resources.values import MISSING
from pulumi_posthog.schema.destinations import json_schema as destination_schema
from pulumi_posthog.schema.inputs import json_schema as inputs_schema

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BLOCK = re.compile(
    r"(<!-- generated:(?P<kind>[a-z-]+)(?: (?P<arg>[\w.]+))? -->\n)(?P<body>.*?)(<!-- /generated -->)", re.S
)

RESOURCES = catalog.names()
PARTIAL_REPLACE = {
    ("BatchExport", "destination"): "when `type` changes",
    ("Integration", "config"): "named kinds: any change; upsert kinds: an identity change",
}
COMMON_PARAMETERS = {
    "resource_name": "The Pulumi resource name.",
    "connection": "A named connection (`posthog:connections.<name>.*`, see configuration.md); default: the stack's.",
    "opts": "Pulumi resource options (`depends_on`, `protect`, `retain_on_delete`, …).",
}
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "get_organization": posthog.get_organization,
    "get_organizations": posthog.get_organizations,
    "get_batch_exports": posthog.get_batch_exports,
    "aws.external_id": posthog.aws.external_id,
    "aws.trust_policy": posthog.aws.trust_policy,
}


def cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def public_class(name: str) -> type:
    return getattr(posthog, name)


def parameters(name: str) -> dict[str, inspect.Parameter]:
    return dict(inspect.signature(public_class(name).__init__).parameters)


JSON_TYPES = {
    "string": "str",
    "integer": "int",
    "boolean": "bool",
    "object": "dict",
    "array": "list",
    "number": "float",
}


def input_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of a resource's inputs (the schema compiled from its spec)."""
    return inputs_schema(spec_for(name))


def type_name(prop: dict[str, Any]) -> str:
    """A JSON Schema property's type as the Python type a program passes (``str or int`` for a union)."""
    members = prop.get("anyOf") or [prop]
    return " or ".join(JSON_TYPES[m["type"]] for m in members)


def when_unset(f: Field) -> str:
    if f.required:
        return "required"
    if f.unmanaged_when_unset:
        return "not managed (PostHog keeps its value)"
    if f.default is MISSING:
        return "—"
    if f.default is None:
        return "none"
    shown = json.dumps(f.default) if isinstance(f.default, str) else str(f.default)
    return f"`{shown}`" if f.provider_only else f"`{shown}` (PostHog's default)"


def description(f: Field, prop: dict[str, Any]) -> str:
    text = prop.get("description") or ""
    if "enum" in prop:
        text += " One of " + ", ".join(f"`{c}`" for c in prop["enum"]) + "."
    if "minimum" in prop:
        text += f" At least {prop['minimum']}."
    if f.provider_only:
        text += " (Provider setting: never sent to PostHog.)"
    return text.strip()


def render_inputs(name: str) -> str:
    spec = spec_for(name)
    params = parameters(name)
    fields = {f.name: f for f in spec.fields}
    unknown = set(params) - set(fields) - set(COMMON_PARAMETERS) - {"self"}
    if unknown:
        raise SystemExit(f"{name}: constructor parameters without a spec field: {sorted(unknown)}")
    props = input_schema(name)["properties"]
    rows = []
    for f in spec.fields:
        if f.name not in params:
            continue
        annotation = str(params[f.name].annotation)
        plain = "" if annotation.startswith("pulumi.Input") else " (plain value, not an Output)"
        replaces = "yes" if f.replace else PARTIAL_REPLACE.get((name, f.name), "")
        prop = props[f.name]
        rows.append((f"`{f.name}`", type_name(prop) + plain, when_unset(f), replaces, description(f, prop)))
    for param in ("connection", "opts"):
        rows.append(
            (f"`{param}`", "str" if param == "connection" else "ResourceOptions", "—", "", COMMON_PARAMETERS[param])
        )
    text = table(("Input", "Type", "When unset", "Replaces", "Description"), rows)
    hidden = [f for f in spec.fields if f.name not in params]
    for f in hidden:
        text += f"\nAlso in state, set by the class (not a parameter): `{f.name}` — {description(f, props[f.name])}\n"
    return text


def render_outputs(name: str) -> str:
    spec = spec_for(name)
    annotations = public_class(name).__annotations__
    missing = [o for o, doc in {"id": spec.id_doc, **spec.outputs}.items() if not doc]
    if missing:
        raise SystemExit(f"{name}: outputs without a description in its spec (id_doc, outputs): {missing}")
    rows = [("`id`", "str", spec.id_doc)]
    for output, doc in spec.outputs.items():
        annotation = str(annotations.get(output, "pulumi.Output[Any]"))
        shown = re.sub(r"^pulumi\.Output\[(.*)\]$", r"\1", annotation)
        rows.append((f"`{output}`", shown, doc))
    text = table(("Output", "Type", "Description"), rows)
    return text + "\nEvery input is an output too, with the value PostHog has (secrets stay secret).\n"


def render_signature(name: str) -> str:
    params = [p for p in parameters(name).values() if p.name != "self"]
    lines = [f"posthog.{name}("]
    keyword_only = False
    for p in params:
        if p.kind is inspect.Parameter.KEYWORD_ONLY and not keyword_only:
            lines.append("    *,")
            keyword_only = True
        default = "" if p.default is inspect.Parameter.empty else f" = {p.default!r}"
        lines.append(f"    {p.name}: {p.annotation}{default},")
    lines.append(")")
    return "```python\n" + "\n".join(lines) + "\n```\n"


def render_secrets(name: str) -> str:
    if name == "BatchExport":
        rows = [(f"`{t.name}`", ", ".join(f"`{'.'.join(p)}`" for p in t.secret_paths()) or "—") for t in TYPES.values()]
        intro = (
            "Destination `config` values that become Pulumi secrets (in the program and in state), per type. A key "
            "with one of these names is secret at any depth of `config` (PostHog leaves them out of its answers "
            "wherever they are); dotted paths are the nested ones PostHog takes:\n\n"
        )
        return intro + table(("Destination type", "Secret config keys"), rows)
    if name == "Integration":
        rows = [(f"`{kind}`", ", ".join(f"`{k}`" for k in sorted(keys))) for kind, keys in INTEGRATION_SECRETS.items()]
        intro = "`config` values that become Pulumi secrets (in the program and in state), per kind:\n\n"
        return intro + table(("Kind", "Secret config keys"), rows)
    return "No input of this resource is secret.\n"


def _helper_signature(type_name_: str) -> str:
    helper = getattr(posthog.destinations, type_name_)
    params = inspect.signature(helper).parameters
    required = [p for p in params if params[p].default is inspect.Parameter.empty]
    optional = [p for p in params if p not in required]
    shown = ", ".join([f"{p}=…" for p in required] + ([f"[{', '.join(optional)}]"] if optional else []))
    return f"posthog.destinations.{type_name_}({shown})"


def render_destinations(_: str | None) -> str:
    schema = destination_schema()  # the union of every type's schema
    parts = []
    for t in TYPES.values():
        if t.integration_kind:
            needed = "required" if t.integration_required else "optional"
            kind = f"Integration: `{t.integration_kind}` ({needed}; pass it as `integration_id`)."
        else:
            kind = "Integration: none (credentials in `config`)."
        if t.legacy:
            kind += (
                " Legacy: the newest PostHog removed it (a write is a server error), so `check` refuses it unless"
                " the export sets `allow_legacy_s3=True` (for a self-hosted PostHog that still has it)."
            )
        config = schema["$defs"][f"{t.name}Config"]
        rows = []
        for key, prop in config["properties"].items():
            if key in BASE_FIELDS:  # include/exclude_events: described once, above
                continue
            default = prop.get("default")
            rows.append(
                (
                    f"`{key}`",
                    type_name(prop) if "type" in prop else "any",
                    "yes" if key in config.get("required", ()) else "",
                    "secret" if prop.get("secret") else "",
                    "" if default is None else f"`{default!r}`",
                    prop.get("description", ""),
                )
            )
        parts.append(
            f"### {t.name}\n\n`{_helper_signature(t.name)}`\n\n{kind}\n\n"
            + table(("Config key", "Type", "Required", "Secret", "PostHog's default", "Description"), rows)
        )
    return "\n".join(parts)


def render_integration_kinds(_: str | None) -> str:
    rows = []
    for kind, secret in INTEGRATION_SECRETS.items():
        plain_named = is_named(kind, {})
        role_named = is_named(kind, {"aws_role_arn": "arn"})
        if plain_named:
            identity = "named: any change replaces it (under a new suffixed name)"
        elif role_named:
            identity = "named with `aws_role_arn` or AWS keys; upsert with host/port/user/password"
        else:
            identity = "upsert: updated in place; an identity change replaces it"
        used_by = ", ".join(f"`{t.name}`" for t in TYPES.values() if t.integration_kind == kind)
        rows.append((f"`{kind}`", identity, ", ".join(f"`{k}`" for k in sorted(secret)), used_by))
    return table(("Kind", "Changes", "Secret config keys", "Destination types"), rows)


def format_signature(signature: inspect.Signature) -> str:
    """A signature with its annotations as written (``from __future__ import annotations`` keeps them strings)."""
    parts = []
    for p in signature.parameters.values():
        text = p.name if p.annotation is inspect.Parameter.empty else f"{p.name}: {p.annotation}"
        if p.default is not inspect.Parameter.empty:
            text += f" = {p.default!r}"
        parts.append(text)
    returns = "" if signature.return_annotation is inspect.Signature.empty else f" -> {signature.return_annotation}"
    return f"({', '.join(parts)}){returns}"


def render_function(name: str) -> str:
    func = FUNCTIONS[name]
    doc = re.sub(r"``([^`]+)``", r"`\1`", inspect.getdoc(func) or "")
    return f"```python\nposthog.{name}{format_signature(inspect.signature(func))}\n```\n\n{doc}\n"


def render_aws_roles(_: str | None) -> str:
    rows = [(f'`"{region}"`', f"`{arn}`") for region, arn in POSTHOG_ROLE_ARNS.items()]
    return table(("`region`", "PostHog's export role (the trusted principal)"), rows)


RENDERERS: dict[str, Callable[[Any], str]] = {
    "inputs": render_inputs,
    "outputs": render_outputs,
    "signature": render_signature,
    "secrets": render_secrets,
    "destinations": render_destinations,
    "integration-kinds": render_integration_kinds,
    "function": render_function,
    "aws-roles": render_aws_roles,
}


def render(text: str) -> str:
    """``text`` with every generated block rendered again."""

    def replace(match: re.Match[str]) -> str:
        kind, arg = match.group("kind"), match.group("arg")
        if kind not in RENDERERS:
            raise SystemExit(f"unknown generated block kind {kind!r}")
        return match.group(1) + RENDERERS[kind](arg) + match.group(5)

    return BLOCK.sub(replace, text)


def pages() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for page in pages():
        text = page.read_text()
        rendered = render(text)
        if rendered != text:
            stale.append(page)
            if not check:
                page.write_text(rendered)
    if check and stale:
        names = ", ".join(str(p.relative_to(ROOT)) for p in stale)
        print(f"generated blocks out of date in {names}: run .venv/bin/python scripts/gen_docs.py", file=sys.stderr)
        return 1
    for page in stale:
        print(f"updated {page.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
