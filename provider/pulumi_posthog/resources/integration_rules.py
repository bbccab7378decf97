"""Integration kinds: required config keys, secrets, identity (named vs upsert), checked offline."""

from __future__ import annotations

import re
from typing import Any

from pulumi_posthog.destinations import INTEGRATION_SECRETS
from pulumi_posthog.posthog_words import ROLE_NOT_VALID
from pulumi_posthog.resources.values import is_unknown, plain, same

KINDS = tuple(INTEGRATION_SECRETS)
ROLE_ARN_RE = re.compile(r"^arn:aws(-[a-z-]+)?:iam::\d{12}:role/.+")
SNOWFLAKE_ACCOUNT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
GOOGLE_TOKEN_URIS = ("https://oauth2.googleapis.com/token", "https://accounts.google.com/o/oauth2/token")
SSL_MODES = ("require", "verify-ca", "verify-full")
# Config keys PostHog adds on its own (never configured), and the values an unset key reads back as.
COMPUTED_KEYS: dict[str, frozenset[str]] = {
    "aws-s3": frozenset({"aws_account_id"}),
    "aws-redshift": frozenset({"aws_account_id"}),
}
_SSL_DEFAULTS = {"ssl_mode": "require", "ssl_root_cert": None}
CONFIG_DEFAULTS: dict[str, dict[str, Any]] = {"postgresql": _SSL_DEFAULTS, "aws-redshift": _SSL_DEFAULTS}


def redshift_mode(config: dict[str, Any]) -> str:
    if "aws_role_arn" in config:
        return "role"
    if "aws_access_key_id" in config or "aws_secret_access_key" in config:
        return "keys"
    return "plain"


def is_named(kind: str, config: dict[str, Any]) -> bool:
    """Named kinds are create-only (a second POST with the same name is a 400); the rest upsert."""
    if kind in ("aws-s3", "s3-compatible", "snowflake"):
        return True
    return kind == "aws-redshift" and redshift_mode(config) != "plain"


def changed_keys(kind: str, new: dict[str, Any], old: dict[str, Any]) -> list[str]:
    """Config keys whose configured value differs from the state, ignoring what PostHog computes or defaults."""
    defaults = CONFIG_DEFAULTS.get(kind, {})
    keys = (set(new) | set(old)) - COMPUTED_KEYS.get(kind, frozenset())
    return sorted(k for k in keys if not same(new.get(k, defaults.get(k)), old.get(k, defaults.get(k))))


def account_name(connection_string: Any) -> str | None:
    if not isinstance(connection_string, str):
        return None
    for part in connection_string.split(";"):
        key, _, value = part.partition("=")
        if key.strip() == "AccountName":
            return value.strip()
    return None


def identity(kind: str, config: dict[str, Any]) -> Any:
    """What PostHog keys an upsert-kind row on (its ``integration_id``); a change means a new row."""
    config = plain(config)
    if kind in ("postgresql", "aws-redshift"):
        return (config.get("host"), config.get("port"), config.get("user"))
    if kind == "databricks":
        return config.get("server_hostname")
    if kind == "azure-blob":
        return account_name(config.get("connection_string"))
    if kind == "google-cloud-service-account":
        variant = "key-file" if all(config.get(k) for k in ("private_key", "private_key_id", "token_uri")) else "imp"
        return (config.get("service_account_email"), variant)
    return config.get("name")


def _require(config: dict[str, Any], keys: tuple[str, ...], message: str) -> list[str]:
    missing = [k for k in keys if not isinstance(config.get(k), str) or not config.get(k)]
    return [message.format(key=missing[0])] if missing else []


def check_config(kind: str, config: Any) -> list[str]:
    """PostHog's create-time validation of ``config`` that needs no network (messages in PostHog's words)."""
    if is_unknown(config):
        return []
    if not isinstance(config, dict):
        return ["config must be an object with the kind's keys (credentials included)."]
    if any(is_unknown(v) for v in config.values()):
        return []
    config = plain(config)
    checker = _CHECKS.get(kind)
    return checker(config) if checker else []


def _aws(config: dict[str, Any], what: str = "AWS") -> list[str]:
    problems = _require(config, ("name",), f"A name is required for {what} integration")
    if "aws_role_arn" in config:
        arn = config.get("aws_role_arn")
        if not isinstance(arn, str) or not ROLE_ARN_RE.match(arn):
            problems.append(
                f"{ROLE_NOT_VALID}: expected arn:aws:iam::<12-digit account>:role/<name> "
                "(omit aws_role_arn entirely to use access keys)"
            )
    else:
        problems += _require(config, ("aws_access_key_id",), f"Access key ID is required for {what} integration")
        problems += _require(
            config, ("aws_secret_access_key",), f"Secret access key is required for {what} integration"
        )
    return problems


