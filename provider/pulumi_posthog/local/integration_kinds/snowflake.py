"""snowflake: PostHog's ``models/integration/snowflake.py`` (a named kind; password or key-pair auth)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_posthog.local.integration_kinds.common import BuildContext, create_named, fail
from pulumi_posthog.local.models import Integration

ACCOUNT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _secrets(auth_type: str, password: Any, private_key: Any, passphrase: Any) -> dict[str, str]:
    """Only the secret of the chosen authentication type is kept; an empty passphrase is dropped."""
    if auth_type == "password":
        if not password:
            raise fail("Password is required for password authentication")
        return {"password": password}
    if auth_type == "keypair":
        if not private_key:
            raise fail("Private key is required for key-pair authentication")
        secrets = {"private_key": private_key}
        if passphrase:
            secrets["private_key_passphrase"] = passphrase
        return secrets
    raise fail(f"Invalid authentication type: {auth_type}")


def build_snowflake(config: Mapping[str, Any], ctx: BuildContext) -> Integration:
    """``{name, account, user, authentication_type}`` is stored; no connection test at create time."""
    name, account, user = config.get("name"), config.get("account"), config.get("user")
    auth_type = config.get("authentication_type", "password")
    password = config.get("password")
    private_key = config.get("private_key")
    passphrase = config.get("private_key_passphrase")
    if not (name and account and user):
        raise fail("Name, account, and user must be provided")
    if not all(isinstance(value, str) for value in (name, account, user, auth_type)):
        raise fail("Name, account, user, and authentication type must be strings")
    if not all(value is None or isinstance(value, str) for value in (password, private_key, passphrase)):
        raise fail("Password, private key, and private key passphrase must be strings")
    if not ACCOUNT_RE.fullmatch(account):
        raise fail(f"Snowflake integration is not valid: invalid account identifier '{account}'")
    secrets = _secrets(auth_type, password, private_key, passphrase)
    stored = {"name": name, "account": account, "user": user, "authentication_type": auth_type}
    return create_named(ctx, "snowflake", name, stored, secrets)
