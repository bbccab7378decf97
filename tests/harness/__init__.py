"""The engine stand-in the project's tests use: a thin re-export of ``pulumi_posthog.testing.engine``.

Its submodules are aliased (``tests.harness.client`` is ``pulumi_posthog.testing.engine.client``, the same module
object), so existing imports and monkeypatches keep working.
"""

import sys
from importlib import import_module

from pulumi_posthog.testing.engine import *  # noqa: F403
from pulumi_posthog.testing.engine import __all__  # noqa: F401

_MODULES = (
    "checkpoint", "client", "declare", "echo", "engine", "isolation", "mocks", "model", "plugin", "program",
    "servicer", "values", "wire",
)  # fmt: skip
for _name in _MODULES:
    sys.modules[f"{__name__}.{_name}"] = globals()[_name] = import_module(f"pulumi_posthog.testing.engine.{_name}")
