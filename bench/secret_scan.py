"""Secret scan: every checkpoint, log, error text and output the other benchmarks produced, searched for every secret.

Run: ``.venv/bin/python bench/secret_scan.py`` after the other benchmarks (``make bench`` runs it last). It reads
``$BENCH_OUT``: the secret values each benchmark recorded (posthog-local bootstrap and scoped API keys, destination
tokens, AWS access keys and secret keys, database and Snowflake passwords, service-account private keys and key ids,
Databricks client secrets, Azure connection strings…) and every artifact — checkpoints (``pulumi stack export``
rendering), the provider's and client's logs at DEBUG, posthog-local's request logs, the engine's error texts and
each benchmark's own output (stdout and stderr, captured by ``run_all.py``). A hit is a secret found as is or
JSON-escaped (a PEM's newlines become ``\\n`` in JSON). Values that appear verbatim in the provider's own source
are public constants, not credentials (e.g. Google's token URI, which PostHog keeps with a key file's sensitive
fields and error messages name), and are left out — listed in the report.

Goal: 0 plaintext hits.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from _common import OUT, ROOT, SECRETS_DIR, header, summary, table

KINDS = (  # how the report groups secrets (by the shape of the values the benchmarks generate)
    ("bench-admin-", "posthog-local bootstrap API key"),
    ("phx_", "personal API key"),
    ("phc", "destination token"),
    ("AKIA", "AWS access key id"),
    ("aws-secret", "AWS secret access key"),
    ("r2-", "S3-compatible key"),
    ("-----BEGIN", "private key (PEM)"),
    ("password", "password"),
    ("DefaultEndpointsProtocol", "Azure connection string"),
    ("dbx-", "Databricks client id/secret"),
    ("gcp-key-id", "GCP private key id"),
)


def kind_of(secret: str) -> str:
    for marker, label in KINDS:
        if marker in secret:
            return label
    return "other (token, user, passphrase…)"


def load_secrets(root: Path = OUT) -> set[str]:
    found: set[str] = set()
    for path in sorted((root / SECRETS_DIR.name).glob("*.json")):
        found |= {s for s in json.loads(path.read_text()) if len(s) >= 4}  # shorter would match anything
    return found


def public_values(secrets: set[str]) -> set[str]:
    """Values written in the provider's source code: shipped constants, so not secrets."""
    source = "\n".join(p.read_text() for p in (ROOT / "provider" / "pulumi_posthog").rglob("*.py"))
    return {s for s in secrets if s in source}


def artifacts(root: Path = OUT) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and SECRETS_DIR.name not in p.relative_to(root).parts)


def scan(root: Path = OUT) -> tuple[set[str], list[Path], list[tuple[Path, str]]]:
    """(secrets, files scanned, hits as (file, secret))."""
    secrets = load_secrets(root)
    secrets -= public_values(secrets)
    files = artifacts(root)
    needles = {secret: (secret, json.dumps(secret)[1:-1]) for secret in secrets}
    hits = []
    for path in files:
        text = path.read_text(errors="replace")
        hits += [(path, secret) for secret, forms in needles.items() if any(form in text for form in forms)]
    return secrets, files, hits


def source_of(path: Path) -> str:
    name = path.name
    if name.startswith("checkpoint"):
        return "checkpoints"
    if name == "provider.log":
        return "provider/client logs"
    if name.startswith("server-"):
        return "posthog-local request logs"
    if name.startswith(("errors", "failures")):
        return "error texts"
    if path.parent.name == "logs":
        return "benchmark output (stdout+stderr)"
    return "other"


def main() -> int:
    header(f"Secret scan of {OUT}")
    public = public_values(load_secrets())
    if public:
        print("left out, public constants of the provider's source: " + ", ".join(sorted(public)) + "\n")
    secrets, files, hits = scan()
    if not secrets or not files:
        print("nothing to scan: run the other benchmarks first (make bench)")
        return summary("secret scan: nothing to scan", False)
    sources: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    for path in files:
        sources[source_of(path)] += 1
        sizes[source_of(path)] += path.stat().st_size
    table(
        [[source, n, f"{sizes[source] / 1024:.0f}"] for source, n in sources.most_common()],
        ["artifacts", "files", "KiB"],
    )
    print()
    table([[kind, n] for kind, n in Counter(kind_of(s) for s in secrets).most_common()], ["secrets searched", "n"])
    for path, secret in hits:
        print(f"HIT: {kind_of(secret)} ({secret[:6]}…) in {path.relative_to(OUT)}")
    total = sum(sizes.values())
    return summary(
        f"secret scan: {len(secrets)} secret values x {len(files)} artifacts ({total / 1024 / 1024:.1f} MiB of "
        f"checkpoints, logs, error texts and outputs): {len(hits)} plaintext hits (goal 0)",
        not hits,
    )


if __name__ == "__main__":
    sys.exit(main())
