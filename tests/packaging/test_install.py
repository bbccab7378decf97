"""The README's install route, exercised: build the wheel, install it into a fresh virtualenv, import the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_the_built_wheel_installs_into_a_fresh_venv_and_imports(wheel_path: Path, tmp_path: Path) -> None:
    wheel = wheel_path
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)], capture_output=True, text=True, timeout=600
    )
    assert installed.returncode == 0, installed.stderr[-2000:]

    probe = (
        "import pulumi_posthog as p, pulumi_posthog.destinations as d, importlib.resources as r, json\n"
        "print(p.__file__)\n"
        "print(sorted(n for n in ('Organization', 'BatchExport', 'Integration') if hasattr(p, n)))\n"
        "print(json.loads(r.files('pulumi_posthog').joinpath('pulumi-plugin.json').read_text()))\n"
        "try:\n"
        "    import pulumi_posthog.policies\n"
        "except ImportError as exc:\n"
        "    print('policies:', exc)\n"
    )
    out = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, timeout=120, cwd=tmp_path)

    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(str(venv))  # the installed copy, not this checkout
    assert lines[1] == "['BatchExport', 'Integration', 'Organization']"
    assert lines[2] == "{'resource': False}"
    assert "pip install 'pulumi-posthog[policy]'" in lines[3]  # no pulumi-policy in a plain install: the extra named
