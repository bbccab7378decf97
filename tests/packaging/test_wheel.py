"""The built wheel: what the Pulumi CLI and type checkers read from the installed package."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def wheel(wheel_path: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(wheel_path)


def test_the_wheel_tells_the_cli_there_is_no_plugin_to_install(wheel: zipfile.ZipFile) -> None:
    # sdk/python/cmd/pulumi-language-python/main.go determinePackageDependency: a package whose name starts with
    # `pulumi-` and has no pulumi-plugin.json makes the CLI look for a resource plugin named after it ("posthog");
    # `"resource": false` says there is none.
    assert json.loads(wheel.read("pulumi_posthog/pulumi-plugin.json")) == {"resource": False}


def test_the_wheel_is_typed(wheel: zipfile.ZipFile) -> None:
    assert "pulumi_posthog/py.typed" in wheel.namelist()


def test_the_wheel_has_the_export_command_and_the_testing_aids(wheel: zipfile.ZipFile) -> None:
    [entry_points] = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    scripts = wheel.read(entry_points).decode()
    assert "pulumi-posthog = pulumi_posthog.export.cli:main" in scripts
    names = set(wheel.namelist())
    assert {"pulumi_posthog/export/cli.py", "pulumi_posthog/testing/mocks.py"} <= names
    assert "pulumi_posthog/testing/engine/engine.py" in names
