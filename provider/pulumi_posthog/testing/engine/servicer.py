"""The SDK's own DynamicResourceProviderServicer, loaded from ``pulumi/dynamic/__main__.py`` without its main()."""

from __future__ import annotations

import re
import threading
import types
from pathlib import Path
from typing import Any, NoReturn

import grpc
import pulumi.dynamic

_MAIN_CALL = re.compile(r"^main\(\)[ \t]*$", re.MULTILINE)
_compiled: types.CodeType | None = None
_compile_lock = threading.Lock()


class AbortError(Exception):
    """A gRPC error as the engine receives it: status code plus details (a traceback for provider errors)."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{code.name}: {details}")
        self.code = code
        self.details = details

    @property
    def summary(self) -> str:
        """The last line of the details: for a provider exception, ``ExceptionType: message``."""
        lines = [line for line in self.details.strip().splitlines() if line.strip()]
        return lines[-1].strip() if lines else ""


class FakeContext:
    """A grpc.ServicerContext stand-in: ``abort`` raises AbortError like a real server ends the call."""

    def __init__(self) -> None:
        self.code: grpc.StatusCode | None = None
        self.details: str | None = None

    def abort(self, code: grpc.StatusCode, details: str) -> NoReturn:
        raise AbortError(code, details)

    def set_code(self, code: grpc.StatusCode) -> None:
        self.code = code

    def set_details(self, details: str) -> None:
        self.details = details


def servicer_source_path() -> Path:
    """The file the real plugin runs: ``python -m pulumi.dynamic``."""
    return Path(pulumi.dynamic.__file__).with_name("__main__.py")


def _code() -> types.CodeType:
    global _compiled
    with _compile_lock:
        if _compiled is None:
            path = servicer_source_path()
            source, count = _MAIN_CALL.subn("", path.read_text())
            if count != 1:
                raise RuntimeError(f"expected exactly one top-level main() call in {path}, found {count}")
            # compile(), never ast.parse: CPython 3.11 can raise "AST constructor recursion depth mismatch".
            _compiled = compile(source, str(path), "exec")
        return _compiled


def load_servicer_module() -> types.ModuleType:
    """A fresh copy of the servicer module, with its own ``_PROVIDER_CACHE`` (one per simulated plugin process)."""
    module = types.ModuleType("pulumi_dynamic_plugin")
    module.__file__ = str(servicer_source_path())
    exec(_code(), module.__dict__)
    return module


def new_servicer() -> Any:
    """A ``DynamicResourceProviderServicer`` from a freshly loaded module."""
    return load_servicer_module().DynamicResourceProviderServicer()
