"""scripts/get_pulumi.py (`make pulumi-cli`): a pinned Pulumi CLI into .pulumi-cli/, SHA-256 checked, offline-tested.

A loopback HTTP server plays get.pulumi.com with a tarball built here; the cases are the ones that can happen
without the internet: a good download, a tampered tarball, a checksum list without the file, a server that is gone.
Also: every Pulumi project in the repo resolves its virtualenv to one place for the program and for the plugin.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import socket
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.examples import fake_pulumi

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "get_pulumi.py"
VERSION = "3.272.0"


def _tarball(binary: bytes = b"#!/bin/sh\necho v3.272.0\n", *, extra: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in (("pulumi/pulumi", binary), ("pulumi/pulumi-language-python", b"#!/bin/sh\n")):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755
            tar.addfile(info, io.BytesIO(data))
        if extra:
            info = tarfile.TarInfo(extra)
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
    return buffer.getvalue()


def _target() -> str:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import get_pulumi

        return get_pulumi.target()
    finally:
        sys.path.remove(str(SCRIPT.parent))


class Releases:
    """Files served at ``/releases/sdk/<name>``; everything else is a 404."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []


@pytest.fixture
def releases() -> Iterator[tuple[Releases, str]]:
    store = Releases()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            store.requests.append(self.path)
            body = store.files.get(self.path.rsplit("/", 1)[-1])
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield store, f"http://127.0.0.1:{server.server_address[1]}/releases/sdk"
    server.shutdown()
    server.server_close()


def _run(dest: Path, base: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--dest", str(dest)],
        env={"PATH": "/usr/bin:/bin", "PULUMI_DOWNLOAD_BASE": base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# Pulumi's release names (pulumi/pulumi .goreleaser.yml and .github/workflows/sign.yml): the archives carry the tag
# (`pulumi-{{ .Tag }}-<os>-<arch>`, so a "v"), the checksum list the bare version (`pulumi-${version}-checksums.txt`,
# `sha256sum` lines), and release.yml syncs both to get.pulumi.com/releases/sdk.
CHECKSUMS = f"pulumi-{VERSION}-checksums.txt"


def _publish(store: Releases, tarball: bytes, digest: str | None = None) -> str:
    name = f"pulumi-v{VERSION}-{_target()}.tar.gz"
    store.files[name] = tarball
    digest = digest or hashlib.sha256(tarball).hexdigest()
    store.files[CHECKSUMS] = f"{'0' * 64}  pulumi-v{VERSION}-windows-x64.zip\n{digest}  {name}\n".encode()
    return name


def test_a_verified_release_is_unpacked_into_the_repo(releases: tuple[Releases, str], tmp_path: Path) -> None:
    store, base = releases
    name = _publish(store, _tarball())
    dest = tmp_path / ".pulumi-cli"

    result = _run(dest, base)

    assert result.returncode == 0, result.stderr
    assert "SHA-256 verified" in result.stdout and "Nothing outside this repository was changed." in result.stdout
    assert store.requests == [f"/releases/sdk/{CHECKSUMS}", f"/releases/sdk/{name}"]
    binary = dest / "pulumi" / "pulumi"
    assert subprocess.run([str(binary)], capture_output=True, text=True, check=True).stdout.strip() == "v3.272.0"
    assert (dest / "VERSION").read_text().strip() == VERSION
    assert sorted(p.name for p in dest.iterdir()) == ["VERSION", "pulumi"]  # no download left behind


def test_a_tampered_tarball_is_refused_and_nothing_is_installed(releases: tuple[Releases, str], tmp_path: Path) -> None:
    store, base = releases
    _publish(store, _tarball(b"#!/bin/sh\necho evil\n"), digest=hashlib.sha256(_tarball()).hexdigest())
    dest = tmp_path / ".pulumi-cli"

    result = _run(dest, base)

    assert result.returncode == 1
    assert "SHA-256 mismatch" in result.stderr and "nothing was installed" in result.stderr
    assert not (dest / "pulumi").exists() and list(dest.iterdir()) == []


def test_a_pinned_hash_replaces_the_published_list(releases: tuple[Releases, str], tmp_path: Path) -> None:
    store, base = releases
    tarball = _tarball()
    _publish(store, tarball, digest="f" * 64)  # the list is wrong; the pin is right and the list is never read

    result = _run(tmp_path / "cli", base, PULUMI_CLI_SHA256=hashlib.sha256(tarball).hexdigest())

    assert result.returncode == 0, result.stderr
    assert not any(r.endswith("checksums.txt") for r in store.requests)


def test_a_checksum_list_without_the_tarball_fails(releases: tuple[Releases, str], tmp_path: Path) -> None:
    store, base = releases
    store.files[CHECKSUMS] = b"abc  something-else.tar.gz\n"

    result = _run(tmp_path / "cli", base)

    assert result.returncode == 1 and "the checksum list has no entry for pulumi-v" in result.stderr


def test_a_missing_release_and_an_unreachable_server_fail_clearly(
    releases: tuple[Releases, str], tmp_path: Path
) -> None:
    _, base = releases
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/releases/sdk"

    missing = _run(tmp_path / "a", base)
    unreachable = _run(tmp_path / "b", dead)

    assert missing.returncode == 1 and "HTTP 404" in missing.stderr
    assert unreachable.returncode == 1 and "could not download" in unreachable.stderr
    assert "offline" in unreachable.stderr
    assert not (tmp_path / "a" / "pulumi").exists() and not (tmp_path / "b" / "pulumi").exists()


def test_an_archive_escaping_its_folder_is_refused(releases: tuple[Releases, str], tmp_path: Path) -> None:
    store, base = releases
    _publish(store, _tarball(extra="../../outside"))

    result = _run(tmp_path / "cli", base)

    assert result.returncode == 1 and "suspicious entry" in result.stderr
    assert not (tmp_path / "outside").exists()


PROJECTS = [ROOT, *sorted(p.parent for p in ROOT.glob("examples/*/Pulumi.yaml"))]


@pytest.mark.parametrize("project", PROJECTS, ids=[str(p.relative_to(ROOT)) or "root" for p in PROJECTS])
def test_every_project_gives_the_program_and_the_plugin_the_same_virtualenv(project: Path) -> None:
    # The language host resolves `virtualenv` against the project root (sdk/python/toolchain/pip.go); the plugin
    # launcher against main's directory, its working directory (pulumi-resource-pulumi-python).
    spec = fake_pulumi.load_project(project)
    options = fake_pulumi.runtime_options(spec)
    program = fake_pulumi.program_dir(project, spec)
    for_program = fake_pulumi.language_host_virtualenv(project, options)
    for_plugin = fake_pulumi.plugin_virtualenv(program, options)

    assert for_program is not None and for_plugin is not None
    assert for_program.resolve() == for_plugin.resolve(), (for_program, for_plugin)
