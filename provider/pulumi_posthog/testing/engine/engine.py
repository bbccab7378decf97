"""MiniEngine: the Pulumi engine's step rules over real provider RPCs, with state kept between runs."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn, TypeVar

from .checkpoint import Encrypter, package_of, render_checkpoint
from .client import ConfigureReply, Provider, Recorder, in_process_client
from .echo import EchoProvider, Extras
from .model import Diagnostic, Plan, Resource, ResourceState, Result, Rpc, Step
from .servicer import AbortError
from .values import (
    Secret,
    Unknown,
    annotate_secrets,
    changed_keys,
    contains_unknowns,
    mark_secret_outputs,
    reveal,
)

T = TypeVar("T")

DYNAMIC_PACKAGE = "pulumi-python"

PluginFactory = Callable[[Recorder], Provider]
"""Starts the dynamic-provider plugin for one run (default: a fresh in-process servicer)."""


class StepFailed(Exception):
    """A step failed; its diagnostics are in the run's Result.errors."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


class RunStopped(Exception):
    """A resource was registered after an earlier step of the run failed (the engine stops scheduling steps)."""


@dataclass
class _Run:
    kind: str
    preview: bool
    prev: list[ResourceState]
    result: Result
    news: list[ResourceState] = field(default_factory=list)
    done: set[int] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    providers: dict[str, tuple[Provider, ConfigureReply]] = field(default_factory=dict)
    failed: bool = False


@dataclass
class _DiffOutcome:
    changes: str
    replaces: list[str]
    delete_before_replace: bool
    keys: list[str]


