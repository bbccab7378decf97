"""The real dynamic-provider plugin process (``python -u -m pulumi.dynamic``) driven over real gRPC."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

import grpc
from google.protobuf.message import Message
from pulumi.runtime.proto import provider_pb2_grpc

from .client import Provider, ProviderClient, Recorder
from .servicer import AbortError

START_TIMEOUT = 20.0
CALL_TIMEOUT = 60.0


class PluginStartError(RuntimeError):
    """The plugin process exited or printed something other than its port."""


class PluginProcess(ProviderClient):
    """Starts the plugin the way ``pulumi-resource-pulumi-python`` does and talks to it as the engine would.

    ``cwd`` is the project directory (the plugin imports by-reference provider classes from there). The
    environment is the caller's without ``PYTHONPATH`` and ``PULUMI_*``, plus ``PULUMI_PROJECT`` and ``env``: an
    import that only works from the test runner's ``sys.path`` fails here as it would for a user.
    gRPC errors surface as ``AbortError(code, details)``.
    """

    def __init__(
        self,
        cwd: str | Path,
        *,
        project: str = "project",
        env: Mapping[str, str] | None = None,
        python: str = sys.executable,
        record: Recorder | None = None,
    ) -> None:
        super().__init__(self._call, record=record)
        self.cwd = Path(cwd)
        self.project = project
        self._env = dict(env or {})
        self._python = python
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: provider_pb2_grpc.ResourceProviderStub | None = None
        self._output: list[bytes] = []
        self.port: int | None = None

    def start(self) -> PluginProcess:
        """Start the process, read its port from stdout and connect."""
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("PULUMI_")}
        env.update({"PULUMI_PROJECT": self.project, **self._env})
        self._process = subprocess.Popen(
            [self._python, "-u", "-m", "pulumi.dynamic"],
            cwd=self.cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        port_line = self._read_port_line()
        if not port_line.isdigit():
            self._fail(f"plugin printed {port_line!r} instead of its port")
        self.port = int(port_line)
        self._channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        grpc.channel_ready_future(self._channel).result(timeout=START_TIMEOUT)
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        threading.Thread(target=self._drain, name="plugin-output", daemon=True).start()
        return self

    def _read_port_line(self) -> str:
        process = self._process
        assert process is not None and process.stdout is not None
        stdout = process.stdout
        found: list[bytes] = []
        reader = threading.Thread(target=lambda: found.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        if not found:
            self._fail(f"plugin did not print its port within {START_TIMEOUT}s")
        return found[0].decode(errors="replace").strip()

    def _fail(self, message: str) -> NoReturn:
        process, self._process = self._process, None
        rest = b""
        if process is not None:
            if process.poll() is None:
                process.kill()
            rest = process.stdout.read() if process.stdout is not None else b""
            process.wait()
        raise PluginStartError(f"{message}; output:\n{rest.decode(errors='replace')}")

    def _drain(self) -> None:
        process = self._process
        if process is None or process.stdout is None:
            return
        for line in iter(process.stdout.readline, b""):
            self._output.append(line)

    @property
    def output(self) -> str:
        """What the plugin printed after its port (provider prints, warnings, tracebacks)."""
        return b"".join(self._output).decode(errors="replace")

    def _call(self, method: str, request: Message) -> Message:
        if self._stub is None:
            raise RuntimeError("plugin process not started")
        try:
            return getattr(self._stub, method)(request, timeout=CALL_TIMEOUT)
        except grpc.RpcError as exc:
            raise AbortError(exc.code(), exc.details() or "") from None  # type: ignore[attr-defined]

    def stop(self) -> None:
        """Close the channel and end the process (terminate, then kill)."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
            self._stub = None
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    close = stop

    def __enter__(self) -> PluginProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def process_plugin(cwd: str | Path, **options: Any) -> Callable[[Recorder], Provider]:
    """A MiniEngine ``plugin`` factory: every run starts (and ends) a real plugin process in ``cwd``."""

    def start(record: Recorder) -> Provider:
        return PluginProcess(cwd, record=record, **options).start()

    return start
