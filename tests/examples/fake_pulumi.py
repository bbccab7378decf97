"""A stand-in for the `pulumi` CLI that applies the real CLI's rules this repo depends on, and runs the program.

What it copies from pulumi/pulumi (and where):
- the project is the nearest Pulumi.yaml at or above the working directory; its stack config lives beside it in
  ``Pulumi.<stack>.yaml``, secrets encrypted with the passphrase (``PULUMI_CONFIG_PASSPHRASE``);
- the language host resolves ``runtime.options.virtualenv`` against the *project root*
  (sdk/python/toolchain/pip.go, resolveVirtualEnvironmentPath) and fails when it is not a virtualenv (ValidateVenv);
- every plugin runs in ``main``'s directory (pkg/engine/project.go getPwdMain; plugin.go ``cmd.Dir = pwd``) and gets
  the runtime options as ``PULUMI_RUNTIME_<OPTION>`` (provider_plugin.go); the dynamic-provider launcher
  sdk/python/dist/pulumi-resource-pulumi-python makes a relative ``PULUMI_RUNTIME_VIRTUALENV`` absolute against
  ``$PWD`` and exits with "The 'virtualenv' option in Pulumi.yaml is set to …, but … doesn't exist." otherwise;
- one plugin process per command; state in a file backend (``PULUMI_BACKEND_URL=file://…``), nowhere else.

The program itself runs under the engine harness (tests/harness: ProgramRunner + MiniEngine), its dynamic resources
through a real ``python -u -m pulumi.dynamic`` process started as the launcher would start it. Every call is logged
to ``$FAKE_PULUMI_LOG`` (argv, cwd, PULUMI_* environment) when that is set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import pickle
import sys
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.harness.engine import MiniEngine  # noqa: E402
from tests.harness.model import Result  # noqa: E402
from tests.harness.plugin import PluginProcess, PluginStartError  # noqa: E402
from tests.harness.program import ProgramRunner  # noqa: E402
from tests.harness.values import Secret, Unknown  # noqa: E402

VERSION = "v3.272.0"
EXIT_ERROR = 1  # a failed command (pkg/cmd/pulumi/cmd/exit_codes.go; older CLIs exited 255)
WRONG_PASSPHRASE = (
    "incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE to the correct passphrase or set "
    "PULUMI_CONFIG_PASSPHRASE_FILE to a file containing the passphrase"
)


class CliError(Exception):
    """A failure the CLI reports as ``error: …``, exiting with EXIT_ERROR."""


# ----- the project and its Python runtime --------------------------------------------------------------------------


def find_project(start: Path) -> Path:
    """The directory of the nearest Pulumi.yaml at or above ``start`` (workspace.DetectProjectPath)."""
    for directory in (start, *start.parents):
        if (directory / "Pulumi.yaml").is_file():
            return directory
    raise CliError(f"no Pulumi.yaml project file found (searching upwards from {start})")


def load_project(root: Path) -> dict[str, Any]:
    project = yaml.safe_load((root / "Pulumi.yaml").read_text()) or {}
    if not isinstance(project, dict) or "name" not in project:
        raise CliError(f"{root / 'Pulumi.yaml'}: a project needs a name")
    return project


def runtime_options(project: dict[str, Any]) -> dict[str, Any]:
    runtime = project.get("runtime")
    if isinstance(runtime, dict):
        if runtime.get("name") != "python":
            raise CliError(f"this stand-in runs Python projects only, not {runtime.get('name')!r}")
        return dict(runtime.get("options") or {})
    if runtime != "python":
        raise CliError(f"this stand-in runs Python projects only, not {runtime!r}")
    return {}


def program_dir(root: Path, project: dict[str, Any]) -> Path:
    """``main``'s directory: where the program and every plugin run (getPwdMain)."""
    main = root / str(project.get("main") or ".")
    if not main.is_dir():
        raise CliError(f"project 'main' {main} is not a directory")
    return main


def is_virtualenv(path: Path) -> bool:
    return (path / "bin" / "python").is_file()


def language_host_virtualenv(root: Path, options: dict[str, Any]) -> Path | None:
    """pip.go resolveVirtualEnvironmentPath: relative to the project root."""
    option = options.get("virtualenv")
    if not option:
        return None
    path = Path(option)
    return path if path.is_absolute() else root / path


