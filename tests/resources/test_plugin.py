"""The real plugin process (``python -u -m pulumi.dynamic``, as ``pulumi-resource-pulumi-python`` starts it) over gRPC.

It must load the provider from the installed package, take credentials from Configure, and run Check → Create →
Read → Delete against posthog-local; started where the provider's module cannot be imported, it must fail with a
clean ``No module named ...`` error instead of hanging or crashing.
"""

from __future__ import annotations

import stat
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import grpc
import pytest
from pulumi_posthog.resources.engine import PostHogProvider

from tests.conftest import LocalServer
from tests.harness import AbortError, MiniEngine, PluginProcess, Secret, process_plugin, provider_blob
from tests.resources.conftest import batch_export

REPO_ROOT = Path(__file__).resolve().parents[2]
TYPE = "pulumi-python:dynamic/posthog:BatchExport"
URN = f"urn:pulumi:dev::project::{TYPE}::nightly"
HTTP = {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": "phc_plugin_token_9012"}}


def api_requests(server: LocalServer) -> list[tuple[str, str, int]]:
    return [(r["method"], r["path"], r["status"]) for r in server.requests_seen()["recent"]]


def test_the_plugin_process_runs_configure_check_create_read_delete(posthog_local: LocalServer) -> None:
    server, project, name = posthog_local, posthog_local.new_project(), f"plugin-{uuid.uuid4().hex[:8]}"
    blob = provider_blob(PostHogProvider("BatchExport"))
    inputs = {"project_id": project, "name": name, "interval": "day", "destination": HTTP, "__provider": blob}
    server.control("DELETE", "requests")

    config = {"posthog:host": server.url, "posthog:apiKey": Secret(server.api_key)}
    with PluginProcess(REPO_ROOT) as plugin:  # `pulumi up`, then `pulumi refresh`
        configured = plugin.configure(config)
        checked = plugin.check(URN, {}, inputs)
        assert api_requests(server) == []  # check never calls PostHog
        created = plugin.create(URN, checked.inputs or {})
        live = server.api("GET", f"/api/projects/{project}/batch_exports/{created.id}/").json()
        read = plugin.read(URN, created.id, created.outputs, checked.inputs or {})
        output = plugin.output
    with PluginProcess(REPO_ROOT) as plugin:  # `pulumi destroy`: every command starts its own plugin
        plugin.configure(config)
        plugin.delete(URN, created.id, read.outputs, read.inputs or {})
        output += plugin.output

    assert not configured.accept_secrets
    assert checked.failures == [] and checked.inputs is not None and checked.inputs["__provider"] == blob
    assert live["name"] == name and live["destination"]["type"] == "HTTP"
    assert created.outputs["__provider"] == blob and created.outputs["team_id"] == project
    assert read.id == created.id and read.inputs is not None and read.inputs["name"] == name
    assert read.outputs["destination"]["config"]["token"] == HTTP["config"]["token"]  # kept, PostHog omits it
    calls = [(m, s) for m, _, s in api_requests(server)]
    # create (a look for an interrupted run's export, then the POST), (the test's look), read, delete
    assert calls == [("GET", 200), ("POST", 201), ("GET", 200), ("GET", 200), ("DELETE", 204)]
    assert server.api("GET", f"/api/projects/{project}/batch_exports/{created.id}/").status_code == 404
    assert server.api_key not in output


def test_the_plugin_process_reports_check_failures_and_posthog_errors(posthog_local: LocalServer) -> None:
    server = posthog_local
    blob = provider_blob(PostHogProvider("BatchExport"))
    key = server.new_key(scopes=["batch_export:read"])
    bad = {"project_id": server.project, "name": "", "interval": "fortnight", "destination": HTTP, "__provider": blob}
    good = {**bad, "name": "denied", "interval": "day"}

    with PluginProcess(REPO_ROOT) as plugin:
        plugin.configure({"posthog:host": server.url, "posthog:apiKey": Secret(key)})
        checked = plugin.check(URN, {}, bad)
        with pytest.raises(AbortError) as denied:
            plugin.create(URN, good)

    assert sorted(prop for prop, _ in checked.failures) == ["interval", "name"]
    assert denied.value.code == grpc.StatusCode.UNKNOWN
    assert denied.value.summary.startswith("pulumi_posthog.resources.engine.PostHogResourceError: creating BatchExport")
    assert "missing required scope 'batch_export:write'" in denied.value.summary
    assert key not in denied.value.details


def test_a_whole_engine_run_over_the_plugin_process(posthog_local: LocalServer) -> None:
    server, project = posthog_local, posthog_local.new_project()
    engine = MiniEngine(
        {"posthog:host": server.url, "posthog:apiKey": Secret(server.api_key)}, plugin=process_plugin(REPO_ROOT)
    )
    goal = batch_export(
        "nightly", project_id=project, name="via-plugin", interval="hour", destination=HTTP, secret_keys=("token",)
    )

    created = engine.up([goal]).expect_ok()
    again = engine.up([goal]).expect_ok()
    engine.destroy().expect_ok()

    assert created.ops() == {"nightly": "create"} and again.ops() == {"nightly": "same"}
    assert engine.resources == []
    assert server.api("GET", f"/api/projects/{project}/batch_exports/").json()["results"] == []


# ----- started where the provider cannot be imported ---------------------------------------------------------

THROWAWAY = """
from pulumi.dynamic import CheckResult, ResourceProvider


class ThrowawayProvider(ResourceProvider):
    def check(self, olds, news):
        return CheckResult(news, [])
"""


def _throwaway_blob(module_dir: Path, module: str) -> str:
    (module_dir / f"{module}.py").write_text(THROWAWAY)
    sys.path.insert(0, str(module_dir))
    try:
        loaded = __import__(module)
        return provider_blob(loaded.ThrowawayProvider())
    finally:
        sys.path.remove(str(module_dir))
        sys.modules.pop(module, None)


def test_a_plugin_started_where_the_provider_module_is_missing_fails_cleanly(tmp_path: Path) -> None:
    module = f"throwaway_provider_{uuid.uuid4().hex[:8]}"
    home, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    blob = _throwaway_blob(home, module)
    urn = "urn:pulumi:dev::project::pulumi-python:dynamic:Resource::x"

    with PluginProcess(home) as plugin:  # the control: from its project directory the class imports
        plugin.configure({})
        assert plugin.check(urn, {}, {"a": 1, "__provider": blob}).failures == []
    with PluginProcess(elsewhere) as plugin:
        plugin.configure({})
        with pytest.raises(AbortError) as caught:
            plugin.check(urn, {}, {"a": 1, "__provider": blob})
        installed = plugin.check(
            urn, {}, {"name": "Acme", "__provider": provider_blob(PostHogProvider("Organization"))}
        )

    assert caught.value.code == grpc.StatusCode.UNKNOWN
    assert caught.value.summary == f"ModuleNotFoundError: No module named '{module}'"
    assert installed.failures == []  # the installed package loads from any directory


def test_a_python_without_pulumi_posthog_installed_fails_with_no_module_named(tmp_path: Path) -> None:
    """A stack venv that lacks the package (pulumi installed, pulumi_posthog not) sees a clean import error."""
    python = tmp_path / "python-without-pulumi-posthog"
    python.write_text(
        textwrap.dedent(
            f"""\
            #!/bin/sh
            exec {sys.executable} -u -c "import runpy, sys; \\
            sys.path[:] = [p for p in sys.path if not p.rstrip('/').endswith('/provider')]; \\
            runpy.run_module('pulumi.dynamic', run_name='__main__', alter_sys=True)"
            """
        )
    )
    python.chmod(python.stat().st_mode | stat.S_IEXEC)
    blob = provider_blob(PostHogProvider("BatchExport"))

    with PluginProcess(tmp_path, python=str(python)) as plugin:
        plugin.configure({})
        with pytest.raises(AbortError) as caught:
            plugin.check(URN, {}, {"name": "x", "__provider": blob})

    assert caught.value.code == grpc.StatusCode.UNKNOWN
    assert caught.value.summary == "ModuleNotFoundError: No module named 'pulumi_posthog'"


def test_a_warning_reaches_the_plugins_stderr_once_and_redacted() -> None:
    # The CLI shows the plugin's stderr as diagnostics; logging's last-resort handler would print every warning a
    # second time, unprefixed, in a process (like the plugin) that configures no logging.
    code = (
        "from pulumi_posthog.client.errors import register_secret\n"
        "from pulumi_posthog.resources.engine import warn\n"
        "register_secret('phx_' + 'k' * 40)\n"
        "warn('adopting organization Acme; key phx_' + 'k' * 40)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)

    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("warning: adopting organization Acme"), done.stderr
    assert "k" * 40 not in done.stderr
