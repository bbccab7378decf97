"""The ``__provider`` blob: small, free of hosts and keys, stable, and loadable in a fresh interpreter."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi_posthog import catalog
from pulumi_posthog.resources.engine import PostHogProvider, spec_for

from tests.harness import provider_blob

REPO_ROOT = Path(__file__).resolve().parents[2]
RESOURCES = catalog.names()
CONNECTIONS = (None, "eu", "self-hosted_2", "c" * 32)  # the longest name a connection may have
MAX_BLOB = 200
HOST, KEY = "https://eu.posthog.example", "phx_serialization_key_0123456789"

ROUND_TRIP = r"""
import base64, json, sys
import dill
from pulumi.dynamic.dynamic import serialize_provider

out = []
for blob in json.loads(sys.stdin.read()):
    provider = dill.loads(base64.b64decode(blob))
    checked = provider.check({}, {"name": "x"})
    out.append({
        "class": f"{type(provider).__module__}.{type(provider).__qualname__}",
        "resource": provider.resource,
        "connection": provider.connection,
        "spec": provider.spec.name,
        "checked": sorted(f.property for f in checked.failures),
        "again": serialize_provider(provider),
        "file": sys.modules[type(provider).__module__].__file__,
    })
print(json.dumps(out))
"""


def blobs() -> dict[tuple[str, str | None], str]:
    return {(r, c): provider_blob(PostHogProvider(r, c)) for r in RESOURCES for c in CONNECTIONS}


def test_every_blob_is_at_most_200_bytes_and_names_only_class_resource_and_connection() -> None:
    sizes = {}
    for (resource, connection), blob in blobs().items():
        raw = base64.b64decode(blob)
        sizes[f"{resource}{'@' + connection if connection else ''}"] = len(blob)
        assert len(blob.encode()) <= MAX_BLOB, (resource, connection, len(blob))
        assert b"pulumi_posthog.resources.engine" in raw and b"PostHogProvider" in raw
        assert resource.encode() in raw
        assert (connection or "").encode() in raw
        for forbidden in (b"http", b"posthog.com", b"127.0.0.1", b"phx_", b"apiKey", b"_stack", b"client"):
            assert forbidden not in raw, (resource, forbidden)
    print("\n__provider bytes (base64 as stored in state): " + json.dumps(sizes))


def test_configure_never_reaches_the_blob_and_two_blobs_are_identical() -> None:
    provider = PostHogProvider("BatchExport", "eu")
    before = provider_blob(provider)
    connections = json.dumps({"eu": {"host": HOST, "apiKey": KEY}})
    provider.configure(ConfigureRequest(Config({"posthog:apiKey": KEY, "posthog:connections": connections}, "p")))

    after = provider_blob(provider)

    assert provider._stack  # configure kept the config, on the instance only
    assert after == before == provider_blob(PostHogProvider("BatchExport", "eu"))
    assert KEY.encode() not in base64.b64decode(after) and b"eu.posthog" not in base64.b64decode(after)


@pytest.mark.parametrize("cwd", ["repo root", "elsewhere"])
def test_blobs_load_and_work_in_a_fresh_interpreter(cwd: str, tmp_path: Path) -> None:
    """What the plugin process does: a new Python, no PYTHONPATH, unpickle by reference, call the provider."""
    expected = blobs()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith(("PULUMI_", "POSTHOG_"))}
    done = subprocess.run(
        [sys.executable, "-c", ROUND_TRIP],
        input=json.dumps(list(expected.values())),
        capture_output=True,
        text=True,
        cwd=REPO_ROOT if cwd == "repo root" else tmp_path,
        env=env,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert len(loaded) == len(expected)
    for ((resource, connection), blob), got in zip(expected.items(), loaded, strict=True):
        assert got["class"] == "pulumi_posthog.resources.engine.PostHogProvider"
        assert (got["resource"], got["connection"], got["spec"]) == (resource, connection, resource)
        assert got["again"] == blob  # deterministic across processes: no spurious `__provider` diff
        required = sorted(f.name for f in spec_for(resource).fields if f.required and f.name != "name")
        assert set(required) <= set(got["checked"]), (resource, got["checked"])
        assert Path(got["file"]).is_relative_to(REPO_ROOT / "provider")  # the installed (editable) package
