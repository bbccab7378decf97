"""docs/testing.md's examples run as written (each a test file, in a fresh interpreter: set_mocks is global), and
``pulumi_posthog.testing``'s mocks check inputs, fill outputs and keep lookups offline."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "testing.md"


def example(name: str, path: Path = GUIDE) -> str:
    match = re.search(rf"<!-- example: {name} -->\n```python\n(.*?)```", path.read_text(), flags=re.S)
    assert match, f"no '{name}' example in {path.name}"
    return match.group(1)


def run_pytest(directory: Path, source: str, name: str = "test_example.py") -> subprocess.CompletedProcess[str]:
    (directory / name).write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", name],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(directory)},  # no POSTHOG_* credentials: nothing to reach
    )


def run_python(directory: Path, source: str) -> subprocess.CompletedProcess[str]:
    (directory / "script.py").write_text(source)
    return subprocess.run(
        [sys.executable, "script.py"], cwd=directory, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(directory)},
    )  # fmt: skip


@pytest.mark.parametrize(("name", "passed"), [("mocks", 2), ("engine", 1)])
def test_the_guide_examples_pass(tmp_path: Path, name: str, passed: int) -> None:
    done = run_pytest(tmp_path, example(name))
    assert done.returncode == 0 and f"{passed} passed" in done.stdout, done.stdout + done.stderr


def test_the_readme_program_runs_under_posthog_mocks(tmp_path: Path) -> None:
    [program] = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)[:1]
    source = (
        "import pulumi\nfrom pulumi_posthog.testing import PostHogMocks\n"
        "pulumi.runtime.set_mocks(PostHogMocks(), preview=False)\n\n"
        "@pulumi.runtime.test\ndef test_readme():\n" + "".join(f"    {line}\n" for line in program.splitlines())
    )
    done = run_pytest(tmp_path, source)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


CHECKED = """
import pulumi
from pulumi_posthog.testing import CheckFailed, PostHogMocks
mocks = PostHogMocks()
pulumi.runtime.set_mocks(mocks, preview=False)
import pulumi_posthog as posthog

@pulumi.runtime.test
def declare():
    role = posthog.Integration("role", project_id=1, kind="aws-s3", config={"name": "lake", "aws_role_arn": "x"})
    return role.id

try:
    declare()
except CheckFailed as failed:
    print("FAILED", failed.failures, str(failed))
"""


def test_bad_inputs_fail_naming_the_property(tmp_path: Path) -> None:
    done = run_python(tmp_path, CHECKED)
    assert "FAILED [('config', 'AWS role ARN is not valid" in done.stdout, done.stdout + done.stderr
    assert "posthog.Integration 'role'" in done.stdout and "property config" in done.stdout


OUTPUTS = """
import pulumi
from pulumi_posthog.testing import PostHogMocks
pulumi.runtime.set_mocks(PostHogMocks(), preview=False)
import pulumi_posthog as posthog

@pulumi.runtime.test
def declare():
    org = posthog.Organization("org", adopt_id="@current", name="Mock organization")
    role = posthog.Integration(
        "role", project_id=1, kind="aws-s3", config={"name": "lake", "aws_role_arn": "arn:aws:iam::123456789012:role/x"}
    )
    export = posthog.BatchExport(
        "e", project_id=org.projects.apply(lambda p: int(p[0]["id"])), name="n", interval="hour",
        destination=posthog.destinations.AwsS3(
            bucket_name="b", region="eu-west-1", prefix="p/", integration_id=role.id
        ),
    )
    return pulumi.Output.all(org.id, org.projects, role.id, role.config, export.id, export.team_id).apply(
        lambda v: print("OUT", repr(v))
    )

declare()
"""


def test_computed_outputs_are_plausible(tmp_path: Path) -> None:
    done = run_python(tmp_path, OUTPUTS)
    assert done.returncode == 0, done.stdout + done.stderr
    [line] = [line for line in done.stdout.splitlines() if line.startswith("OUT ")]
    org_id, projects, role_id, role_config, export_id, team_id = eval(line[4:])
    assert re.fullmatch(r"[0-9a-f-]{36}", org_id) and projects[0]["id"] == 1
    assert role_id.isdigit() and re.fullmatch(r"lake-[a-z0-9]{7}", role_config["name"])  # the check's auto-suffix
    assert re.fullmatch(r"[0-9a-f-]{36}", export_id) and team_id == 1


LOOKUPS = """
import pulumi
from pulumi_posthog.testing import PostHogMocks

class Plain(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return args.name, args.inputs
    def call(self, args):
        return {}

pulumi.runtime.set_mocks(MOCKS, preview=False)
import pulumi_posthog as posthog
try:
    print("ORG", posthog.get_organization()["projects"], posthog.get_batch_exports(project_id=1))
except RuntimeError as exc:
    print("REFUSED", exc)
"""


def test_lookups_answer_offline_under_posthog_mocks(tmp_path: Path) -> None:
    done = run_python(tmp_path, LOOKUPS.replace("MOCKS", "PostHogMocks()"))
    assert "ORG [{'id': 1, 'name': 'Default project'}] []" in done.stdout, done.stdout + done.stderr


def test_lookups_refuse_the_network_under_other_mocks(tmp_path: Path) -> None:
    done = run_python(tmp_path, LOOKUPS.replace("MOCKS", "Plain()"))
    assert "REFUSED a posthog lookup" in done.stdout and "PostHogMocks" in done.stdout, done.stdout + done.stderr


def test_importing_the_package_does_not_load_the_testing_aids(tmp_path: Path) -> None:
    done = run_python(
        tmp_path,
        "import sys, pulumi_posthog\npulumi_posthog.BatchExport, pulumi_posthog.get_organization\n"
        "print(sorted(m for m in sys.modules if m.startswith('pulumi_posthog.testing')))",
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_every_catalog_resource_gets_made_up_outputs() -> None:
    # The catalog is the one list of resources: a new one without plausible outputs would fall back to "<name>-id".
    from pulumi_posthog import catalog
    from pulumi_posthog.testing.mocks import COMPUTED

    without_state = {"EnvironmentsRollback"}  # nothing to read back: its only output is PostHog's message
    assert {entry.name for entry in catalog.RESOURCES} - without_state <= set(COMPUTED)


PROJECT = """
import pulumi
from pulumi_posthog.testing import PostHogMocks
pulumi.runtime.set_mocks(PostHogMocks(), preview=False)
import pulumi_posthog as posthog

@pulumi.runtime.test
def declare():
    project = posthog.Project("p", organization_id="@current", name="Analytics")
    return pulumi.Output.all(project.id, project.api_token).apply(lambda v: print("OUT", repr(v)))

declare()
"""


def test_a_mocked_project_has_a_numeric_id_and_a_project_token(tmp_path: Path) -> None:
    done = run_python(tmp_path, PROJECT)
    assert done.returncode == 0, done.stdout + done.stderr
    [line] = [line for line in done.stdout.splitlines() if line.startswith("OUT ")]
    project_id, token = eval(line[4:])
    assert project_id.isdigit() and token.startswith("phc_")
