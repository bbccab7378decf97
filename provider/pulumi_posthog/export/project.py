"""The files of the exported Pulumi project: Pulumi.yaml, __main__.py, requirements.txt."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

from pulumi_posthog.export.render import Program

GITIGNORE = "venv/\n__pycache__/\n"


def requirement() -> str:
    """The pulumi-posthog this command runs from, as a requirement: its checkout, its git URL, or its version."""
    try:
        dist = metadata.distribution("pulumi-posthog")
    except metadata.PackageNotFoundError:
        return "pulumi-posthog"
    origin = dist.read_text("direct_url.json")
    if origin:
        url = json.loads(origin)
        vcs = url.get("vcs_info")
        if vcs:
            return f"pulumi-posthog @ git+{url['url']}@{vcs.get('commit_id')}"
        if str(url.get("url", "")).startswith("file://"):
            return f"pulumi-posthog @ {url['url']}"
    return f"pulumi-posthog=={dist.version}"


def pulumi_yaml(name: str, description: str) -> str:
    return (
        f"name: {name}\n"
        f"description: {json.dumps(description)}\n"
        "runtime:\n"
        "  name: python\n"
        "  options:\n"
        "    toolchain: pip\n"
        "    virtualenv: venv\n"
    )


def write_project(out: Path, name: str, description: str, program: Program) -> list[Path]:
    """Write the project to ``out`` (created if needed); the files written. No secret value is in any of them."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "Pulumi.yaml": pulumi_yaml(name, description),
        "__main__.py": program.main,
        "requirements.txt": f"{requirement()}\npulumi>=3.216,<4\n",
        ".gitignore": GITIGNORE,
    }
    written = []
    for filename, text in files.items():
        path = out / filename
        path.write_text(text)
        written.append(path)
    return written
