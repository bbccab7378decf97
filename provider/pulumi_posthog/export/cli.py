"""The ``pulumi-posthog`` command: ``pulumi-posthog export --project-id ID [--organization] [--out DIR]``."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from pulumi_posthog.client import PostHogError
from pulumi_posthog.export.project import write_project
from pulumi_posthog.export.reader import read_project
from pulumi_posthog.export.render import render
from pulumi_posthog.resources.connection import client_for


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="pulumi-posthog", description="Tools for pulumi-posthog.")
    commands = top.add_subparsers(dest="command", required=True)
    export = commands.add_parser(
        "export",
        help="write a Pulumi project that adopts a PostHog project's batch exports and their integrations",
        description="Write a Pulumi project (Pulumi.yaml, __main__.py, requirements.txt) that adopts every batch "
        "export of a PostHog project and the integrations they use (and with --organization the organization's "
        "settings). Secrets are never written: the program reads them from config, and the command prints the "
        "`pulumi config set --secret` lines to run.",
    )
    export.add_argument("--project-id", type=int, required=True, help="the PostHog project (environment) id")
    export.add_argument("--organization", action="store_true", help="also adopt the project's organization")
    export.add_argument("--out", type=Path, default=None, help="the directory to write (default: posthog-<ID>)")
    export.add_argument("--name", default=None, help="the Pulumi project name (default: posthog-<ID>)")
    export.add_argument("--force", action="store_true", help="overwrite the files of an existing project in --out")
    export.add_argument("--host", default=None, help="PostHog's URL (default: $POSTHOG_HOST, else US cloud)")
    export.add_argument("--api-key", default=None, help="a personal API key (default: $POSTHOG_PERSONAL_API_KEY)")
    return top


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def export(args: argparse.Namespace) -> int:
    name = args.name or f"posthog-{args.project_id}"
    out: Path = args.out or Path(name)
    if (out / "__main__.py").exists() and not args.force:
        print(f"pulumi-posthog export: {out / '__main__.py'} exists; pass --force to overwrite it", file=sys.stderr)
        return 1
    stack = {k: v for k, v in (("posthog:host", args.host), ("posthog:apiKey", args.api_key)) if v}
    try:
        client = client_for(None, stack)
        snapshot = read_project(client, args.project_id, organization=args.organization)
    except PostHogError as exc:  # a ConfigurationError too (no key, bad host)
        print(f"pulumi-posthog export: {exc}", file=sys.stderr)
        return 1
    program = render(snapshot)
    description = f"PostHog project {args.project_id}, exported by pulumi-posthog export"
    written = write_project(out, name, description, program)
    counts = f"{plural(len(snapshot.exports), 'batch export')}, {plural(len(snapshot.integrations), 'integration')}"
    if snapshot.organization is not None:
        counts += ", the organization"
    print(f"Wrote {', '.join(str(p) for p in written)} ({counts}).")
    print("\nBefore the first `pulumi up`, in that directory:")
    print("  pulumi stack init")
    print(f"  pulumi config set posthog:host {shlex.quote(client.host)}")
    print("  pulumi config set --secret posthog:apiKey   # a personal API key (prompted for)")
    if program.secrets:
        print("PostHog never shows these secrets; set each (the command prompts for the value):")
        width = max(len(s.key) for s in program.secrets)
        for secret in program.secrets:
            print(f"  pulumi config set --secret {secret.key.ljust(width)}   # {secret.what}")
    for note in [*snapshot.notes, *program.notes]:
        print(f"note: {note}")
    if program.policies:
        print("The policy pack's defaults (pulumi_posthog.policies) flag what PostHog has; the program keeps it:")
        for policy in program.policies:
            print(f"  {policy.line()}")
    print("Then `pulumi up`: it adopts every object (adopt_id) and creates none.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "export":
        return export(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