def plugin_virtualenv(pwd: Path, options: dict[str, Any]) -> Path | None:
    """pulumi-resource-pulumi-python: ``PULUMI_RUNTIME_VIRTUALENV`` (trailing slash removed) made absolute against
    ``$PWD``, which is ``main``'s directory; with toolchain uv and no option it is ``.venv``."""
    option = options.get("virtualenv")
    if not option and options.get("toolchain") == "uv":
        option = ".venv"
    if not option:
        return None
    option = str(option).rstrip("/")
    path = Path(option)
    return path if path.is_absolute() else pwd / path


def check_language_host(root: Path, options: dict[str, Any]) -> Path | None:
    venv = language_host_virtualenv(root, options)
    if venv is not None and not is_virtualenv(venv):
        state = "doesn't exist" if not venv.exists() else "doesn't appear to be a virtual environment"
        raise CliError(
            f"The 'virtualenv' option in Pulumi.yaml is set to {options['virtualenv']!r}, but {str(venv)!r} {state}; "
            "run the following commands to create the virtual environment and install dependencies into it:\n\n"
            f"    1. python3 -m venv {venv}\n"
            f"    2. {venv}/bin/python -m pip install --upgrade pip setuptools wheel\n"
            f"    3. {venv}/bin/python -m pip install -r requirements.txt"
        )
    return venv


def start_plugin(pwd: Path, options: dict[str, Any], record: Any, started: list[PluginProcess]) -> PluginProcess:
    """Start ``pulumi-resource-pulumi-python`` as the engine does: cwd = main's directory, runtime options in env."""
    env = {f"PULUMI_RUNTIME_{k.upper()}": str(v) for k, v in options.items()}
    venv = plugin_virtualenv(pwd, options)
    if venv is None:
        python = os.environ.get("PULUMI_PYTHON_CMD", "python3")
    elif is_virtualenv(venv):
        python = str(venv / "bin" / "python")
    else:
        state = "doesn't exist" if not venv.is_dir() else "doesn't appear to be a virtual environment"
        raise PluginStartError(
            f'The \'virtualenv\' option in Pulumi.yaml is set to "{venv}", but "{venv}" {state}.\n'
            "Run the following commands to create the virtual environment and install dependencies into it:\n"
            f"    1. python3 -m venv {venv}\n"
            f"    2. {venv}/bin/python -m pip install --upgrade pip setuptools wheel\n"
            f"    3. {venv}/bin/python -m pip install -r {pwd}/requirements.txt\n"
            "could not read plugin [pulumi-resource-pulumi-python] stdout: EOF"
        )
    plugin = PluginProcess(pwd, python=python, env=env, record=record)
    started.append(plugin)
    return plugin.start()


# ----- secrets, config and the backend -----------------------------------------------------------------------------


def _passphrase() -> bytes:
    value = os.environ.get("PULUMI_CONFIG_PASSPHRASE")
    if value is None and os.environ.get("PULUMI_CONFIG_PASSPHRASE_FILE"):
        value = Path(os.environ["PULUMI_CONFIG_PASSPHRASE_FILE"]).read_text().rstrip("\n")
    if value is None:
        raise CliError("passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE")
    return value.encode()


