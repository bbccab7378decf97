"""The CLI's side of a policy pack: pulumi-policy's own analyzer servicer called the way the engine calls it.

- ``Configure`` gets the reconciled policy config (the engine's ReconcilePolicyPackConfig: every policy with its
  enforcement level, schema defaults, then the pack config file on top, ``all`` included) after validating it
  against each policy's schema.
- ``ConfigureStack`` gets the stack; the stack config also goes into ``PULUMI_CONFIG`` with ``PULUMI_PROJECT``,
  ``PULUMI_STACK`` and ``PULUMI_DRY_RUN``, as the CLI starts the pack process (each call runs in a copied context with
  its own config map, so nothing leaks into the test process).
- ``Analyze`` gets a resource's checked inputs and ``AnalyzeStack`` every resource's outputs, marshalled like the
  engine (KeepSecrets, KeepUnknowns, SkipInternalKeys): secrets keep their signature, unknowns are the unknown
  sentinel, ``__*`` keys (``__provider``) are dropped.
"""

from __future__ import annotations

import contextvars
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import config as runtime_config
from pulumi.runtime import rpc
from pulumi.runtime.proto import analyzer_pb2, resource_pb2
from pulumi_policy import EnforcementLevel, Policy
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_posthog.policies import PACK_NAME, POLICIES

from tests.harness import ProgramRun, Secret, Unknown

PACK_VERSION = "0.0.1"
PROJECT, STACK = "project", "dev"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
LEVELS = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "remediate": analyzer_pb2.REMEDIATE,
    "disabled": analyzer_pb2.DISABLED,
}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}
T = TypeVar("T")


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic as the CLI prints it: policy, level, resource (URN and name) and message."""

    policy: str
    level: str
    urn: str
    message: str
    description: str

    @property
    def resource(self) -> str:
        """The resource name of the URN."""
        return self.urn.rsplit("::", 1)[-1]

    @property
    def is_preview_advisory(self) -> bool:
        """pulumi-policy's "can't run policy … during preview" advisory for an unknown value."""
        return self.level == "advisory" and "during preview" in self.message and self.message.startswith("can't")


@dataclass
class Res:
    """A resource as the engine knows it: type, name, properties (may hold Secret/Unknown) and options."""

    type: str
    name: str
    props: dict[str, Any]
    provider: Res | None = None
    options: analyzer_pb2.AnalyzerResourceOptions = field(default_factory=analyzer_pb2.AnalyzerResourceOptions)
    parent: str = ""
    dependencies: list[str] = field(default_factory=list)
    registered_urn: str = ""

    @property
    def urn(self) -> str:
        """The URN it was registered with, else its URN in the test stack."""
        return self.registered_urn or urn(self.type, self.name)


def urn(type_: str, name: str) -> str:
    """A URN in the test stack."""
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


# ----- marshalling ----------------------------------------------------------------------------------------------


