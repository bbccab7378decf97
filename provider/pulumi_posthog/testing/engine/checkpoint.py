"""Render engine state as ``pulumi stack export`` does, secrets as opaque ciphertext."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi.runtime import rpc

from .model import ResourceState
from .values import Secret, reveal

STACK_TYPE = "pulumi:pulumi:Stack"


class Encrypter:
    """Stands in for the stack's secrets provider: ``v1:<nonce>:<mac>`` reveals nothing of the plaintext."""

    def __init__(self) -> None:
        self._key = os.urandom(32)

    def encrypt(self, plaintext: Any) -> str:
        nonce = os.urandom(12)
        payload = nonce + json.dumps(plaintext, sort_keys=True).encode()
        mac = hmac.new(self._key, payload, hashlib.sha256).digest()
        return f"v1:{base64.b64encode(nonce).decode()}:{base64.b64encode(mac).decode()}"


def render_value(value: Any, encrypter: Encrypter) -> Any:
    """A property value as the checkpoint stores it: a secret becomes ``{sig: secret, ciphertext}``."""
    if isinstance(value, Secret):
        return {rpc._special_sig_key: rpc._special_secret_sig, "ciphertext": encrypter.encrypt(reveal(value))}
    if isinstance(value, dict):
        return {k: render_value(v, encrypter) for k, v in value.items()}
    if isinstance(value, list):
        return [render_value(v, encrypter) for v in value]
    return value


def package_of(type_token: str) -> str:
    """The provider package of a type token (``pulumi-python`` for dynamic resources)."""
    return type_token.split(":", 1)[0]


def stack_urn(project: str, stack: str) -> str:
    return f"urn:pulumi:{stack}::{project}::{STACK_TYPE}::{project}-{stack}"


def provider_urn(project: str, stack: str, package: str) -> str:
    return f"urn:pulumi:{stack}::{project}::pulumi:providers:{package}::default"


def provider_config(package: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """A default provider's inputs: the whole stack config for pulumi-python, else the package's namespace."""
    if package == "pulumi-python":
        return dict(config)
    prefix = f"{package}:"
    return {k[len(prefix) :]: v for k, v in config.items() if k.startswith(prefix)}


def render_checkpoint(
    *,
    project: str,
    stack: str,
    resources: Sequence[ResourceState],
    config: Mapping[str, Any],
    provider_ids: Mapping[str, str],
    stack_outputs: Mapping[str, Any],
    encrypter: Encrypter,
) -> str:
    """The deployment JSON: the stack, one default provider per package in use, then the resources."""
    root = stack_urn(project, stack)
    rows: list[dict[str, Any]] = [{"urn": root, "custom": False, "type": STACK_TYPE, "outputs": dict(stack_outputs)}]
    for package in sorted({package_of(r.type) for r in resources}):
        inputs = provider_config(package, config)
        rows.append(
            {
                "urn": provider_urn(project, stack, package),
                "custom": True,
                "id": provider_ids[package],
                "type": f"pulumi:providers:{package}",
                "inputs": inputs,
                "outputs": inputs,
            }
        )
    for res in resources:
        package = package_of(res.type)
        row: dict[str, Any] = {
            "urn": res.urn,
            "custom": True,
            "id": res.id,
            "type": res.type,
            "inputs": res.inputs,
            "outputs": res.outputs,
            "parent": root,
            "provider": f"{provider_urn(project, stack, package)}::{provider_ids[package]}",
        }
        if res.additional_secret_outputs:
            row["additionalSecretOutputs"] = list(res.additional_secret_outputs)
        if res.delete_before_replace:
            row["deleteBeforeReplace"] = True
        if res.delete:
            row["delete"] = True
        rows.append(row)
    deployment = {
        "manifest": {"version": "harness"},
        "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:harness"}},
        "resources": [render_value(row, encrypter) for row in rows],
    }
    return json.dumps({"version": 3, "deployment": deployment}, indent=2, sort_keys=False)
