"""The typed edges: the ``get_*`` results and the destination helpers; a type checker catches a wrong key or type."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROGRAM = """
import pulumi
import pulumi_posthog as posthog

org = posthog.get_organization()
project_id: int = org["projects"][0]["id"]
token: str = org["teams"][0]["api_token"]
exports = posthog.get_batch_exports(project_id=project_id)
kind: str = exports[0]["destination"]["type"]
bucket = pulumi.Output.from_input("landing")
s3 = posthog.destinations.AwsS3(bucket_name=bucket, region="eu-west-1", prefix="e/", max_file_size_mb=64)
{extra}
"""


def mypy(tmp_path: Path, extra: str) -> subprocess.CompletedProcess[str]:
    program = tmp_path / "program.py"
    program.write_text(PROGRAM.format(extra=extra))
    command = [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental", str(program)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)


def test_a_type_checker_knows_the_keys_of_the_results(tmp_path: Path) -> None:
    assert mypy(tmp_path, "").returncode == 0, mypy(tmp_path, "").stdout

    extra = 'slug: str = org["slugg"]\ncount: str = org["member_count"]\n'
    extra += 'posthog.destinations.AwsS3(bucket_name="b", region="r", prefix="p", max_file_size_mb="big")'
    wrong = mypy(tmp_path, extra)

    assert wrong.returncode == 1
    assert '"OrganizationInfo" has no key "slugg"' in wrong.stdout, wrong.stdout
    assert 'expression has type "int", variable has type "str"' in wrong.stdout, wrong.stdout
    assert 'Argument "max_file_size_mb" to "AwsS3" has incompatible type "str"' in wrong.stdout, wrong.stdout
