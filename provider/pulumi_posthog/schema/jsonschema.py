"""The JSON Schema of a compiled schema, by pydantic's generator, with the docs each field carries."""

from __future__ import annotations

from typing import Any

from pydantic_core import core_schema as cs


def documented(updates: dict[str, Any]) -> dict[str, Any]:
    """A schema's ``metadata`` that adds ``updates`` (title, description, enum…) to its JSON Schema.

    ``pydantic_js_updates`` is where pydantic itself keeps what ``Field(title=…, description=…)`` adds
    (``pydantic/_internal/_core_metadata.py`` ``CoreMetadata``; read by ``pydantic/json_schema.py``
    ``GenerateJsonSchema.generate_inner``). tests/schema/test_models.py fails if a pydantic release moves it.
    """
    return {"pydantic_js_updates": updates}


def json_schema_of(schema: cs.CoreSchema) -> dict[str, Any]:
    """The JSON Schema of ``schema`` in validation mode (pydantic loads here: docs time, never in ``check``)."""
    from pydantic.json_schema import GenerateJsonSchema

    return GenerateJsonSchema(by_alias=True).generate(schema, mode="validation")
