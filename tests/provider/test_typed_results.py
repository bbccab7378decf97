"""The ``get_*`` functions' results are typed: a type checker completes their keys and catches a wrong one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROGRAM = """
import pulumi_posthog as posthog

org = posthog.get_organization()
project_id: int = org["projects"][0]["id"]
token: str = org["teams"][0]["api_token"]
exports = posthog.get_batch_exports(project_id=project_id)
kind: str = exports[0]["destination"]["type"]
{extra}
"""


def mypy(tmp_path: Path, extra: str) -> subprocess.CompletedProcess[str]:
    program = tmp_path / "program.py"
    program.write_text(PROGRAM.format(extra=extra))
    command = [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental", str(program)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)


def test_a_type_checker_knows_the_keys_of_the_results(tmp_path: Path) -> None:
    assert mypy(tmp_path, "").returncode == 0, mypy(tmp_path, "").stdout

    wrong = mypy(tmp_path, 'slug: str = org["slugg"]\ncount: str = org["member_count"]')

    assert wrong.returncode == 1
    assert '"OrganizationInfo" has no key "slugg"' in wrong.stdout, wrong.stdout
    assert 'expression has type "int", variable has type "str"' in wrong.stdout, wrong.stdout
