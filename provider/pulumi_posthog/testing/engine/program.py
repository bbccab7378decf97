"""Run a Pulumi Python program under ``set_mocks`` with its resources executed by a MiniEngine."""

from __future__ import annotations

import asyncio
import contextlib
import os
import runpy
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi.runtime import run_in_stack, set_all_config, set_mocks, settings
from pulumi.runtime.mocks import MockCallArgs
from pulumi.runtime.proto import resource_pb2

from .engine import MiniEngine
from .isolation import run_isolated
from .mocks import EngineMocks, HarnessMonitor
from .model import Result
from .values import Secret, contains_secrets, contains_unknowns, reveal
from .wire import from_struct_exact

Program = Callable[[], Any] | str | Path
"""A callable (the program body) or the path of a program's ``__main__.py`` (or of its directory)."""

_QUIET = ("exception was never retrieved", "Task was destroyed but it is pending")


@dataclass
class Export:
    """A stack output: its value (secrets revealed; unknown parts are ``Unknown``), known-ness and secret-ness."""

    value: Any
    known: bool
    secret: bool


@dataclass
class Registered:
    """A resource the program registered: what the engine received, and the raw request (options included)."""

    type: str
    name: str
    urn: str
    custom: bool
    inputs: dict[str, Any]
    request: resource_pb2.RegisterResourceRequest

    @property
    def plain_inputs(self) -> dict[str, Any]:
        """Inputs with secrets revealed."""
        return reveal(self.inputs)


@dataclass
class ProgramRun:
    """A program's run: the engine's Result, the exports, the registered resources, and the program's error."""

    preview: bool
    result: Result
    exports: dict[str, Export] = field(default_factory=dict)
    resources: list[Registered] = field(default_factory=list)
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        """The program finished and the engine reported no error."""
        return self.error is None and self.result.ok

    def resource(self, name: str) -> Registered:
        """A registered resource by name."""
        for res in self.resources:
            if res.name == name:
                return res
        raise KeyError(f"{name!r} was not registered: {[r.name for r in self.resources]}")

    def expect_ok(self) -> ProgramRun:
        """Return self, or raise AssertionError with the program's error and the engine's errors."""
        if not self.ok:
            errors = "\n".join(e.message for e in self.result.errors)
            raise AssertionError(f"program failed: {self.error!r}\n{errors}")
        return self


class ProgramRunner:
    """Runs programs against one MiniEngine (the stack), so state carries over from run to run.

    Each run happens on its own thread with a fresh event loop and context: ``set_mocks`` and the stack config
    (``pulumi.Config``) are set there and never leak into the caller. Runs on one runner must not overlap.
    """

    def __init__(self, engine: MiniEngine, *, calls: Callable[[MockCallArgs], dict[str, Any]] | None = None) -> None:
        self.engine = engine
        self.calls = calls

    def preview(self, program: Program) -> ProgramRun:
        """``pulumi preview``: dynamic resources get Check/Diff only; outputs of new resources are unknown."""
        return self.run(program, preview=True)

    def up(self, program: Program) -> ProgramRun:
        """``pulumi up``."""
        return self.run(program, preview=False)

    def run(self, program: Program, *, preview: bool) -> ProgramRun:
        """Run the program once as a preview or an update."""
        return run_isolated(lambda: self._run(program, preview), name="pulumi-program")

    def _run(self, program: Program, preview: bool) -> ProgramRun:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.set_exception_handler(_quiet_exception_handler)
        mocks = EngineMocks(self.engine, self.calls)
        monitor = HarnessMonitor(mocks)
        mocks.monitor = monitor
        # A non-None root keeps set_mocks from registering a Stack of its own: run_in_stack registers the real one.
        settings.ROOT.set(object())  # type: ignore[arg-type]
        set_mocks(mocks, project=self.engine.project, stack=self.engine.stack, preview=preview, monitor=monitor)
        settings.ROOT.set(None)
        settings.SETTINGS.outputs = set()
        settings.SETTINGS.lock = threading.Lock()
        config = self.engine.config
        set_all_config(
            {k: reveal(v) for k, v in config.items()}, [k for k, v in config.items() if isinstance(v, Secret)]
        )
        body, directory = _entry_point(program)
        error: BaseException | None = None
        self.engine.begin("preview" if preview else "up")
        try:
            with _working_directory(directory):
                loop.run_until_complete(run_in_stack(body))
        except BaseException as exc:  # the program's failure is part of the outcome
            error = exc
        finally:
            result = self.engine.finish(program_failed=error is not None)
            _close(loop)
        exports = from_struct_exact(monitor.stack_outputs) if monitor.stack_outputs is not None else {}
        if not preview and error is None:
            self.engine.stack_outputs = exports
        return ProgramRun(
            preview=preview,
            result=result,
            exports={k: Export(reveal(v), not contains_unknowns(v), contains_secrets(v)) for k, v in exports.items()},
            resources=[_registered(monitor, r) for r in monitor.requests],
            error=error,
        )


def _entry_point(program: Program) -> tuple[Callable[[], Any], Path | None]:
    if callable(program):
        return program, None
    path = Path(program).resolve()  # the run changes directory before it executes the program
    main = path / "__main__.py" if path.is_dir() else path
    return (lambda: runpy.run_path(str(main), run_name="__main__")), main.parent


@contextlib.contextmanager
def _working_directory(directory: Path | None) -> Any:
    """Like the language host: the program runs in its directory, which is on ``sys.path``."""
    if directory is None:
        yield
        return
    previous = os.getcwd()
    os.chdir(directory)
    sys.path.insert(0, str(directory))
    try:
        yield
    finally:
        os.chdir(previous)
        with contextlib.suppress(ValueError):
            sys.path.remove(str(directory))


def _registered(monitor: HarnessMonitor, request: resource_pb2.RegisterResourceRequest) -> Registered:
    urn = monitor.make_urn(request.parent, request.type, request.name)
    return Registered(request.type, request.name, urn, request.custom, from_struct_exact(request.object), request)


def _quiet_exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Drop the noise a failed program leaves behind (unretrieved futures); report anything else."""
    if not any(text in str(context.get("message", "")) for text in _QUIET):
        loop.default_exception_handler(context)


def _close(loop: asyncio.AbstractEventLoop) -> None:
    for task in asyncio.all_tasks(loop):
        task.cancel()
        with contextlib.suppress(BaseException):
            loop.run_until_complete(task)
    loop.run_until_complete(loop.shutdown_default_executor())
    asyncio.set_event_loop(None)
    loop.close()