def engine_value(value: Any) -> Any:
    """A property value as the engine marshals it for an analyzer (secrets signed, unknowns kept, no ``__*``)."""
    if isinstance(value, Secret):
        return {SIG_KEY: SECRET_SIG, "value": engine_value(value.value)}
    if isinstance(value, Unknown):
        return rpc.UNKNOWN
    if isinstance(value, Mapping):
        return {k: engine_value(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, (list, tuple)):
        return [engine_value(v) for v in value]
    return value


def to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    """A property map as a Struct (numbers become doubles, as on the wire)."""
    struct = struct_pb2.Struct()
    struct.update(engine_value(props))
    return struct


def _provider(res: Res | None) -> analyzer_pb2.AnalyzerProviderResource | None:
    if res is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(
        type=res.type, properties=to_struct(res.props), urn=res.urn, name=res.name
    )


# ----- policy config --------------------------------------------------------------------------------------------


def _schema_problems(schema: Mapping[str, Any], value: Any, where: str) -> list[str]:
    """The JSON-schema subset the policies use (type, enum, items, uniqueItems, exclusiveMinimum)."""
    kinds = {"string": str, "number": (int, float), "array": list, "object": dict, "boolean": bool}
    wanted = schema.get("type")
    if wanted and not (isinstance(value, kinds[wanted]) and not (wanted == "number" and isinstance(value, bool))):
        return [f"{where}: expected {wanted}, got {value!r}"]
    problems = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        problems.append(f"{where}: must be greater than {schema['exclusiveMinimum']}")
    if wanted == "array":
        if schema.get("uniqueItems") and len(set(map(json.dumps, value))) != len(value):
            problems.append(f"{where}: items must be unique")
        for index, item in enumerate(value):
            problems += _schema_problems(schema.get("items", {}), item, f"{where}[{index}]")
    return problems


def reconcile(info: analyzer_pb2.AnalyzerInfo, config: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """The engine's ReconcilePolicyPackConfig: policy name → (enforcement level, properties); raises if invalid."""
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    schemas: dict[str, Mapping[str, Any]] = {}
    for policy in info.policies:
        properties = policy.configSchema.properties if policy.HasField("configSchema") else {}
        schema = {key: json_format.MessageToDict(value) for key, value in properties.items()}
        schemas[policy.name] = schema
        defaults = {k: v["default"] for k, v in schema.items() if "default" in v}
        result[policy.name] = (LEVEL_NAMES[policy.enforcementLevel], defaults)
    given = {name: ({"enforcementLevel": v} if isinstance(v, str) else dict(v)) for name, v in config.items()}
    if "enforcementLevel" in given.get("all", {}):
        result = {name: (given["all"]["enforcementLevel"], props) for name, (_, props) in result.items()}
    problems = []
    for name, values in given.items():
        if name == "all":
            continue
        if name not in result:
            problems.append(f"{name}: not a policy of the pack")
            continue
        level, props = result[name]
        level = values.pop("enforcementLevel", level)
        if level not in LEVELS:
            problems.append(f"{name}: {level!r} is not a valid enforcement level")
        for key, value in values.items():
            if key not in schemas[name]:
                problems.append(f"{name}: {key} is not a config property")
            else:
                problems += _schema_problems(schemas[name][key], value, f"{name}.{key}")
        result[name] = (level, {**props, **values})
    if problems:
        raise ValueError("policy pack configuration is invalid: " + "; ".join(problems))
    return result


# ----- the analyzer ---------------------------------------------------------------------------------------------


class PolicyAnalyzer:
    """pulumi-policy's ``_PolicyAnalyzerServicer`` for the PostHog policies, configured and called like the CLI."""

    def __init__(
        self,
        config: Mapping[str, Any] | None = None,
        *,
        stack_config: Mapping[str, str] | None = None,
        policies: list[Policy] | None = None,
        dry_run: bool = True,
    ) -> None:
        self.servicer = _PolicyAnalyzerServicer(
            PACK_NAME, PACK_VERSION, list(policies or POLICIES), EnforcementLevel.ADVISORY
        )
        self.stack_config = dict(stack_config or {})
        self.dry_run = dry_run
        self.info = self.servicer.GetAnalyzerInfo(empty_pb2.Empty(), None)
        self.configure(config or {})
        request = analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=STACK, project=PROJECT, dry_run=dry_run, config=self.stack_config
        )
        self._call(lambda: self.servicer.ConfigureStack(request, None))

    def configure(self, config: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
        """Send ``Configure`` with the pack config file's content reconciled as the engine does."""
        reconciled = reconcile(self.info, config)
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, (level, props) in reconciled.items():
            properties = struct_pb2.Struct()
            properties.update(props)
            request.policyConfig[name].CopyFrom(
                analyzer_pb2.PolicyConfig(enforcementLevel=LEVELS[level], properties=properties)
            )
        self._call(lambda: self.servicer.Configure(request, None))
        return reconciled

    def analyze(self, res: Res) -> list[Diagnostic]:
        """``Analyze`` one resource (its checked inputs)."""
        request = analyzer_pb2.AnalyzeRequest(
            type=res.type,
            properties=to_struct(res.props),
            urn=res.urn,
            name=res.name,
            options=res.options,
            provider=_provider(res.provider),
        )
        response = self._call(lambda: self.servicer.Analyze(request, None))
        return self._diagnostics(response, res.urn)

    def analyze_stack(self, resources: list[Res]) -> list[Diagnostic]:
        """``AnalyzeStack`` on every resource of the stack (their outputs)."""
        request = analyzer_pb2.AnalyzeStackRequest(
            resources=[
                analyzer_pb2.AnalyzerResource(
                    type=res.type,
                    properties=to_struct(res.props),
                    urn=res.urn,
                    name=res.name,
                    options=res.options,
                    provider=_provider(res.provider),
                    parent=res.parent,
                    dependencies=res.dependencies,
                )
                for res in resources
            ]
        )
        response = self._call(lambda: self.servicer.AnalyzeStack(request, None))
        return self._diagnostics(response, "")

    def analyze_all(self, resources: list[Res]) -> list[Diagnostic]:
        """What a preview reports: ``Analyze`` for each resource, then ``AnalyzeStack``."""
        found = [d for res in resources for d in self.analyze(res)]
        return found + self.analyze_stack(resources)

    @staticmethod
    def _diagnostics(response: analyzer_pb2.AnalyzeResponse, default_urn: str) -> list[Diagnostic]:
        return [
            Diagnostic(d.policyName, LEVEL_NAMES[d.enforcementLevel], d.urn or default_urn, d.message, d.description)
            for d in response.diagnostics
        ]

    def _call(self, fn: Callable[[], T]) -> T:
        """Run a servicer call with the pack process's environment, in a context of its own."""

        def isolated() -> T:
            runtime_config.CONFIG.set({})
            runtime_config._SECRET_KEYS.set(set())
            return fn()

        with _environment(self._env()):
            return contextvars.copy_context().run(isolated)

    def _env(self) -> dict[str, str]:
        """The variables the CLI starts a policy pack with (constructEnv)."""
        return {
            "PULUMI_CONFIG": json.dumps(self.stack_config),
            "PULUMI_PROJECT": PROJECT,
            "PULUMI_STACK": STACK,
            "PULUMI_DRY_RUN": "true" if self.dry_run else "false",
        }


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def only(diagnostics: list[Diagnostic], policy: str) -> list[Diagnostic]:
    """The diagnostics of one policy."""
    return [d for d in diagnostics if d.policy == policy]


def summary(diagnostics: list[Diagnostic]) -> set[tuple[str, str, str]]:
    """(policy, level, resource name) of each diagnostic."""
    return {(d.policy, d.level, d.resource) for d in diagnostics}


# ----- a program's preview --------------------------------------------------------------------------------------


def _options(request: resource_pb2.RegisterResourceRequest) -> analyzer_pb2.AnalyzerResourceOptions:
    """The resource options the engine passes on from the registration (custom timeouts are left out)."""
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=request.protect,
        ignoreChanges=list(request.ignoreChanges),
        deleteBeforeReplace=request.deleteBeforeReplace,
        deleteBeforeReplaceDefined=request.deleteBeforeReplaceDefined,
        additionalSecretOutputs=list(request.additionalSecretOutputs),
        parent=request.parent,
    )


def from_run(run: ProgramRun) -> tuple[list[Res], list[Res]]:
    """A run's resources for ``Analyze`` (checked inputs) and for ``AnalyzeStack`` (its steps' outputs — planned ones
    in a preview), with the options, parent and dependencies of their RegisterResourceRequest."""
    steps = {step.urn: step for step in run.result.steps}
    inputs: list[Res] = []
    outputs: list[Res] = []
    for registered in run.resources:
        step = steps.get(registered.urn)
        if step is None:  # a component resource: no step, nothing to analyze
            continue
        request = registered.request
        for props, target in ((step.inputs, inputs), (step.outputs, outputs)):
            res = Res(registered.type, registered.name, dict(props), options=_options(request))
            res.parent, res.dependencies, res.registered_urn = (
                request.parent,
                list(request.dependencies),
                registered.urn,
            )
            target.append(res)
    return inputs, outputs