def _s3_compatible(config: dict[str, Any]) -> list[str]:
    problems = _require(config, ("name",), "A name is required for S3-compatible integration")
    problems += _require(config, ("endpoint_url",), "Endpoint URL is required for S3-compatible integration")
    problems += _require(
        config,
        ("aws_access_key_id", "aws_secret_access_key"),
        "Access keys are required for S3-compatible integration",
    )
    url = config.get("endpoint_url")
    if isinstance(url, str) and url and not url.startswith(("https://", "http://")):
        problems.append(f"Invalid endpoint URL: {url} (expected an http(s) URL)")
    return problems


def _postgres(config: dict[str, Any], kind: str = "postgresql") -> list[str]:
    problems = _require(config, ("host",), f"Host is required for {kind} integration")
    port = config.get("port")
    if isinstance(port, bool) or not isinstance(port, int):
        problems.append("Port must be an integer")
    elif not 0 < port < 65536:
        problems.append(f"A valid port is required for an {kind} integration")
    problems += _require(config, ("user",), f"A username is required for {kind} integration")
    problems += _require(config, ("password",), f"A password is required for {kind} integration")
    mode = config.get("ssl_mode", "require")
    if mode not in SSL_MODES:
        problems.append("SSL mode must be one of: require, verify-ca, verify-full")
    elif mode != "require" and not config.get("ssl_root_cert"):
        problems.append("SSL root certificate must be provided when verifying server certificates")
    return problems


def _redshift(config: dict[str, Any]) -> list[str]:
    mode = redshift_mode(config)
    if mode == "plain":
        if not any(k in config for k in ("host", "port", "user", "password")):
            return ["Missing required inputs"]
        return _postgres(config, "aws-redshift")
    problems = _aws(config)
    problems += _require(config, ("user",), "Username is required for AWS integration")
    groups = config.get("groups")
    if groups is not None and (
        not isinstance(groups, list) or not groups or not all(isinstance(g, str) for g in groups)
    ):
        problems.append("groups must be a non-empty list of strings")
    return problems


def _snowflake(config: dict[str, Any]) -> list[str]:
    if not all(isinstance(config.get(k), str) and config.get(k) for k in ("name", "account", "user")):
        return ["Name, account, and user must be provided"]
    problems: list[str] = []
    if not SNOWFLAKE_ACCOUNT_RE.match(config["account"]):
        problems.append(f"Snowflake integration is not valid: invalid account identifier '{config['account']}'")
    auth = config.get("authentication_type", "password")
    if auth == "password":
        problems += _require(config, ("password",), "Password is required for password authentication")
    elif auth == "keypair":
        problems += _require(config, ("private_key",), "Private key is required for key-pair authentication")
    else:
        problems.append(f"Invalid authentication type: {auth}")
    return problems


def _google(config: dict[str, Any]) -> list[str]:
    if not all(isinstance(config.get(k), str) and config.get(k) for k in ("service_account_email", "project_id")):
        return ["Service account email and project ID must be provided"]
    uri = config.get("token_uri")
    if uri is not None and uri not in GOOGLE_TOKEN_URIS:
        return [
            "The token_uri in your Google Cloud JSON key file is not Google's OAuth token endpoint "
            f"(expected one of {', '.join(GOOGLE_TOKEN_URIS)})"
        ]
    return []


def _databricks(config: dict[str, Any]) -> list[str]:
    keys = ("server_hostname", "client_id", "client_secret")
    if not all(isinstance(config.get(k), str) and config.get(k) for k in keys):
        return ["Server hostname, client ID, and client secret must be provided"]
    if config["server_hostname"].startswith("http"):
        return ["Databricks integration is not valid: 'server_hostname' should not be a full URL"]
    return []


def _azure(config: dict[str, Any]) -> list[str]:
    value = config.get("connection_string")
    if not value:
        return ["Connection string must be provided"]
    if not isinstance(value, str):
        return ["Connection string must be a string"]
    if not account_name(value):
        return [
            "Could not extract AccountName from connection string. "
            "Ensure it contains 'AccountName=<your-account-name>;'"
        ]
    if "DefaultEndpointsProtocol=http;" in value.replace(" ", ""):
        return ["'DefaultEndpointsProtocol' must be 'https'"]
    return []


_CHECKS = {
    "aws-s3": _aws,
    "s3-compatible": _s3_compatible,
    "postgresql": _postgres,
    "aws-redshift": _redshift,
    "snowflake": _snowflake,
    "google-cloud-service-account": _google,
    "databricks": _databricks,
    "azure-blob": _azure,
}
