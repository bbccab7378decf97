"""Run the examples' real ``__main__.py`` files with the program runner: PostHog resources against posthog-local,
AWS resources (``pulumi_aws``) echoed by the engine with the outputs the real provider computes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import LocalServer
from tests.harness import MiniEngine, ProgramRunner, Secret

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ACCOUNT = "123456789012"


def project_name(example: str) -> str:
    """The ``name`` in the example's Pulumi.yaml: the namespace of its ``pulumi.Config()`` keys."""
    return yaml.safe_load((EXAMPLES / example / "Pulumi.yaml").read_text())["name"]


def runner_for(
    example: str,
    server: LocalServer,
    *,
    key: str | None = None,
    config: dict[str, Any] | None = None,
    echo: dict[str, Any] | None = None,
) -> ProgramRunner:
    """A stack for ``examples/<example>``: ``posthog:host``/``posthog:apiKey`` → ``server``; ``config`` keys without
    a namespace get the project's."""
    name = project_name(example)
    stack: dict[str, Any] = {"posthog:host": server.url, "posthog:apiKey": Secret(key or server.api_key)}
    for k, v in (config or {}).items():
        stack[k if ":" in k else f"{name}:{k}"] = v
    return ProgramRunner(MiniEngine(stack, project=name, stack="test", echo=echo))


def program(example: str) -> Path:
    """The absolute path of the example's ``__main__.py``."""
    return EXAMPLES / example / "__main__.py"


@dataclass
class OrgOwner:
    """An organization of its own on the shared server, and an owner's key whose ``@current`` is that org."""

    server: LocalServer
    organization: str
    project: int
    key: str
    user: int

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.server.api(method, path, key=self.key, **kwargs)
        assert response.status_code < 400, response.text
        return response.json() if response.content else None

    def exports(self, project: int | None = None) -> list[dict[str, Any]]:
        return self.api("GET", f"/api/projects/{project or self.project}/batch_exports/")["results"]


def new_org_owner(server: LocalServer, name: str = "Example org") -> OrgOwner:
    """A new user (a member of the bootstrap org) creates an organization with its own key: it becomes that user's
    current organization, and the bootstrap user's ``@current`` is left alone for the other tests."""
    user = server.new_user("member")
    key = server.new_key(user_id=user)
    response = server.api("POST", "/api/organizations/", key=key, json={"name": name})
    assert response.status_code == 201, response.text
    body = response.json()
    return OrgOwner(server, body["id"], int(body["projects"][0]["id"]), key, user)


@pytest.fixture
def org_owner(posthog_local: LocalServer) -> OrgOwner:
    return new_org_owner(posthog_local)


# ----- AWS outputs the real provider would compute (everything else is echoed from the inputs) -----------------


def aws_echo() -> dict[str, Any]:
    """Echo extras for the AWS types the examples use. Names get a random suffix per stack, as Pulumi's autonaming
    does: PostHog refuses a role ARN that another organization's integration already uses."""
    salt = secrets.token_hex(3)

    def suffix(name: str) -> str:
        return hashlib.sha1(f"{salt}{name}".encode()).hexdigest()[:7]

    def bucket(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        bucket = inputs.get("bucket") or f"{name}-{suffix(name)}"
        return {"bucket": bucket, "arn": f"arn:aws:s3:::{bucket}", "region": inputs.get("region") or "eu-west-1"}

    def kms_key(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        key_id = f"{suffix(name)}0-1111-2222-3333-444455556666"
        return {"keyId": key_id, "arn": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{key_id}"}

    def role(name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        role = inputs.get("name") or f"{name}-{suffix(name)}"
        return {"name": role, "arn": f"arn:aws:iam::{ACCOUNT}:role/{role}"}

    return {"aws:s3/bucket:Bucket": bucket, "aws:kms/key:Key": kms_key, "aws:iam/role:Role": role}
