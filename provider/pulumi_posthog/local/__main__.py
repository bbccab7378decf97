"""Run posthog-local as ``python -m pulumi_posthog.local``."""

from pulumi_posthog.local.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
