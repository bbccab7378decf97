"""The program side of every resource: builds the props (outputs declared, secrets wrapped) for Pulumi."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from pulumi_posthog.resources.connection import check_name
from pulumi_posthog.resources.engine import PostHogProvider, spec_for


def secret_values(config: Any, keys: Iterable[str]) -> Any:
    """``config`` with the values of ``keys`` made Pulumi secrets (the whole config if it is an Output)."""
    keys = set(keys)
    if isinstance(config, pulumi.Output):
        return pulumi.Output.secret(config)
    if not isinstance(config, Mapping):
        return config
    return {k: pulumi.Output.secret(v) if k in keys and v is not None else v for k, v in config.items()}


class PostHogResource(Resource):
    """Base of the public resource classes; ``connection`` selects a named PostHog (see docs/configuration)."""

    def __init__(
        self,
        spec_name: str,
        resource_name: str,
        inputs: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None,
        connection: str | None,
    ) -> None:
        problem = check_name(connection)
        if problem:
            raise ValueError(f"connection {connection!r} {problem}")
        spec = spec_for(spec_name)
        props: dict[str, Any] = {f.name: None for f in spec.fields}
        props.update({name: None for name in spec.outputs})
        props.update({k: v for k, v in inputs.items() if v is not None})
        super().__init__(PostHogProvider(spec_name, connection), resource_name, props, opts)