class MiniEngine:
    """A stack: config, state, and the engine's rules for preview, up, refresh and destroy.

    Dynamic resources (``pulumi-python:dynamic...``) go to a plugin started per run (a fresh in-process
    ``DynamicResourceProviderServicer`` by default), Configured once with the whole stack config. Other types go to
    an ``EchoProvider`` (``echo`` maps a type token to its extra outputs). Every RPC is recorded.
    """

    def __init__(
        self,
        config: Mapping[str, Any] | None = None,
        *,
        project: str = "project",
        stack: str = "dev",
        echo: Mapping[str, Extras] | None = None,
        plugin: PluginFactory | None = None,
    ) -> None:
        self.config = dict(config or {})
        self.project = project
        self.stack = stack
        self.echo = dict(echo or {})
        self.rpcs: list[Rpc] = []
        self.stack_outputs: dict[str, Any] = {}
        self._plugin = plugin or in_process_client
        self._resources: list[ResourceState] = []
        self._provider_ids: dict[str, str] = {}
        self._encrypter = Encrypter()
        self._lock = threading.RLock()
        self._run: _Run | None = None

    # ----- state -----

    def urn(self, type_: str, name: str) -> str:
        """The URN of a top-level resource in this stack."""
        return f"urn:pulumi:{self.stack}::{self.project}::{type_}::{name}"

    @property
    def resources(self) -> list[ResourceState]:
        """The state, in checkpoint order (pending deletions included, flagged ``delete``)."""
        with self._lock:
            return list(self._resources)

    def resource(self, name: str, type_: str | None = None) -> ResourceState:
        """The live (not pending-delete) state of a resource by name."""
        with self._lock:
            for res in self._resources:
                if res.name == name and not res.delete and (type_ is None or res.type == type_):
                    return res
        raise KeyError(f"no resource named {name!r} in state: {[r.name for r in self._resources]}")

    def checkpoint_json(self) -> str:
        """The state as ``pulumi stack export`` renders it; secrets are ciphertext."""
        with self._lock:
            for res in self._resources:
                self._provider_id(package_of(res.type))
            return render_checkpoint(
                project=self.project,
                stack=self.stack,
                resources=self._resources,
                config=self.config,
                provider_ids=self._provider_ids,
                stack_outputs=self.stack_outputs,
                encrypter=self._encrypter,
            )

    def snapshot(self) -> dict[str, Any]:
        """What a backend keeps between commands: the resources (pending deletions included) and stack outputs."""
        with self._lock:
            if self._run is not None:
                raise RuntimeError("snapshot() during a run")
            return {
                "resources": [replace(r) for r in self._resources],
                "stack_outputs": dict(self.stack_outputs),
                "provider_ids": dict(self._provider_ids),
            }

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        """Start from a ``snapshot()`` taken by an earlier command (another process, as with the real CLI)."""
        with self._lock:
            self._resources = [replace(r) for r in snapshot.get("resources", [])]
            self.stack_outputs = dict(snapshot.get("stack_outputs", {}))
            self._provider_ids = dict(snapshot.get("provider_ids", {}))

    def _provider_id(self, package: str) -> str:
        return self._provider_ids.setdefault(package, str(uuid.uuid4()))

    # ----- whole runs -----

    def preview(self, resources: Iterable[Resource]) -> Plan:
        """``pulumi preview``: Check and Diff only; nothing is written and the state is unchanged."""
        return self._program_run("preview", resources)

    def up(self, resources: Iterable[Resource]) -> Result:
        """``pulumi up``: create, update, replace, same; then delete what the program no longer declares."""
        return self._program_run("up", resources)

    def _program_run(self, kind: str, resources: Iterable[Resource]) -> Result:
        with self._lock:
            self.begin(kind)
            try:
                for goal in resources:
                    try:
                        self.register(goal)
                    except StepFailed:
                        break
            except BaseException:
                self.finish(program_failed=True)
                raise
            return self.finish()

    def refresh(self) -> Result:
        """``pulumi refresh``: Read each resource; an empty id drops it; then the refresh Diff reports drift."""
        with self._lock:
            run = self._start("refresh", preview=False)
            for old in run.prev:
                try:
                    self._refresh_one(run, old)
                except StepFailed:
                    break
            return self._end(run)

    def destroy(self) -> Result:
        """``pulumi destroy``: Delete every resource, last created first."""
        with self._lock:
            run = self._start("destroy", preview=False)
            for old in reversed(run.prev):
                try:
                    self._delete(run, old, "delete")
                except StepFailed:
                    break
            return self._end(run)

    # ----- incremental runs (the program runner registers resources one by one) -----

    def begin(self, kind: str) -> None:
        """Start a ``preview`` or ``up`` whose resources arrive through ``register``."""
        if kind not in ("preview", "up"):
            raise ValueError(f"begin() takes 'preview' or 'up', not {kind!r}")
        with self._lock:
            self._start(kind, preview=kind == "preview")

    def register(self, goal: Resource, urn: str | None = None) -> Step:
        """Run the steps for one resource goal; raises StepFailed (errors recorded) or RunStopped."""
        with self._lock:
            run = self._current()
            if run.failed:
                raise RunStopped(f"{goal.name}: not registered, the {run.kind} stopped after an earlier error")
            urn = urn or self.urn(goal.type, goal.name)
            try:
                if urn in run.seen:
                    self._fail(run, urn, goal, f"Duplicate resource URN '{urn}'; try giving it a unique name")
                run.seen.add(urn)
                if not run.preview and contains_unknowns(goal.inputs):
                    raise ValueError(f"{goal.name}: unknown input values outside a preview")
                return self._steps(run, goal, urn)
            except StepFailed:
                run.failed = True
                raise

    def finish(self, *, program_failed: bool = False) -> Result:
        """End the run: unless it failed, delete (or in a preview, plan to delete) what was not registered."""
        with self._lock:
            run = self._current()
            if program_failed:
                run.failed = True
            if not run.failed:
                # deployment_executor.go performDeletes → step_generator.go GenerateDeletes, after the program's steps:
                # the old halves of replacements (`res.Delete`), this run's and those an earlier failed run left,
                # then what the program no longer declares, last state entry first.
                for old in reversed(run.prev):
                    if id(old) in run.done or not (old.delete or old.urn not in run.seen):
                        continue
                    op = "delete-replaced" if old.delete else "delete"
                    try:
                        self._delete(run, old, op)
                    except StepFailed:
                        break
            return self._end(run)

    # ----- run plumbing -----

    def _start(self, kind: str, *, preview: bool) -> _Run:
        if self._run is not None:
            raise RuntimeError(f"a {self._run.kind} is already running on this engine")
        self._run = _Run(kind, preview, list(self._resources), Result(kind))
        return self._run

    def _current(self) -> _Run:
        if self._run is None:
            raise RuntimeError("no run in progress: call begin() first")
        return self._run

    def _end(self, run: _Run) -> Result:
        try:
            for provider, _ in run.providers.values():
                provider.close()
        finally:
            if not run.preview:
                self._resources = run.news + [old for old in run.prev if id(old) not in run.done]
            self._run = None
        return run.result

    def _record(self, run: _Run, method: str, urn: str) -> None:
        call = Rpc(method, urn)
        run.result.rpcs.append(call)
        self.rpcs.append(call)

    def _provider(self, run: _Run, type_: str) -> tuple[Provider, ConfigureReply]:
        package = package_of(type_)
        if package not in run.providers:

            def record(method: str, urn: str) -> None:
                self._record(run, method, urn)

            dynamic = package == DYNAMIC_PACKAGE
            provider = self._plugin(record) if dynamic else EchoProvider(self.echo, record=record)
            reply = provider.configure(self.config)
            run.providers[package] = (provider, reply)
        return run.providers[package]

    def _fail(self, run: _Run, urn: str, goal: Resource | ResourceState, message: str, **extra: Any) -> NoReturn:
        diagnostic = Diagnostic(urn, goal.type, goal.name, message, **extra)
        run.result.errors.append(diagnostic)
        raise StepFailed([diagnostic])

    def _call(self, run: _Run, urn: str, target: Resource | ResourceState, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except AbortError as exc:
            self._fail(run, urn, target, exc.details, code=exc.code)
        except Exception as exc:  # any other plugin failure is this step's error too
            self._fail(run, urn, target, f"{type(exc).__name__}: {exc}")

    @staticmethod
    def _send(reply: ConfigureReply, values: dict[str, Any]) -> dict[str, Any]:
        """Secrets are stripped for a plugin that did not accept them (``KeepSecrets: acceptSecrets``)."""
        return values if reply.accept_secrets else reveal(values)

    @classmethod
    def _change(
        cls, reply: ConfigureReply, id_: str, olds: dict[str, Any], news: dict[str, Any], old_inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
        """What Diff and Update send after the URN: id, old outputs, news, old inputs (each as ``_send`` sends it)."""
        return id_, cls._send(reply, olds), cls._send(reply, news), cls._send(reply, old_inputs)

    @staticmethod
    def _annotate(reply: ConfigureReply, outs: dict[str, Any] | None, ins: dict[str, Any]) -> None:
        if not reply.accept_secrets:
            annotate_secrets(outs, ins)

    # ----- the step generator -----

    def _steps(self, run: _Run, goal: Resource, urn: str) -> Step:
        old = next((r for r in run.prev if r.urn == urn and not r.delete), None)
        inputs = dict(goal.inputs)
        if old is not None and goal.ignore_changes:
            inputs = _ignore_changes(inputs, old.inputs, goal.ignore_changes)
        checked = self._check(run, urn, goal, old.inputs if old is not None else {}, inputs)
        if old is None:
            return self._create(run, urn, goal, checked, "create")
        diff = self._diff(run, urn, goal, old, checked)
        if diff.changes == "none":
            return self._same(run, urn, goal, old, checked)
        if not diff.replaces:
            return self._update(run, urn, goal, old, checked, diff)
        if goal.protect and old.protect:  # step_generator.go: a replacement entails a delete
            self._fail(
                run,
                urn,
                goal,
                f'unable to replace resource "{urn}"\nas it is currently marked for protection. To unprotect the '
                "resource, remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`",
            )
        # A replacement recomputes defaults: Check again with no old inputs and the goal's own properties.
        checked = self._check(run, urn, goal, {}, dict(goal.inputs))
        delete_first = diff.delete_before_replace
        if goal.delete_before_replace is not None:
            delete_first = goal.delete_before_replace
        if delete_first and not run.preview:
            self._delete(run, old, "delete-replaced")
        step = self._create(run, urn, goal, checked, "replace")
        step.diffs, step.replaces, step.delete_before_replace = diff.keys, diff.replaces, delete_first
        if not run.preview and not delete_first:
            old.delete = True
        return step

    def _check(self, run: _Run, urn: str, goal: Resource, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        provider, proto = self._provider(run, goal.type)
        reply = self._call(
            run, urn, goal, lambda: provider.check(urn, self._send(proto, olds), self._send(proto, news))
        )
        inputs = reply.inputs if reply.inputs is not None else {}
        self._annotate(proto, inputs, news)
        if reply.failures:
            diagnostics = [_check_failure(urn, goal, news, prop, reason) for prop, reason in reply.failures]
            run.result.errors.extend(diagnostics)
            raise StepFailed(diagnostics)
        return inputs

    def _diff(self, run: _Run, urn: str, goal: Resource, old: ResourceState, checked: dict[str, Any]) -> _DiffOutcome:
        provider, proto = self._provider(run, goal.type)
        reply = self._call(
            run,
            urn,
            goal,
            lambda: provider.diff(urn, *self._change(proto, old.id, old.outputs, checked, old.inputs)),
        )
        input_diff = changed_keys(old.inputs, checked)
        changes = reply.changes
        changed = list(reply.diffs)
        if changes == "unknown":
            changes = "some" if input_diff else "none"
            changed = input_diff
        replaces = list(reply.replaces)
        if changes == "some":
            # applyReplaceOnChanges (step_generator.go) upgrades only the keys the diff names (ChangedKeys /
            # DetailedDiff). The Python dynamic servicer's DiffResponse carries neither (pulumi/dynamic/__main__.py),
            # so `replace_on_changes` has no effect on a dynamic resource whose provider answers the diff.
            replaces += [k for k in changed if k not in replaces and _replace_on(goal.replace_on_changes, k)]
        return _DiffOutcome(changes, replaces, reply.delete_before_replace, reply.diffs or input_diff)

    def _create(self, run: _Run, urn: str, goal: Resource, checked: dict[str, Any], op: str) -> Step:
        provider, proto = self._provider(run, goal.type)
        if run.preview and not proto.supports_preview:
            id_, outputs = "", dict(checked)
        else:
            reply = self._call(
                run, urn, goal, lambda: provider.create(urn, self._send(proto, checked), preview=run.preview)
            )
            if not reply.id and not run.preview:
                self._fail(run, urn, goal, "plugin returned empty resource.ID from create")
            id_, outputs = reply.id, reply.outputs
            self._annotate(proto, outputs, checked)
        mark_secret_outputs(outputs, goal.additional_secret_outputs)
        state = self._state(urn, goal, id_, checked, outputs)
        if not run.preview:
            run.news.append(state)
        step = Step(op, urn, goal.type, goal.name, id_, inputs=checked, outputs=outputs)
        run.result.steps.append(step)
        return step

    def _same(self, run: _Run, urn: str, goal: Resource, old: ResourceState, checked: dict[str, Any]) -> Step:
        outputs = dict(old.outputs)  # a same step keeps the old outputs, old __provider included
        mark_secret_outputs(outputs, goal.additional_secret_outputs)
        if not run.preview:
            run.news.append(self._state(urn, goal, old.id, checked, outputs))
            run.done.add(id(old))
        step = Step("same", urn, goal.type, goal.name, old.id, inputs=checked, outputs=outputs)
        run.result.steps.append(step)
        return step

    def _update(
        self,
        run: _Run,
        urn: str,
        goal: Resource,
        old: ResourceState,
        checked: dict[str, Any],
        diff: _DiffOutcome,
    ) -> Step:
        provider, proto = self._provider(run, goal.type)
        if run.preview and not proto.supports_preview:
            outputs = dict(checked)
        else:
            outputs = self._call(
                run,
                urn,
                goal,
                lambda: provider.update(
                    urn, *self._change(proto, old.id, old.outputs, checked, old.inputs), preview=run.preview
                ),
            )
            self._annotate(proto, outputs, checked)
        mark_secret_outputs(outputs, goal.additional_secret_outputs)
        if not run.preview:
            run.news.append(self._state(urn, goal, old.id, checked, outputs))
            run.done.add(id(old))
        step = Step("update", urn, goal.type, goal.name, old.id, diff.keys, inputs=checked, outputs=outputs)
        run.result.steps.append(step)
        return step

    def _delete(self, run: _Run, old: ResourceState, op: str) -> None:
        # step.go, DeleteStep.Apply: a protected resource is never deleted (its replacement was refused earlier);
        # retain_on_delete drops it from the state without calling the provider.
        if op == "delete" and old.protect:
            self._fail(
                run,
                old.urn,
                old,
                f'resource "{old.urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, either '
                "remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`, or use the "
                f"command:\n`pulumi state unprotect '{old.urn}'`",
            )
        if not run.preview and old.retain_on_delete:
            run.done.add(id(old))
        elif not run.preview:
            provider, proto = self._provider(run, old.type)
            self._call(
                run,
                old.urn,
                old,
                lambda: provider.delete(old.urn, old.id, self._send(proto, old.outputs), self._send(proto, old.inputs)),
            )
            run.done.add(id(old))
        run.result.steps.append(Step(op, old.urn, old.type, old.name, old.id, outputs=old.outputs))

    def _refresh_one(self, run: _Run, old: ResourceState) -> None:
        provider, proto = self._provider(run, old.type)
        reply = self._call(
            run,
            old.urn,
            old,
            lambda: provider.read(old.urn, old.id, self._send(proto, old.outputs), self._send(proto, old.inputs)),
        )
        run.done.add(id(old))
        if not reply.id:
            run.result.steps.append(Step("delete", old.urn, old.type, old.name, old.id, outputs=old.outputs))
            return
        outputs = reply.outputs
        self._annotate(proto, outputs, old.outputs)
        inputs = old.inputs
        if reply.inputs is not None:
            inputs = reply.inputs
            self._annotate(proto, inputs, old.inputs)
        mark_secret_outputs(outputs, old.additional_secret_outputs)
        new = replace(old, id=reply.id, inputs=inputs, outputs=outputs)
        run.news.append(new)
        # The refresh diff: refreshed inputs/outputs as the "old" side, the previous inputs as the "new" side.
        diff = self._call(
            run,
            old.urn,
            old,
            lambda: provider.diff(old.urn, *self._change(proto, new.id, new.outputs, old.inputs, new.inputs)),
        )
        input_diff = changed_keys(new.inputs, old.inputs)
        changes = diff.changes if diff.changes != "unknown" else ("some" if input_diff else "none")
        op = "update" if changes == "some" else "same"
        keys = (diff.diffs or input_diff) if op == "update" else []
        run.result.steps.append(Step(op, old.urn, old.type, old.name, new.id, keys, inputs=inputs, outputs=outputs))

    def _state(
        self, urn: str, goal: Resource, id_: str, inputs: dict[str, Any], outputs: dict[str, Any]
    ) -> ResourceState:
        return ResourceState(
            urn,
            goal.type,
            goal.name,
            id_,
            inputs,
            outputs,
            list(goal.additional_secret_outputs),
            goal.delete_before_replace,
            protect=goal.protect,
            retain_on_delete=goal.retain_on_delete,
        )


def _replace_on(paths: Iterable[str], key: str) -> bool:
    """PropertyPath.Contains for top-level keys: ``*`` or the key itself, or a path the key starts."""
    return any(p in ("*", "**") or p == key or key.startswith(p + ".") for p in paths)


def _ignore_changes(news: dict[str, Any], olds: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """processIgnoreChanges for top-level keys: the old input value wins (or the key stays absent)."""
    result = dict(news)
    for key in keys:
        if "." in key or "[" in key:
            raise ValueError(f"ignore_changes: only top-level keys are supported by the harness, not {key!r}")
        if key in olds:
            result[key] = olds[key]
        else:
            result.pop(key, None)
    return result


def _check_failure(urn: str, goal: Resource, inputs: dict[str, Any], prop: str, reason: str) -> Diagnostic:
    """The engine's message for a CheckFailure (GetResourcePropertyInvalidValueError / GetResourceInvalidError)."""
    if prop:
        value = _go_value(inputs.get(prop))
        message = f"{goal.type} resource '{goal.name}'s property '{prop}' value {value} has a problem: {reason}"
    else:
        message = f"{goal.type} resource '{goal.name}' has a problem: {reason}"
    return Diagnostic(urn, goal.type, goal.name, message, property=prop, reason=reason)


def _go_value(value: Any) -> str:
    """Roughly how Go prints a PropertyValue with %v: ``{value}``."""
    if value is None:
        return "{<nil>}"
    if isinstance(value, Secret):
        return "{[secret]}"
    if isinstance(value, Unknown):
        return "{<unknown>}"
    if isinstance(value, bool):
        return "{" + str(value).lower() + "}"
    if isinstance(value, float) and value.is_integer():
        return "{" + str(int(value)) + "}"
    return "{" + str(value) + "}"
