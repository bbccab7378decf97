"""The ``posthog-local`` command: configure, migrate, bootstrap, then serve until stopped."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import signal
import socket
import sys
import threading
from pathlib import Path

from pulumi_posthog.local.settings import DEFAULT_API_KEY, PROFILES, LocalOptions, configure

DEFAULT_DB = Path(".posthog-local") / "posthog-local.sqlite3"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="posthog-local",
        description="A local PostHog API server (organizations, batch exports, integrations) on SQLite.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8010, help="port to bind; 0 picks a free one (default 8010)")
    parser.add_argument("--db", type=Path, default=None, help=f"SQLite file (default {DEFAULT_DB})")
    parser.add_argument(
        "--api-key",
        default=None,
        help="the bootstrap personal API key (default: $POSTHOG_LOCAL_API_KEY, else a fixed development key)",
    )
    parser.add_argument("--profile", choices=PROFILES, default="latest", help="which PostHog API to mirror")
    parser.add_argument("--allow-remote", action="store_true", help="allow binding to a non-loopback address")
    parser.add_argument("--log-requests", action="store_true", help="log each request (method, path, status)")
    return parser.parse_args(argv)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
        except OSError:
            return False


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not is_loopback(args.host) and not args.allow_remote:
        print(
            f"posthog-local: refusing to bind {args.host!r}: it is not a loopback address. "
            "posthog-local has no TLS and a well-known development key; pass --allow-remote to bind anyway.",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(
        level=logging.INFO if args.log_requests else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    api_key = args.api_key or os.environ.get("POSTHOG_LOCAL_API_KEY") or DEFAULT_API_KEY
    db_path = (args.db or DEFAULT_DB).expanduser().resolve()
    db_path.parent.mkdir(parents=True, exist_ok=True)

    from pulumi_posthog.local.server import build_server

    options = LocalOptions(db_path=db_path, profile=args.profile, api_key=api_key)
    configure(options)

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from pulumi_posthog.local.bootstrap import bootstrap

    boot = bootstrap(api_key)
    server = build_server(args.host, args.port)
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in str(host) else host
    url = f"http://{shown}:{port}"
    configure(LocalOptions(db_path=db_path, profile=args.profile, api_key=api_key, site_url=url))

    def stop(signum: int, frame: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(
        f"posthog-local ready {url} organization={boot.organization.id} project={boot.team.project_id}",
        flush=True,
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
