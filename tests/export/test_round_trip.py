"""``pulumi-posthog export`` round trip: seed posthog-local, export the project, run the written program through the
engine double with the secrets in config — nothing new on the first up, no write on the second, no refresh drift,
no secret on disk, ruff clean."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pulumi_posthog.testing.engine import MiniEngine, ProgramRunner, Secret
from pulumi_posthog.testing.local_server import LocalServer

from tests.resources.cases import destinations, kinds, token

SCRIPT = Path(sys.executable).parent / "pulumi-posthog"
RUFF = Path(sys.executable).parent / "ruff"
SECRET_LINE = re.compile(r"^  pulumi config set --secret (?P<key>[^\s:]+)\s+# (?P<what>.+)$", re.M)


class Seeded:
    """A project made as in PostHog's UI, and every secret value it was given (per integration id / export id)."""

    def __init__(self, server: LocalServer, project: int) -> None:
        self.server, self.project = server, project
        self.values: dict[tuple[str, str], str] = {}  # (integration id or export id, key) → the secret

    def integration(self, kind: str, config: dict[str, Any], secret_keys: tuple[str, ...]) -> int:
        response = self.server.api(
            "POST", f"/api/projects/{self.project}/integrations/", json={"kind": kind, "config": config}
        )
        assert response.status_code == 201, response.text
        integration_id = response.json()["id"]
        for key in secret_keys:
            if config.get(key) is not None:
                self.values[(str(integration_id), key)] = config[key]
        return integration_id

    def export(self, name: str, destination: dict[str, Any], secret_keys: tuple[str, ...] = (), **fields: Any) -> str:
        body = {"name": name, "interval": "hour", "destination": destination, **fields}
        response = self.server.api("POST", f"/api/projects/{self.project}/batch_exports/", json=body)
        assert response.status_code == 201, response.text
        export_id = response.json()["id"]
        for key in secret_keys:
            self.values[(export_id, key)] = destination["config"][key]
        return export_id

    def ids(self) -> tuple[set[str], set[str]]:
        listing = self.server.api("GET", f"/api/projects/{self.project}/integrations/").json()["results"]
        exports = self.server.api("GET", f"/api/projects/{self.project}/batch_exports/").json()["results"]
        return {str(i["id"]) for i in listing}, {e["id"] for e in exports}


def seed(server: LocalServer) -> Seeded:
    """An HTTP export, an AwsS3 export through a role Integration, a Postgres export with its Integration, and one
    export of each other destination type the newest PostHog creates, each with an Integration of its kind."""
    seeded = Seeded(server, server.project)
    role = f"arn:aws:iam::{secrets.randbelow(10**12):012d}:role/posthog-exports"
    all_kinds = kinds()
    for destination in destinations().values():
        body: dict[str, Any] = {"type": destination.type, "config": dict(destination.config)}
        if destination.kind == "aws-s3":
            body["integration_id"] = seeded.integration("aws-s3", {"name": "lake", "aws_role_arn": role}, ())
        elif destination.kind:
            kind = all_kinds[destination.kind]
            body["integration_id"] = seeded.integration(kind.kind, dict(kind.config), kind.secret)
        seeded.export(f"to {destination.type}", body, destination.secret)
    seeded.export(
        "nightly to EU",
        {
            "type": "HTTP",
            "config": {
                "url": "https://eu.i.posthog.com/batch/",
                "token": token("phc"),
                "exclude_events": ["$pageleave"],
            },
        },
        ("token",),
        interval="day",
        offset_hour=3,
        timezone="Europe/Paris",
    )
    return seeded


