"""Every example is a real Pulumi project; the root Pulumi.yaml is the quickstart; the CI recipe is a valid workflow
whose paths exist; the Makefile's demo targets go through scripts/demo.sh."""

from __future__ import annotations

import re
from typing import Any

import pulumi_posthog
import pytest
import yaml

from tests.examples.conftest import EXAMPLES, ROOT

PROJECTS = ("quickstart", "s3-export", "organization-settings", "backfill", "multi-region")
TESTED_BY = {name: ROOT / "tests" / "examples" / f"test_{name.replace('-', '_')}.py" for name in PROJECTS}


def test_every_example_directory_is_listed_here() -> None:
    assert sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()) == sorted((*PROJECTS, "ci"))


@pytest.mark.parametrize("name", PROJECTS)
def test_each_example_is_a_python_pulumi_project_pinning_this_package(name: str) -> None:
    directory = EXAMPLES / name
    project = yaml.safe_load((directory / "Pulumi.yaml").read_text())
    assert project["name"] == f"posthog-{name}" and project["description"]
    assert project["runtime"]["name"] == "python"
    assert project["runtime"]["options"] == {"toolchain": "pip", "virtualenv": "venv"}
    requirements = [line.split("#")[0].strip() for line in (directory / "requirements.txt").read_text().splitlines()]
    # Pulumi runs pip in the project's directory (sdk/python/toolchain/pip.go InstallDependencies, cwd): ../.. is
    # this repository, so an example installs the checkout it is in, not a release that may not exist.
    assert "-e ../.." in requirements and (directory / "../.." / "pyproject.toml").resolve().is_file()
    assert any(r.startswith("pulumi>=") for r in requirements)
    source = (directory / "__main__.py").read_text()
    compile(source, str(directory / "__main__.py"), "exec")
    assert "import pulumi_posthog as posthog" in source
    assert (directory / "README.md").read_text().startswith("# ")
    assert TESTED_BY[name].exists(), f"examples/{name} has no test"


def test_the_s3_example_pins_pulumi_aws_and_the_dev_extra_has_it() -> None:
    requirements = (EXAMPLES / "s3-export" / "requirements.txt").read_text()
    assert re.search(r"^pulumi-aws>=7", requirements, re.M)
    assert re.search(r'"pulumi-aws==7\.', (ROOT / "pyproject.toml").read_text())


def test_the_root_project_is_the_quickstart_in_the_demo_virtualenv() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv-demo"}}
    link = ROOT / project["main"] / ".venv-demo"  # where the plugin, started in main's directory, looks for it
    assert link.is_symlink() and (link.parent / link.readlink()).resolve() == (ROOT / ".venv-demo").resolve()
    assert project["main"] == "examples/quickstart"
    assert (ROOT / project["main"] / "__main__.py").exists()


def test_the_makefile_demo_targets_run_the_script_without_bootstrapping_first() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target, verb in (("demo", "up"), ("demo-down", "down")):
        match = re.search(rf"^{re.escape(target)}:(.*)\n\t(.+)$", makefile, re.M)
        assert match, target
        assert match.group(1).strip() == ""  # no $(STAMP): without pulumi nothing may start, not even pip
        assert f"bash scripts/demo.sh {verb}" in match.group(2)
    assert re.search(r"^\.PHONY:.*\bdemo-down\b", makefile, re.M)


# ----- the CI recipe ----------------------------------------------------------------------------------------------

WORKFLOW = EXAMPLES / "ci" / "pulumi-posthog.yml"


def workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


def pulumi_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if str(s.get("uses", "")).startswith("pulumi/actions@")]


def test_the_workflow_previews_pull_requests_with_the_policy_pack_and_updates_main() -> None:
    flow = workflow()
    triggers = flow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert flow["permissions"]["pull-requests"] == "write"

    preview, up = flow["jobs"]["preview"], flow["jobs"]["up"]
    assert "pull_request" in preview["if"] and "refs/heads/main" in up["if"]
    [preview_step] = [s for s in pulumi_steps(preview) if s.get("with", {}).get("command")]
    assert preview_step["with"]["command"] == "preview"
    assert preview_step["with"]["policyPacks"] == "./policy"
    assert preview_step["with"]["comment-on-pr"] is True
    [up_step] = [s for s in pulumi_steps(up) if s.get("with", {}).get("command")]
    assert up_step["with"]["command"] == "up"
    for job in (preview, up):
        runs = [s.get("run", "") for s in job["steps"]]
        assert "pulumi install" in runs  # the stack's dependencies, before Pulumi runs the program


def test_the_workflow_names_its_secrets_and_the_docs_list_them_with_the_scopes() -> None:
    text = WORKFLOW.read_text()
    env = workflow()["env"]
    assert env["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
    assert env["POSTHOG_PERSONAL_API_KEY"] == "${{ secrets.POSTHOG_PERSONAL_API_KEY }}"
    assert "PULUMI_BACKEND_URL" in env and "PULUMI_CONFIG_PASSPHRASE" in env  # the self-managed alternative
    readme = (EXAMPLES / "ci" / "README.md").read_text()
    for name in re.findall(r"secrets\.([A-Z_]+)", text):
        assert name == "GITHUB_TOKEN" or f"`{name}`" in readme, name
    for scope in ("organization:write", "batch_export:write", "integration:write", "project:read"):
        assert scope in readme


def test_every_path_the_workflow_names_exists_in_a_repo_laid_out_like_this_one() -> None:
    paths: list[str] = ["Pulumi.yaml"]
    for job in workflow()["jobs"].values():
        for step in job["steps"]:
            if "working-directory" in step:
                paths.append(step["working-directory"])
            for key in ("policyPacks", "policyPackConfigs", "work-dir"):
                if key in step.get("with", {}):
                    paths.extend(str(step["with"][key]).split())
    assert "./policy" in paths
    for path in paths:
        assert (ROOT / path).exists(), path
    assert (ROOT / "policy" / "PulumiPolicy.yaml").exists()
    for relative in re.findall(r"\]\(([^)#]+)\)", (EXAMPLES / "ci" / "README.md").read_text()):
        if not relative.startswith("http"):
            assert (EXAMPLES / "ci" / relative).resolve().exists(), relative


def test_the_readmes_of_the_examples_link_to_files_that_exist() -> None:
    for readme in EXAMPLES.glob("*/README.md"):
        for relative in re.findall(r"\]\(([^)#\s]+)", readme.read_text()):
            if not relative.startswith(("http://", "https://")):
                assert (readme.parent / relative).resolve().exists(), (readme, relative)


def test_the_examples_use_only_public_names() -> None:
    for main in EXAMPLES.glob("*/__main__.py"):
        for name, attribute in re.findall(
            r"(?<![./\w-])posthog\.([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?", main.read_text()
        ):
            assert name in pulumi_posthog.__all__, (main, name)
            if attribute and name in ("aws", "destinations"):
                assert hasattr(getattr(pulumi_posthog, name), attribute), (main, name, attribute)
