"""The pack: metadata, import safety, where ``PolicyPack`` is built, and ``policy/`` served as the CLI runs it."""

from __future__ import annotations

import io
import itertools
import json
import re
import subprocess
import sys
import threading
import tokenize
from pathlib import Path

import grpc
import pulumi_posthog
import pytest
import yaml
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from tests.policies.analyzer import LEVEL_NAMES, PolicyAnalyzer, to_struct
from tests.policies.resources import ORGANIZATION

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "provider" / "pulumi_posthog"
PACK_DIR = ROOT / "policy"
START_TIMEOUT = 30.0
EXPECTED = {
    "posthog-organization-enforce-2fa": "mandatory",
    "posthog-organization-deletion-protection": "mandatory",
    "posthog-export-no-inline-credentials": "mandatory",
    "posthog-integration-prefer-aws-role": "advisory",
    "posthog-export-s3-encryption": "advisory",
    "posthog-export-allowed-destinations": "mandatory",
    "posthog-export-allowed-intervals": "mandatory",
    "posthog-export-bucket-in-stack": "advisory",
    "posthog-backfill-max-range": "mandatory",
    "posthog-export-paused": "advisory",
    "posthog-export-verify-destination": "advisory",
}
OPTIONS = {
    "posthog-export-s3-encryption": {"encryption"},
    "posthog-export-allowed-destinations": {"allowedTypes"},
    "posthog-export-allowed-intervals": {"allowedIntervals"},
    "posthog-backfill-max-range": {"maxDays"},
}


def test_the_pack_declares_the_eleven_policies_with_levels_descriptions_and_option_schemas() -> None:
    info = PolicyAnalyzer().info

    assert info.name == "posthog" and info.supportsConfig
    assert {p.name: LEVEL_NAMES[p.enforcementLevel] for p in info.policies} == EXPECTED
    assert all(p.description.startswith("PostHog ") for p in info.policies)
    schemas = {p.name: set(p.configSchema.properties) for p in info.policies if p.configSchema.properties}
    assert schemas == OPTIONS
    stack = {p.name for p in info.policies if p.policy_type == analyzer_pb2.POLICY_TYPE_STACK}
    assert stack == {"posthog-export-bucket-in-stack"}


def test_the_default_options_are_what_the_readme_says() -> None:
    defaults = PolicyAnalyzer().configure({})

    assert defaults["posthog-backfill-max-range"][1] == {"maxDays": 31}
    assert defaults["posthog-export-allowed-intervals"][1]["allowedIntervals"] == [
        "hour",
        "day",
        "week",
        "every 5 minutes",
        "every 15 minutes",
    ]
    assert "HTTP" in defaults["posthog-export-allowed-destinations"][1]["allowedTypes"]
    assert defaults["posthog-export-s3-encryption"][1] == {}


def test_importing_the_policies_starts_no_server_and_the_provider_never_loads_pulumi_policy() -> None:
    script = (
        "import sys\n"
        "import pulumi_posthog as posthog\n"
        "_ = (posthog.Organization, posthog.BatchExport, posthog.Integration, posthog.destinations, posthog.aws)\n"
        "import pulumi_posthog.functions, pulumi_posthog.resources\n"
        "print('provider loaded pulumi_policy:', 'pulumi_policy' in sys.modules)\n"
        "import pulumi_posthog.policies as policies\n"
        "print('policies:', len(policies.POLICIES))\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=START_TIMEOUT, cwd=ROOT
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["provider loaded pulumi_policy: False", "policies: 11"]


def _calls(path: Path, name: str) -> list[int]:
    """Lines where ``name(`` is called in a Python file (code tokens only: strings and comments do not count)."""
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text()).readline))
    return [
        tok.start[0]
        for tok, nxt in itertools.pairwise(tokens)
        if tok.type == tokenize.NAME and tok.string == name and nxt.string == "("
    ]


def test_policy_main_is_the_only_place_that_builds_a_policy_pack() -> None:
    files = sorted([*PACKAGE.rglob("*.py"), *PACK_DIR.rglob("*.py")])

    builders = [str(path.relative_to(ROOT)) for path in files if _calls(path, "PolicyPack")]

    assert builders == ["policy/__main__.py"]


def test_nothing_else_in_the_package_imports_the_policies() -> None:
    pattern = re.compile(
        r"^\s*(from\s+\S*policies\s+import|import\s+\S*policies\b|from\s+\S+\s+import\s+.*\bpolicies\b)"
    )
    importers = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if path.name != "policies.py" and any(pattern.match(line) for line in path.read_text().splitlines())
    ]

    assert importers == []


def test_the_policy_extra_and_the_pack_files() -> None:
    tomllib = pytest.importorskip("tomllib")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    project = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    requirements = (PACK_DIR / "requirements.txt").read_text()

    assert any(r.startswith("pulumi-policy") for r in extras["policy"])
    assert any(r.startswith("pulumi-policy") for r in extras["dev"])
    assert project["runtime"]["name"] == "python" and project["version"] == pulumi_posthog.__version__
    assert f"pulumi-posthog[policy]=={pulumi_posthog.__version__}" in requirements.split()
    assert json.loads((PACK_DIR / "policy-config.example.json").read_text())


def _read_port(process: subprocess.Popen[str]) -> int:
    """The port the pack prints first, as the CLI reads it (fails after START_TIMEOUT)."""
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline() if process.stdout else ""))
    reader.start()
    reader.join(START_TIMEOUT)
    assert line and line[0].strip().isdigit(), f"no port from the pack: {line!r}"
    return int(line[0])


def test_the_pack_directory_serves_the_policies_as_the_cli_runs_it() -> None:
    """``python -u policy`` (the pack's __main__.py) prints its port and answers the analyzer protocol."""
    process = subprocess.Popen(
        [sys.executable, "-u", str(PACK_DIR)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        port = _read_port(process)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=START_TIMEOUT)
            disabled = analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.DISABLED, properties=struct_pb2.Struct())
            stub.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={"posthog-export-paused": disabled}))
            urn = f"urn:pulumi:dev::project::{ORGANIZATION}::org"
            request = analyzer_pb2.AnalyzeRequest(
                type=ORGANIZATION, properties=to_struct({"name": "Acme"}), urn=urn, name="org"
            )
            response = stub.Analyze(request, timeout=START_TIMEOUT)
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert {p.name: LEVEL_NAMES[p.enforcementLevel] for p in info.policies} == EXPECTED
    assert [(d.policyName, LEVEL_NAMES[d.enforcementLevel]) for d in response.diagnostics] == [
        ("posthog-organization-enforce-2fa", "mandatory")
    ]
