"""posthog-local's migrations: a fresh database migrates, and the models have no change the migrations lack."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

# Run in a child process: Django is configured once per process, and the tests' servers are processes too.
SCRIPT = textwrap.dedent(
    """
    import io, sqlite3, sys
    from pathlib import Path
    from pulumi_posthog.local.settings import LocalOptions, configure
    configure(LocalOptions(db_path=Path(sys.argv[1])))
    from django.core.management import call_command
    call_command("migrate", verbosity=0, interactive=False)
    out = io.StringIO()
    try:
        call_command("makemigrations", "posthog", check=True, dry_run=True, verbosity=1, stdout=out)
    except SystemExit as exit:
        print(out.getvalue())
        raise SystemExit(f"makemigrations --check: the models differ from the migrations (exit {exit.code})")
    print(out.getvalue())
    tables = sqlite3.connect(sys.argv[1]).execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    print(sorted(name for (name,) in tables))
    """
)


def run_check(db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(db)], capture_output=True, text=True, timeout=120, check=False
    )


def test_fresh_database_migrates_and_models_match_the_migrations(tmp_path: Path) -> None:
    result = run_check(tmp_path / "fresh.sqlite3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected in app 'posthog'" in result.stdout
    for table in ("posthog_batchexport", "posthog_organization", "posthog_team", "posthog_personalapikey"):
        assert f"'{table}'" in result.stdout, "the migrations create every table"
