"""The program-side helpers: data functions against posthog-local, and the AWS trust-policy wiring."""

from __future__ import annotations

import json

import pulumi_posthog as posthog
import pytest

from tests.conftest import LocalServer


@pytest.fixture
def env(posthog_local: LocalServer, monkeypatch: pytest.MonkeyPatch) -> LocalServer:
    monkeypatch.setenv("POSTHOG_HOST", posthog_local.url)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", posthog_local.api_key)
    return posthog_local


def test_get_organization_and_organizations(env: LocalServer) -> None:
    current = posthog.get_organization()
    assert current["id"] == env.api("GET", "/api/organizations/@current/").json()["id"]
    assert posthog.get_organization(env.organization)["id"] == env.organization
    listed = {org["id"] for org in posthog.get_organizations()}
    assert env.organization in listed and current["id"] in listed


def test_get_batch_exports_by_project_and_by_organization(env: LocalServer) -> None:
    org = env.api("POST", "/api/organizations/", json={"name": "Functions"}).json()
    project = org["projects"][0]["id"]
    body = {
        "name": "fn",
        "interval": "hour",
        "destination": {"type": "HTTP", "config": {"url": "https://us.i.posthog.com/batch/", "token": "t"}},
    }
    created = env.api("POST", f"/api/projects/{project}/batch_exports/", json=body).json()
    assert [e["id"] for e in posthog.get_batch_exports(project_id=project)] == [created["id"]]
    assert [e["id"] for e in posthog.get_batch_exports(organization_id=org["id"])] == [created["id"]]
    assert "token" not in posthog.get_batch_exports(project_id=project)[0]["destination"]["config"]


def test_missing_key_names_every_place(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("POSTHOG_PERSONAL_API_KEY", "POSTHOG_API_KEY", "POSTHOG_HOST"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(Exception) as info:
        posthog.get_organizations()
    text = str(info.value)
    assert "posthog:apiKey" in text and "POSTHOG_PERSONAL_API_KEY" in text and "POSTHOG_API_KEY" in text


def test_external_id_and_trust_policy() -> None:
    org = "0192d1c4-7c1e-7b11-8f8e-1d2c3b4a5f60"
    assert posthog.aws.external_id(org) == f"posthog-{org}"
    policy = json.loads(posthog.aws.trust_policy(org, region="eu"))
    statement = policy["Statement"][0]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::623789312881:role/posthog-external-batch-exports"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": f"posthog-{org}"}}
    custom = json.loads(posthog.aws.trust_policy(org, principal_arn="arn:aws:iam::111111111111:role/self-hosted"))
    assert custom["Statement"][0]["Principal"]["AWS"] == "arn:aws:iam::111111111111:role/self-hosted"
    with pytest.raises(ValueError, match="region must be 'us' or 'eu'"):
        posthog.aws.trust_policy(org, region="ap")


def test_public_names_and_lazy_import() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pulumi_posthog as p; assert 'pulumi' not in sys.modules, 'eager import';"
        "p.BatchExport; assert p.BatchExport._resource_type_name == 'dynamic/posthog:BatchExport'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert set(posthog.__all__) >= {
        "Organization",
        "BatchExport",
        "Integration",
        "BatchExportBackfill",
        "EnvironmentsRollback",
        "get_organization",
        "get_organizations",
        "get_batch_exports",
        "aws",
        "destinations",
    }


@pytest.mark.parametrize("module", ["pulumi_posthog.local.cli", "pulumi_posthog.client"])
def test_rooms_server_and_client_never_import_pulumi(module: str) -> None:
    import subprocess
    import sys

    code = (
        f"import sys, {module}; "
        "bad = [m for m in sys.modules if m == 'pulumi' or m.startswith('pulumi.')]; assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
