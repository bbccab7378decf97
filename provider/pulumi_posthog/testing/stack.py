"""Stacks for tests against posthog-local: a MiniEngine configured for one server, counting the HTTP calls it
answers per run, goal builders for each resource, and plaintext-secret checks of the checkpoint.

- ``Stack``: a MiniEngine whose stack config holds the server's URL and API key (as a secret), and which counts
  the HTTP calls the server answered during each run (``stack.calls``, ``stack.calls_to("batch_exports")``).
- Goal builders ``organization``/``batch_export``/``integration``/``backfill``/``rollback``: dynamic-resource
  goals exactly as the public classes register them (``secret_keys`` wraps values as ``Secret`` like the
  program-side classes do).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, Union

from pulumi_posthog.resources.engine import PostHogProvider
from pulumi_posthog.testing.engine import (
    MiniEngine,
    Plan,
    Resource,
    Result,
    RunStopped,
    Secret,
    Step,
    StepFailed,
    dynamic_resource,
)
from pulumi_posthog.testing.local_server import LocalServer

Register = Callable[[Resource], Step]
Program = Union[list[Resource], Callable[[Register], None]]  # noqa: UP007 (a runtime alias on Python 3.10)
"""What a stack runs: a list of goals, or a callable that registers goals one by one (``step.id`` = the id)."""

DYNAMIC_CALLS = {"Configure", "Check", "Diff"}
"""The only provider RPCs a preview may make (Create/Update are never sent: the provider has no preview)."""


# ----- goals --------------------------------------------------------------------------------------------------


def goal(resource: str, name: str, inputs: dict[str, Any], connection: str | None = None, **options: Any) -> Resource:
    """A dynamic-resource goal for one of the provider's resources (``None`` inputs are left out, like the SDK)."""
    provider = PostHogProvider(resource, connection)
    props = {k: v for k, v in inputs.items() if v is not None}
    return dynamic_resource(provider, name, props, module="posthog", kind=resource, **options)


def wrap_secrets(config: Any, keys: Iterable[str]) -> Any:
    """``config`` with the values of ``keys`` marked secret, as the public classes mark them."""
    if not isinstance(config, dict):
        return config
    wanted = set(keys)
    return {
        k: Secret(v) if k in wanted and v is not None and not isinstance(v, Secret) else v for k, v in config.items()
    }


def organization(resource_name: str = "org", /, **inputs: Any) -> Resource:
    """An ``Organization`` goal (inputs: name, settings, adopt_id, deletion_protection)."""
    return goal("Organization", resource_name, inputs)


def batch_export(resource_name: str = "export", /, *, secret_keys: Iterable[str] = (), **inputs: Any) -> Resource:
    """A ``BatchExport`` goal; ``secret_keys`` are the destination config keys to mark secret."""
    destination = inputs.get("destination")
    if isinstance(destination, dict) and isinstance(destination.get("config"), dict):
        inputs["destination"] = {**destination, "config": wrap_secrets(destination["config"], secret_keys)}
    return goal("BatchExport", resource_name, inputs)


def integration(resource_name: str = "integration", /, *, secret_keys: Iterable[str] = (), **inputs: Any) -> Resource:
    """An ``Integration`` goal; ``secret_keys`` are the config keys to mark secret."""
    inputs["config"] = wrap_secrets(inputs.get("config"), secret_keys)
    return goal("Integration", resource_name, inputs)


def backfill(resource_name: str = "backfill", /, **inputs: Any) -> Resource:
    """A ``BatchExportBackfill`` goal."""
    return goal("BatchExportBackfill", resource_name, inputs)


def rollback(resource_name: str = "rollback", /, **inputs: Any) -> Resource:
    """An ``EnvironmentsRollback`` goal."""
    return goal("EnvironmentsRollback", resource_name, inputs)


# ----- secrets ------------------------------------------------------------------------------------------------


def secret_strings(value: Any, inside: bool = False) -> set[str]:
    """Every string (or stringified scalar) inside a ``Secret`` anywhere in ``value``."""
    if isinstance(value, Secret):
        return secret_strings(value.value, True)
    if isinstance(value, dict):
        return set().union(*(secret_strings(v, inside) for v in value.values()))
    if isinstance(value, (list, tuple)):
        return set().union(*(secret_strings(v, inside) for v in value))
    if inside and value is not None and not isinstance(value, bool):
        return {str(value)}
    return set()


