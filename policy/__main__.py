"""The PostHog policy pack: every policy of ``pulumi_posthog.policies`` at its default enforcement level.

``pulumi preview --policy-pack ./policy [--policy-pack-config ./policy/policy-config.example.json]``. Building a
``PolicyPack`` starts the analyzer's gRPC server and never returns, so this file is the only place that builds one.
"""

from pulumi_policy import EnforcementLevel, PolicyPack
from pulumi_posthog.policies import PACK_NAME, POLICIES

PolicyPack(PACK_NAME, policies=POLICIES, enforcement_level=EnforcementLevel.ADVISORY)
