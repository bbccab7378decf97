"""A test double of the Pulumi engine (not a CLI): the SDK's own dynamic-provider code driven with the engine's rules,
for offline end-to-end tests of programs and providers (see docs/testing.md)."""

from .client import ProviderClient, in_process_client
from .declare import dynamic_resource, dynamic_token, provider_blob
from .engine import MiniEngine, RunStopped, StepFailed
from .model import Diagnostic, Plan, Resource, ResourceState, Result, Rpc, Step
from .plugin import PluginProcess, PluginStartError, process_plugin
from .program import Export, ProgramRun, ProgramRunner, Registered
from .servicer import AbortError, FakeContext, load_servicer_module, new_servicer
from .values import Secret, Unknown, is_secret, reveal

__all__ = [
    "AbortError",
    "Diagnostic",
    "Export",
    "FakeContext",
    "MiniEngine",
    "Plan",
    "PluginProcess",
    "PluginStartError",
    "ProgramRun",
    "ProgramRunner",
    "ProviderClient",
    "Registered",
    "Resource",
    "ResourceState",
    "Result",
    "Rpc",
    "RunStopped",
    "Secret",
    "Step",
    "StepFailed",
    "Unknown",
    "dynamic_resource",
    "dynamic_token",
    "in_process_client",
    "is_secret",
    "load_servicer_module",
    "new_servicer",
    "process_plugin",
    "provider_blob",
    "reveal",
]
