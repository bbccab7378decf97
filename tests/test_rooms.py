"""The import rules between rooms (scripts/check_rooms.py, run by ``make lint``) hold, and the check notices a break."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from tests.scripts import load_script

ROOT = Path(__file__).resolve().parents[1]


def checker() -> ModuleType:
    return load_script("check_rooms")


def test_the_package_keeps_its_rooms() -> None:
    assert checker().problems(ROOT / "provider" / "pulumi_posthog") == []


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
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)

    found = checker().problems(package)

    assert len(found) == 5, found
    assert any("client/api.py:1: client/ imports pulumi " in p for p in found)
    assert any("client/api.py:2: client/ imports pulumi_posthog.resources" in p for p in found)
    assert any("local/views.py:2: local/ imports pulumi_posthog.resources.spec" in p for p in found)
    assert any("resources/engine.py:1: the provider imports pulumi_posthog.local.models" in p for p in found)
    assert any("policies.py:2: the policy pack imports pulumi_posthog.client" in p for p in found)