def run_export(server: LocalServer, out: Path, *extra: str) -> str:
    done = subprocess.run(
        [str(SCRIPT), "export", "--project-id", str(server.project), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "POSTHOG_HOST": server.url, "POSTHOG_PERSONAL_API_KEY": server.api_key},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def config_for(printed: str, seeded: Seeded, project: str) -> dict[str, Any]:
    """The stack config a user would set from the printed lines: each KEY gets the secret its comment names."""
    config: dict[str, Any] = {}
    for line in SECRET_LINE.finditer(printed):
        owner = re.search(r"integration (\d+): (\w+)$", line["what"]) or re.search(
            r"\(([0-9a-f-]{36})\): (\w+)$", line["what"]
        )
        assert owner, line["what"]
        config[f"{project}:{line['key']}"] = Secret(seeded.values[(owner[1], owner[2])])
    return config


@pytest.fixture
def server(fresh_local: Any) -> LocalServer:
    return fresh_local()


def test_the_exported_program_adopts_everything_and_settles(server: LocalServer, tmp_path: Path) -> None:
    seeded = seed(server)
    before = seeded.ids()
    out = tmp_path / "exported"
    printed = run_export(server, out, "--organization", "--name", "acme-posthog")

    # the files: a project, every secret asked for and none written
    assert sorted(p.name for p in out.iterdir()) == [".gitignore", "Pulumi.yaml", "__main__.py", "requirements.txt"]
    written = "".join(p.read_text() for p in out.iterdir())
    assert not [s for s in seeded.values.values() if s in written]
    assert "name: acme-posthog" in (out / "Pulumi.yaml").read_text()
    main = (out / "__main__.py").read_text()
    assert "posthog.destinations.AwsS3(" in main and "posthog.destinations.HTTP(" in main
    assert main.count("adopt_id=") == 1 + len(before[0]) + len(before[1])
    assert "opts=adopted" in main and "retain_on_delete=True" in main
    config = config_for(printed, seeded, "acme-posthog")
    assert {s.value for s in config.values()} == set(seeded.values.values())  # exactly the secrets PostHog hides

    # the code: ruff clean (check and format, with ruff's defaults)
    for command in (["check", "--isolated"], ["format", "--check", "--isolated"]):
        done = subprocess.run([str(RUFF), *command, str(out)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr

    engine = MiniEngine(
        {"posthog:host": server.url, "posthog:apiKey": Secret(server.api_key), **config}, project="acme-posthog"
    )
    runner = ProgramRunner(engine)
    server.control("DELETE", "requests")
    first = runner.up(out).expect_ok()
    assert seeded.ids() == before  # no new object on the server
    assert set(first.result.ops().values()) == {"create"}  # adoptions, into the state
    writes = [(r["method"], r["path"]) for r in server.requests_seen()["recent"] if r["method"] != "GET"]
    # only where configured secrets must be applied: the upsert-kind integrations and the HTTP exports' tokens
    upserts = {"postgresql", "aws-redshift", "google-cloud-service-account", "databricks", "azure-blob"}
    assert sorted(m for m, _ in writes) == ["PATCH", "PATCH"] + ["POST"] * len(upserts), writes

    server.control("DELETE", "requests")
    second = runner.up(out).expect_ok()
    assert set(second.result.ops().values()) == {"same"}
    assert [r for r in server.requests_seen()["recent"] if r["method"] != "GET"] == []

    refreshed = engine.refresh().expect_ok()
    assert set(refreshed.ops().values()) == {"same"}, [(s.name, s.diffs) for s in refreshed.steps if s.op != "same"]
    assert set(runner.preview(out).expect_ok().result.ops().values()) == {"same"}
    checkpoint = engine.checkpoint_json()
    assert not [s for s in seeded.values.values() if s in checkpoint]


def test_export_without_a_key_says_which_variable_to_set(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(SCRIPT), "export", "--project-id", "1", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "POSTHOG_HOST": "http://127.0.0.1:9"},
    )
    assert done.returncode == 1 and "POSTHOG_PERSONAL_API_KEY" in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


def test_the_command_names_each_default_policy_the_program_does_not_meet(server: LocalServer, tmp_path: Path) -> None:
    from tests.policies.analyzer import PolicyAnalyzer, from_run

    seeded = Seeded(server, server.project)
    keys = kinds()["aws-s3"]
    lake = seeded.integration("aws-s3", dict(keys.config), keys.secret)
    s3 = {"bucket_name": "lake", "region": "us-east-1", "prefix": "events/"}
    seeded.export("raw", {"type": "AwsS3", "config": s3, "integration_id": lake})
    paused = seeded.export(
        "eu", {"type": "HTTP", "config": {"url": destinations()["HTTP"].config["url"], "token": "t"}}
    )
    assert server.api("POST", f"/api/projects/{server.project}/batch_exports/{paused}/pause/").status_code == 200
    out = tmp_path / "exported"
    printed = run_export(server, out, "--organization", "--name", "acme")

    said = set(re.findall(r"^  policy (\S+) \((\w+)\) not met by (\S+):", printed, flags=re.M))
    engine = MiniEngine({"posthog:host": server.url, "posthog:apiKey": Secret(server.api_key)}, project="acme")
    config = {f"acme:{line['key']}": Secret("x") for line in SECRET_LINE.finditer(printed)}
    engine.config.update(config)
    run = ProgramRunner(engine).preview(out).expect_ok()
    inputs, outputs = from_run(run)
    analyzer = PolicyAnalyzer()
    found = {(d.policy, d.level, d.resource) for res in inputs for d in analyzer.analyze(res)}
    found |= {(d.policy, d.level, d.resource) for d in analyzer.analyze_stack(outputs)}
    assert found == said
    assert {p for p, _, _ in said} == {
        "posthog-organization-enforce-2fa",
        "posthog-integration-prefer-aws-role",
        "posthog-export-s3-encryption",
        "posthog-export-bucket-in-stack",
        "posthog-export-paused",
        "posthog-export-verify-destination",
    }


def test_an_existing_program_is_not_overwritten_without_force(server: LocalServer, tmp_path: Path) -> None:
    out = tmp_path / "exported"
    out.mkdir()
    (out / "__main__.py").write_text("# mine\n")
    done = subprocess.run(
        [str(SCRIPT), "export", "--project-id", str(server.project), "--out", str(out)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "POSTHOG_HOST": server.url, "POSTHOG_PERSONAL_API_KEY": server.api_key},
    )
    assert done.returncode == 1 and "--force" in done.stderr
    assert (out / "__main__.py").read_text() == "# mine\n"
    run_export(server, out, "--force")
    assert "import pulumi_posthog as posthog" in (out / "__main__.py").read_text()
