"""The import rules between rooms (scripts/check_rooms.py, run by ``make lint``) hold, and the check notices a break."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from tests.scripts import load_script

ROOT = Path(__file__).resolve().parents[1]


def checker() -> ModuleType:
    return load_script("check_rooms")


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_the_package_keeps_its_rooms() -> None:
    assert checker().problems(ROOT / "provider" / "pulumi_posthog") == []


def test_the_benchmarks_import_nothing_from_tests() -> None:
    assert checker().bench_problems(ROOT / "bench") == []


def test_each_broken_rule_is_named(tmp_path: Path) -> None:
    package = tmp_path / "pulumi_posthog"
    files = {
        "__init__.py": "from pulumi_posthog import catalog\n",
        "client/__init__.py": "",
        "client/api.py": "import pulumi\nfrom ..resources import engine\n# import pulumi_posthog.local\n",
        "client/ok.py": "import pulumi_posthog\nfrom . import api\nfrom pulumi_posthog.client.errors import x\n",
        "local/views.py": "def f():\n    from pulumi_posthog.resources.spec import Field\n",
        "resources/engine.py": "from pulumi_posthog.local.models import Team\n",
        "policies.py": "from pulumi_posthog.destinations import TYPES\nfrom pulumi_posthog.client import errors\n",
    }
    write_tree(package, files)

    found = checker().problems(package)

    assert len(found) == 5, found
    assert any("client/api.py:1: client/ imports pulumi " in p for p in found)
    assert any("client/api.py:2: client/ imports pulumi_posthog.resources" in p for p in found)
    assert any("local/views.py:2: local/ imports pulumi_posthog.resources.spec" in p for p in found)
    assert any("resources/engine.py:1: the provider imports pulumi_posthog.local.models" in p for p in found)
    assert any("policies.py:2: the policy pack imports pulumi_posthog.client" in p for p in found)


def test_posthog_words_are_read_by_both_rooms_and_import_nothing(tmp_path: Path) -> None:
    package = tmp_path / "pulumi_posthog"
    files = {
        "posthog_words.py": "from pulumi_posthog.resources import values\nimport re\n",
        "local/network.py": "from pulumi_posthog.posthog_words import INTERNAL_DOMAIN_PATTERNS\n",
        "resources/propagation.py": "from pulumi_posthog import posthog_words\n",
    }
    write_tree(package, files)

    assert checker().problems(package) == [
        "pulumi_posthog/posthog_words.py:1: posthog_words.py imports pulumi_posthog.resources "
        "(PostHog's words import nothing)"
    ]


def test_an_import_of_tests_from_the_package_or_a_benchmark_is_named(tmp_path: Path) -> None:
    package, bench = tmp_path / "provider" / "pulumi_posthog", tmp_path / "bench"
    files = {
        package / "__init__.py": "",
        package / "testing" / "soak.py": "def f():\n    import tests.harness\n",
        package / "testing" / "ok.py": '"""Not tests.resources."""\nfrom pulumi_posthog.testing import stack\n',
        bench / "bad_input.py": (
            "from _common import header\nfrom pulumi_posthog.testing.stack import Stack\n\n"
            "from tests.resources.test_bad_input import CASES, Bad\n"
        ),
        bench / "fault_soak.py": "from tests import conftest  # tests.resources\n",
        bench / "ok.py": "# from tests.resources import x\nimport testsuite\nfrom _common import tests\n",
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    rooms = checker()
    found = rooms.problems(package) + rooms.bench_problems(bench)

    assert found == [
        "pulumi_posthog/testing/soak.py:2: the package imports tests.harness (nothing outside tests/ imports tests)",
        "bench/bad_input.py:4: bench/ imports tests.resources.test_bad_input (nothing outside tests/ imports tests)",
        "bench/fault_soak.py:1: bench/ imports tests (nothing outside tests/ imports tests)",
    ]
    assert rooms.main([str(package), str(bench)]) == 1
    (tmp_path / "clean").mkdir()
    assert rooms.main([str(package), str(tmp_path / "clean")]) == 1  # the package's import alone fails it