def plaintext_in(checkpoint: str, secrets: Iterable[str]) -> list[str]:
    """The secrets found in a checkpoint JSON: raw, or as JSON-escaped text (e.g. a PEM's newlines)."""
    found = []
    for secret in secrets:
        if len(secret) < 4:
            continue  # too short to be a credential; would match anything
        escaped = json.dumps(secret)[1:-1]
        if secret in checkpoint or escaped in checkpoint:
            found.append(secret)
    return sorted(found)


def assert_no_plaintext(checkpoint: str, secrets: Iterable[str]) -> None:
    leaked = plaintext_in(checkpoint, secrets)
    assert not leaked, f"plaintext secrets in the checkpoint: {leaked}"


# ----- stacks -------------------------------------------------------------------------------------------------


class Stack:
    """A MiniEngine configured for one posthog-local, counting the HTTP calls the server answers per run."""

    def __init__(self, server: LocalServer, api_key: str | None = None, **engine_options: Any) -> None:
        self.server = server
        self.api_key = api_key or server.api_key
        config = {"posthog:host": server.url, "posthog:apiKey": Secret(self.api_key)}
        self.engine = MiniEngine(config, **engine_options)
        self.secrets: set[str] = {self.api_key}
        self.requests: list[tuple[str, str, int]] = []

    # runs
    def preview(self, program: Program) -> Plan:
        """A preview, asserting it made no API call and no provider call besides Check/Diff."""
        plan = self.run("preview", program)
        assert self.calls == {}, f"a preview made API calls: {self.requests}"
        assert set(plan.calls()) <= DYNAMIC_CALLS, plan.calls()
        return plan

    def up(self, program: Program) -> Result:
        return self.run("up", program)

    def run(self, kind: str, program: Program) -> Result:
        """A ``preview``/``up`` of a program: goals, or a callable that registers goals and reads their steps."""
        return self._measure(lambda: self._program(kind, program))

    def refresh(self) -> Result:
        return self._measure(self.engine.refresh)

    def destroy(self) -> Result:
        return self._measure(self.engine.destroy)

    # state
    def outputs(self, name: str) -> dict[str, Any]:
        """A resource's outputs, secrets revealed."""
        return self.engine.resource(name).plain_outputs

    def id(self, name: str) -> str:
        return self.engine.resource(name).id

    def checkpoint(self) -> str:
        return self.engine.checkpoint_json()

    def assert_no_plaintext(self) -> None:
        """No secret the stack has seen (API key, every Secret in a goal) is in the checkpoint as plaintext."""
        assert_no_plaintext(self.checkpoint(), self.secrets)

    # HTTP calls of the last run, as the server counted them
    @property
    def calls(self) -> dict[str, int]:
        """``{method: n}`` of the API requests answered during the last run."""
        return dict(Counter(method for method, _, _ in self.requests))

    def calls_to(self, fragment: str) -> dict[str, int]:
        """``{method: n}`` of the last run's requests whose path contains ``fragment``."""
        return dict(Counter(method for method, path, _ in self.requests if fragment in path))

    def register(self, item: Resource) -> Step:
        """Register one goal in the current run (records its secrets); raises StepFailed like the engine."""
        self.secrets |= secret_strings(item.inputs)
        return self.engine.register(item)

    def _program(self, kind: str, program: Program) -> Result:
        self.engine.begin(kind)
        try:
            if callable(program):
                program(self.register)
            else:
                for item in program:
                    self.register(item)
        except (StepFailed, RunStopped):
            pass  # the engine stops the run; finish() reports it
        except BaseException:
            self.engine.finish(program_failed=True)
            raise
        return self.engine.finish()

    def _measure(self, run: Callable[[], Result]) -> Result:
        self.server.control("DELETE", "requests")
        result = run()
        recent = self.server.requests_seen()["recent"]
        self.requests = [(r["method"], r["path"], r["status"]) for r in recent]
        return result


FAST_RETRIES = {"budget": 20.0, "backoff_base": 0.02, "backoff_cap": 0.1, "max_rate_limit_wait": 5.0}
"""The client's own retry decisions with short waits (fault tests assert outcomes, not backoff timing)."""
