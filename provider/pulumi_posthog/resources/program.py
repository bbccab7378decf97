"""The program side of every resource: builds the props (outputs declared, secrets wrapped) for Pulumi."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from pulumi_posthog.resources import secret_paths
from pulumi_posthog.resources.connection import check_name
from pulumi_posthog.resources.engine import PostHogProvider, spec_for
from pulumi_posthog.resources.secret_paths import Path


def secret_at(value: Any, paths: Iterable[Path]) -> Any:
    """``value`` with what stands at each path made a Pulumi secret; an Output on the way (it cannot be looked
    into) is made secret whole."""
    return secret_paths.wrap(
        value, paths, secret=pulumi.Output.secret, opaque=lambda found: isinstance(found, pulumi.Output)
    )


class PostHogResource(Resource):
    """Base of the public resource classes; ``connection`` selects a named PostHog (see docs/configuration). The
    secrets of nested inputs (``Field.nested``) are made Pulumi secrets here. ``inputs`` may be the constructor's
    ``locals()``: only the spec's fields are kept."""

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
        given = {k: v for k, v in inputs.items() if v is not None and k in props}
        props.update({name: None for name in spec.outputs})
        props.update(given)
        for f in spec.fields:
            if f.nested is not None and props[f.name] is not None:
                props[f.name] = secret_at(props[f.name], f.nested.secret_paths(props[f.name], inputs))
        super().__init__(PostHogProvider(spec_name, connection), resource_name, props, opts)
