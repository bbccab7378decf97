"""The schemas compiled from the declarations: what they refuse, what their JSON Schema says, when pydantic loads.

The bad-input corpus (tests/resources/test_bad_input.py) holds the messages; these tests hold what the models add:
a known bad config value is found beside an unknown one, values that crashed the hand-written checks are worded,
the schema carries every declared rule, ``import pulumi_posthog`` loads neither pydantic nor pydantic-core, and a
first check loads pydantic-core only.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi_posthog import catalog
from pulumi_posthog.destinations import TYPES
from pulumi_posthog.resources.batch_export_rules import check_destination
from pulumi_posthog.resources.engine import spec_for
from pulumi_posthog.schema import destinations, inputs

S3 = {"bucket_name": "landing", "region": "us-east-1", "prefix": "events/"}


def aws(config: Any) -> dict[str, Any]:
    return {"type": "AwsS3", "config": config, "integration_id": 7}


def test_a_known_bad_config_value_is_found_beside_an_unknown_one() -> None:
    # The hand-written check skipped a whole config holding one unknown value (a preview hid the bad size).
    problems = check_destination(aws({**S3, "bucket_name": Unknown(), "max_file_size_mb": "big"}))
    assert problems == ["Configuration has invalid type: got 'str', expected 'int' (for 'max_file_size_mb')"]
    assert check_destination(aws({**S3, "bucket_name": Unknown()})) == []
    assert check_destination(aws({**S3, "file_format": Unknown(), "compression": "rar"})) == []
    assert check_destination(aws(Unknown())) == []


@pytest.mark.parametrize("value", [[], ["Parquet"], {"a": 1}])
def test_a_file_format_of_the_wrong_type_is_worded_not_a_crash(value: Any) -> None:
    # The hand-written check raised TypeError (unhashable) on these, failing check with a traceback.
    problems = check_destination(aws({**S3, "file_format": value}))
    assert problems == [
        f"Configuration has invalid type: got '{type(value).__name__}', expected 'str' (for 'file_format')"
    ]


def test_posthog_coercions_pass_and_the_rest_is_refused() -> None:
    assert check_destination(aws({**S3, "max_file_size_mb": "100", "legacy_parquet_extension": "TRUE"})) == []
    assert check_destination(aws({**S3, "max_file_size_mb": True})) == [
        "Configuration has invalid type: got 'bool', expected 'int' (for 'max_file_size_mb')"
    ]
    assert check_destination(aws({**S3, "legacy_parquet_extension": "yes"})) == [
        "Configuration has invalid type: got 'str', expected 'bool' (for 'legacy_parquet_extension')"
    ]


def test_the_destination_schema_is_a_union_discriminated_on_type() -> None:
    schema = destinations.json_schema()
    mapping = schema["discriminator"]["mapping"]
    assert set(mapping) == set(TYPES)
    defs = schema["$defs"]
    for name, t in TYPES.items():
        config = defs[f"{name}Config"]
        assert config["additionalProperties"] is False
        assert sorted(config.get("required", [])) == sorted(t.required), name
        assert set(config["properties"]) == set(t.all_fields()), name
        secret = {k for k, v in config["properties"].items() if v.get("secret")}
        assert secret == set(t.secret) & set(t.all_fields()), name
        for key, default in t.server_defaults.items():
            assert config["properties"][key]["default"] == default, (name, key)
        assert all(p.get("description") for p in config["properties"].values()), f"{name}: a key without a doc"


def test_every_resource_has_an_inputs_model_whose_schema_carries_its_rules() -> None:
    for name in catalog.names():
        spec = spec_for(name)
        schema = inputs.json_schema(spec)
        assert list(schema["properties"]) == [f.name for f in spec.fields], name
        assert set(schema.get("required", [])) == {f.name for f in spec.fields if f.required}, name
        for f in spec.fields:
            prop = schema["properties"][f.name]
            if f.max_length is not None:
                assert prop["maxLength"] == f.max_length, (name, f.name)
            if f.minimum is not None:
                assert prop["minimum"] == f.minimum, (name, f.name)
            if f.choices:
                assert prop["enum"] == list(f.choices), (name, f.name)
            if f.uuid is not None:
                assert "pattern" in prop and ("@current" in prop["pattern"]) == f.current_ok, (name, f.name)
            assert prop["title"] == f.name and prop.get("description") == (f.doc or None), (name, f.name)


def test_import_pulumi_posthog_does_not_load_pydantic() -> None:
    names = ", ".join(f"pulumi_posthog.{n}" for n in catalog.names())
    code = (
        "import sys, pulumi_posthog, pulumi_posthog.destinations; "
        f"{names}; pulumi_posthog.destinations.AwsS3(bucket_name='b', region='r', prefix='p', integration_id=1); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_a_first_check_loads_pydantic_core_not_pydantic() -> None:
    # pydantic's model machinery costs a fresh plugin ~100 ms more than pydantic-core (bench/cold_start.py): the
    # check path compiles schemas with pydantic-core only; pydantic loads for the JSON Schema (docs), never here.
    code = (
        "import sys; from pulumi_posthog.resources.engine import spec_for; "
        "from pulumi_posthog.resources.batch_export_rules import check_destination; "
        "spec = spec_for('BatchExport'); "
        "assert spec.check_fields({'project_id': 1, 'name': ' '}); "
        "assert check_destination({'type': 'AwsS3', 'config': {'bucket_name': ''}, 'integration_id': 1}); "
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')}))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "['pydantic_core']"
