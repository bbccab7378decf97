#!/usr/bin/env python3
"""Download a pinned Pulumi CLI release into .pulumi-cli/ inside this repo, its SHA-256 checked, for `make demo`.

    python3 scripts/get_pulumi.py [--version X.Y.Z] [--dest DIR]      (or: make pulumi-cli)

The release tarball and Pulumi's published checksum list for it come from get.pulumi.com
(``pulumi-v<version>-<os>-<arch>.tar.gz`` and ``pulumi-<version>-checksums.txt``: the archive is named after the tag,
the list after the bare version; pulumi/pulumi .goreleaser.yml and .github/workflows/sign.yml).
``PULUMI_CLI_SHA256`` pins the tarball's hash yourself instead of trusting the list. The CLI is unpacked to
``<dest>/pulumi/`` only once its hash matches; on any failure nothing is left behind. Nothing outside the repo changes:
no ``~/.pulumi``, no PATH edits, no login (scripts/demo.sh puts ``.pulumi-cli/pulumi`` on its own PATH).
Standard library only, so it runs before the repo's virtualenv exists.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

PINNED = "3.272.0"  # the CLI release matching the SDK the tests pin (pyproject.toml, dev extra)
BASE = "https://get.pulumi.com/releases/sdk"
CONNECT_TIMEOUT = 15.0
CHUNK = 1 << 16
PROGRESS_EVERY = 8 << 20


class DownloadError(Exception):
    """Why the CLI was not installed, in words for the person who ran `make pulumi-cli`."""


def target() -> str:
    """The release's ``<os>-<arch>`` for this machine."""
    system = platform.system().lower()
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    if system not in ("linux", "darwin") or arch is None:
        raise DownloadError(
            f"no Pulumi release for {platform.system()} {platform.machine()} here; install the CLI yourself: "
            "https://www.pulumi.com/docs/iac/download-install/"
        )
    return f"{system}-{arch}"


def fetch(url: str, dest: Path, *, label: str) -> None:
    """Stream ``url`` to ``dest``, printing progress to stderr for large files."""
    try:
        with urllib.request.urlopen(url, timeout=CONNECT_TIMEOUT) as response, dest.open("wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = next_report = 0
            while chunk := response.read(CHUNK):
                out.write(chunk)
                done += len(chunk)
                if done >= next_report + PROGRESS_EVERY:
                    next_report = done
                    of = f" of {total >> 20} MiB" if total else ""
                    print(f"  {label}: {done >> 20} MiB{of}", file=sys.stderr, flush=True)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"could not download {url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"could not download {url}: {reason} (is this machine offline?)") from None


def expected_sha256(checksums: Path, name: str) -> str:
    """The hash the checksum list gives for ``name`` (lines ``<hex>  <file name>``)."""
    for line in checksums.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("*") == name:
            return parts[0].lower()
    raise DownloadError(f"the checksum list has no entry for {name}")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def unpack(archive: Path, into: Path) -> None:
    """Extract, refusing members that would land outside ``into`` (absolute paths, ``..``, links out)."""
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            path = Path(member.name)
            if path.is_absolute() or ".." in path.parts or member.isdev():
                raise DownloadError(f"refusing a suspicious entry in the archive: {member.name}")
            if (member.issym() or member.islnk()) and (
                Path(member.linkname).is_absolute() or ".." in Path(member.linkname).parts
            ):
                raise DownloadError(f"refusing a link out of the archive: {member.name} -> {member.linkname}")
        if sys.version_info >= (3, 12):
            tar.extractall(into, filter="data")
        else:
            tar.extractall(into)


def install(version: str, dest: Path, base: str) -> Path:
    """Download, verify and unpack; returns the directory holding the ``pulumi`` binary."""
    name = f"pulumi-v{version}-{target()}.tar.gz"
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".download-", dir=dest) as tmp:
        work = Path(tmp)
        archive = work / name
        pinned = os.environ.get("PULUMI_CLI_SHA256", "").strip().lower()
        if pinned:
            want = pinned
        else:
            checksums = work / "checksums.txt"
            # No "v" here, unlike the archive (sign.yml: `pulumi-${version}-checksums.txt`).
            fetch(f"{base}/pulumi-{version}-checksums.txt", checksums, label="checksums")
            want = expected_sha256(checksums, name)
        print(f"downloading {base}/{name}", file=sys.stderr, flush=True)
        fetch(f"{base}/{name}", archive, label=name)
        got = sha256(archive)
        if got != want:
            raise DownloadError(f"SHA-256 mismatch for {name}: expected {want}, got {got}; nothing was installed")
        unpacked = work / "unpacked"
        unpacked.mkdir()
        unpack(archive, unpacked)
        binary = unpacked / "pulumi" / "pulumi"
        if not binary.is_file():
            raise DownloadError(f"{name} has no pulumi/pulumi inside; nothing was installed")
        final = dest / "pulumi"
        if final.exists():
            shutil.rmtree(final)
        os.replace(unpacked / "pulumi", final)
        (dest / "VERSION").write_text(version + "\n")
    return final


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=os.environ.get("PULUMI_CLI_VERSION", PINNED))
    parser.add_argument("--dest", type=Path, default=Path(__file__).resolve().parents[1] / ".pulumi-cli")
    args = parser.parse_args(argv)
    args.version = args.version.removeprefix("v")  # "v3.272.0" and "3.272.0" name the same release
    base = os.environ.get("PULUMI_DOWNLOAD_BASE", BASE).rstrip("/")
    try:
        where = install(args.version, args.dest, base)
    except DownloadError as exc:
        print(f"get_pulumi: {exc}", file=sys.stderr)
        return 1
    print(f"Pulumi v{args.version} is in {where} (SHA-256 verified). `make demo` uses it from there.")
    print("Nothing outside this repository was changed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