def _keystream(key: bytes, nonce: bytes, size: int) -> bytes:
    blocks = (hashlib.sha256(key + nonce + i.to_bytes(8, "big")).digest() for i in range((size + 31) // 32))
    return b"".join(blocks)[:size]


def encrypt(salt: bytes, data: bytes) -> str:
    key = hashlib.pbkdf2_hmac("sha256", _passphrase(), salt, 20_000)
    nonce = os.urandom(16)
    body = bytes(a ^ b for a, b in zip(data, _keystream(key, nonce, len(data)), strict=True))
    tag = hmac.new(key, nonce + body, hashlib.sha256).digest()
    return "v1:" + base64.b64encode(nonce + tag + body).decode()


def decrypt(salt: bytes, text: str) -> bytes:
    raw = base64.b64decode(text.removeprefix("v1:"))
    nonce, tag, body = raw[:16], raw[16:48], raw[48:]
    key = hashlib.pbkdf2_hmac("sha256", _passphrase(), salt, 20_000)
    if not hmac.compare_digest(tag, hmac.new(key, nonce + body, hashlib.sha256).digest()):
        raise CliError(WRONG_PASSPHRASE)
    return bytes(a ^ b for a, b in zip(body, _keystream(key, nonce, len(body)), strict=True))


class Workspace:
    """The project, its selected stack, stack config and the file backend."""

    def __init__(self, cwd: Path) -> None:
        self.root = find_project(cwd)
        self.project = load_project(self.root)
        self.name = str(self.project["name"])
        url = os.environ.get("PULUMI_BACKEND_URL", "")
        if not url.startswith("file://"):
            raise CliError(
                f"this stand-in only has file backends; PULUMI_BACKEND_URL is {url!r} (the real CLI would use your "
                "logged-in backend)"
            )
        self.backend = Path(url.removeprefix("file://"))
        if not self.backend.is_dir():
            raise CliError(f"the backend directory {self.backend} does not exist")
        self.stacks = self.backend / ".pulumi" / "stacks" / self.name
        home = Path(os.environ.get("PULUMI_HOME", Path(os.environ.get("HOME", "/")) / ".pulumi"))
        digest = hashlib.sha1(str(self.root / "Pulumi.yaml").encode()).hexdigest()
        self.selection = home / "workspaces" / f"{self.name}-{digest}-workspace.json"

    # stacks
    def exists(self, stack: str) -> bool:
        return (self.stacks / f"{stack}.json").is_file()

    def select(self, stack: str) -> None:
        if not self.exists(stack):
            raise CliError(f"no stack named '{stack}' found")
        self.selection.parent.mkdir(parents=True, exist_ok=True)
        self.selection.write_text(json.dumps({"stack": stack}))

    def init(self, stack: str) -> None:
        if self.exists(stack):
            raise CliError(f"stack '{stack}' already exists")
        self.stacks.mkdir(parents=True, exist_ok=True)
        self.save_state(stack, MiniEngine(project=self.name, stack=stack))
        self.select(stack)

    def current(self) -> str:
        try:
            stack = json.loads(self.selection.read_text())["stack"]
        except (OSError, ValueError, KeyError):
            raise CliError("no stack selected; please use `pulumi stack select`") from None
        if not self.exists(stack):
            raise CliError(f"no stack named '{stack}' found")
        return str(stack)

    # config
    def config_file(self, stack: str) -> Path:
        return self.root / f"Pulumi.{stack}.yaml"

    def _config_doc(self, stack: str) -> dict[str, Any]:
        path = self.config_file(stack)
        doc = yaml.safe_load(path.read_text()) if path.exists() else None
        return doc if isinstance(doc, dict) else {}

    def _salt(self, doc: dict[str, Any]) -> bytes:
        if "encryptionsalt" not in doc:
            doc["encryptionsalt"] = "v1:" + base64.b64encode(os.urandom(8)).decode()
        return base64.b64decode(str(doc["encryptionsalt"]).removeprefix("v1:"))

    def set_config(self, stack: str, key: str, value: str, *, secret: bool) -> None:
        if ":" not in key:
            key = f"{self.name}:{key}"
        doc = self._config_doc(stack)
        salt = self._salt(doc)
        config = doc.setdefault("config", {})
        config[key] = {"secure": encrypt(salt, value.encode())} if secret else value
        self.config_file(stack).write_text(yaml.safe_dump(doc, sort_keys=False))

    def config(self, stack: str) -> dict[str, Any]:
        doc = self._config_doc(stack)
        values: dict[str, Any] = {}
        for key, value in (doc.get("config") or {}).items():
            if isinstance(value, dict) and "secure" in value:
                values[key] = Secret(decrypt(self._salt(doc), value["secure"]).decode())
            elif isinstance(value, (dict, list)):
                values[key] = json.dumps(value)
            else:
                values[key] = value if isinstance(value, str) else json.dumps(value)
        return values

    # state (secrets inside are never written in plaintext: the whole snapshot is encrypted)
    def load_state(self, stack: str, engine: MiniEngine) -> bool:
        """Restore the engine; True when the stack resource (pulumi:pulumi:Stack) exists, i.e. after a first up."""
        saved = json.loads((self.stacks / f"{stack}.json").read_text())
        salt = base64.b64decode(saved["salt"])
        engine.restore(pickle.loads(decrypt(salt, saved["snapshot"])))
        return bool(saved.get("stack_resource"))

    def save_state(self, stack: str, engine: MiniEngine, *, stack_resource: bool = False) -> None:
        salt = os.urandom(8)
        blob = encrypt(salt, pickle.dumps(engine.snapshot()))
        resources = [{"urn": r.urn, "id": r.id, "delete": r.delete} for r in engine.resources]
        document = {
            "version": 3,
            "salt": base64.b64encode(salt).decode(),
            "stack_resource": stack_resource,
            "resources": resources,
            "snapshot": blob,
        }
        (self.stacks / f"{stack}.json").write_text(json.dumps(document, indent=2))


# ----- commands ------------------------------------------------------------------------------------------------


SYMBOLS = {"create": "+ ", "update": "~ ", "replace": "+-", "delete": "- ", "same": "  "}
DONE = {"create": "created", "update": "updated", "replace": "replaced", "delete": "deleted"}
PLANNED = {"create": "to create", "update": "to update", "replace": "to replace", "delete": "to delete"}


def _print_result(result: Result, *, preview: bool, plugins: list[PluginProcess], stack_op: str) -> None:
    """Steps, diagnostics and the "Resources:" summary, which counts the stack resource too, as the CLI does."""
    for step in result.steps:
        if step.op == "same":
            continue
        symbol = SYMBOLS.get(step.op, "  ")
        print(f"    {symbol} {step.type} {step.name} {step.op}")
    notes = [line for plugin in plugins for line in plugin.output.splitlines() if line.strip()]
    if result.errors or notes:
        print("Diagnostics:")
        for line in notes:
            print(f"  pulumi-python:dynamic: {line}")
        for error in result.errors:
            print(f"  {error.type} ({error.name}):\n    error: {error.message}")
    counts = Counter(s.op for s in result.steps if s.op in SYMBOLS)
    counts[stack_op] += 1
    print("Resources:")
    for op, words in (PLANNED if preview else DONE).items():
        if counts[op]:
            print(f"    {SYMBOLS[op].strip():2}{counts[op]} {words}")
    if counts["same"]:
        print(f"    {counts['same']} unchanged")


def _stack_engine(ws: Workspace, stack: str, options: dict[str, Any]) -> tuple[MiniEngine, list[PluginProcess], bool]:
    """The stack's engine, its state restored, starting plugins as the CLI does; whether the stack resource exists."""
    pwd = program_dir(ws.root, ws.project)
    plugins: list[PluginProcess] = []
    engine = MiniEngine(
        ws.config(stack),
        project=ws.name,
        stack=stack,
        plugin=lambda record: start_plugin(pwd, options, record, plugins),
    )
    return engine, plugins, ws.load_state(stack, engine)


def _run_program(ws: Workspace, kind: str) -> int:
    stack = ws.current()
    options = runtime_options(ws.project)
    venv = check_language_host(ws.root, options)
    if venv is not None and Path(sys.prefix).resolve() != venv.resolve():
        # The language host runs the program with the virtualenv's python: so does this stand-in.
        os.environ["FAKE_PULUMI_REEXEC"] = "1"
        os.execv(str(venv / "bin" / "python"), [str(venv / "bin" / "python"), __file__, *sys.argv[1:]])
    pwd = program_dir(ws.root, ws.project)
    engine, plugins, had_stack = _stack_engine(ws, stack, options)
    runner = ProgramRunner(engine)
    print(f"{'Previewing update' if kind == 'preview' else 'Updating'} ({stack}):")
    try:
        run = runner.run(pwd, preview=kind == "preview")
    finally:
        for plugin in plugins:
            plugin.stop()
    if kind == "up":
        ws.save_state(stack, engine, stack_resource=had_stack or run.ok)
    stack_op = "same" if had_stack else "create"
    _print_result(run.result, preview=kind == "preview", plugins=plugins, stack_op=stack_op)
    if run.error is not None:
        message = "".join(traceback.format_exception_only(type(run.error), run.error)).strip()
        print(f"  pulumi:pulumi:Stack ({ws.name}-{stack}):\n    error: an unhandled error occurred: {message}")
    if not run.ok:
        print(f"error: {'preview' if kind == 'preview' else 'update'} failed", file=sys.stderr)
        return EXIT_ERROR
    return 0


def _refresh_or_destroy(ws: Workspace, kind: str) -> int:
    stack = ws.current()
    options = runtime_options(ws.project)
    check_language_host(ws.root, options)
    engine, plugins, had_stack = _stack_engine(ws, stack, options)
    print(f"{'Refreshing' if kind == 'refresh' else 'Destroying'} ({stack}):")
    result = engine.refresh() if kind == "refresh" else engine.destroy()
    gone = kind == "destroy" and result.ok
    if gone:
        engine.stack_outputs = {}
    ws.save_state(stack, engine, stack_resource=had_stack and not gone)
    stack_op = ("delete" if gone else "same") if had_stack else "none"
    _print_result(result, preview=False, plugins=plugins, stack_op=stack_op)
    if not result.ok:
        print(f"error: {kind} failed", file=sys.stderr)
        return EXIT_ERROR
    if kind == "destroy":
        print(
            "The resources in the stack have been deleted, but the history and configuration associated with the "
            f"stack are still maintained.\nIf you want to remove the stack completely, run `pulumi stack rm {stack}`."
        )
    return 0


def _plain(value: Any, show_secrets: bool) -> Any:
    if isinstance(value, Secret):
        return _plain(value.value, show_secrets) if show_secrets else "[secret]"
    if isinstance(value, Unknown):
        return "[unknown]"
    if isinstance(value, float) and value.is_integer():
        return int(value)  # Go's encoding/json prints a whole float64 without a fraction
    if isinstance(value, dict):
        return {k: _plain(v, show_secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, show_secrets) for v in value]
    return value


def _stack_output(ws: Workspace, args: list[str]) -> int:
    stack = ws.current()
    engine = MiniEngine(project=ws.name, stack=stack)
    ws.load_state(stack, engine)
    outputs = _plain(engine.stack_outputs, "--show-secrets" in args)
    if "--json" in args:
        print(json.dumps(outputs, indent=2, sort_keys=True))
    else:
        print(f"Current stack outputs ({len(outputs)}):")
        for key in sorted(outputs):
            print(f"    {key:<24}{outputs[key]}")
    return 0


def _log(args: list[str]) -> None:
    path = os.environ.get("FAKE_PULUMI_LOG")
    if path and not os.environ.get("FAKE_PULUMI_REEXEC"):
        env = {k: v for k, v in os.environ.items() if k.startswith("PULUMI_")}
        with open(path, "a") as log:
            log.write(json.dumps({"argv": args, "cwd": os.getcwd(), "env": env}) + "\n")


def dispatch(args: list[str]) -> int:
    if args[:1] == ["version"]:
        print(VERSION)
        return 0
    ws = Workspace(Path.cwd())
    flags = {a for a in args if a.startswith("-")}
    words = [a for a in args if not a.startswith("-")]
    if words[:2] == ["stack", "select"] and len(words) == 3:
        ws.select(words[2])
        return 0
    if words[:2] == ["stack", "init"] and len(words) == 3:
        ws.init(words[2])
        print(f"Created stack '{words[2]}'")
        return 0
    if words[:2] == ["stack", "output"]:
        return _stack_output(ws, args)
    if words[:2] == ["config", "set"] and len(words) == 4 and flags <= {"--secret", "--plaintext"}:
        ws.set_config(ws.current(), words[2], words[3], secret="--secret" in flags)
        return 0
    if words in (["up"], ["preview"], ["refresh"], ["destroy"]):
        allowed = {"--yes", "-y", "--skip-preview", "--non-interactive"}
        if not flags <= allowed:
            raise CliError(f"this stand-in does not know the flags {sorted(flags - allowed)}")
        if words[0] != "preview" and not flags & {"--yes", "-y"}:
            raise CliError("--yes must be passed in to proceed when running in non-interactive mode")
        if words[0] in ("up", "preview"):
            return _run_program(ws, words[0])
        return _refresh_or_destroy(ws, words[0])
    raise CliError("this stand-in does not know `pulumi " + " ".join(args) + "`")


def main() -> None:
    args = sys.argv[1:]
    _log(args)
    try:
        code = dispatch(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = EXIT_ERROR
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
