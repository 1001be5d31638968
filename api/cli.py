"""`intervox serve` (all in one process), `intervox api` and `intervox worker` (the same server
split: HTTP without media, and media workers), `intervox demo`, `intervox migrate`,
`intervox admin create`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

import uvicorn
from pydantic import ValidationError

from api.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="intervox", description="Real-time AI interview server")
    sub = parser.add_subparsers(dest="command", required=True)
    roles = {
        "serve": "run the whole server in one process (settings from INTERVOX_* variables)",
        "api": "HTTP and WebSockets only; spoken interviews go to workers (needs INTERVOX_REDIS_URL)",
        "worker": "a media worker: runs spoken interviews for the API processes (needs INTERVOX_REDIS_URL)",
    }
    for name, text in roles.items():
        server = sub.add_parser(name, help=text)
        server.add_argument("--host")
        server.add_argument("--port", type=int)
    demo = sub.add_parser("demo", help="a short interview with a simulated candidate over real WebRTC")
    demo.add_argument("--minutes", type=int, default=8)
    sub.add_parser("migrate", help="bring the database schema up to date (also done at every start)")
    admin = sub.add_parser("admin", help="manage accounts").add_subparsers(dest="action", required=True)
    create = admin.add_parser("create", help="create an admin and its organisation (asks for the password)")
    create.add_argument("--email", required=True)
    create.add_argument("--org", required=True, help="the organisation's name")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)

    settings = Settings()
    if args.command in roles:
        from api.app import create_app

        role = "all" if args.command == "serve" else args.command
        overrides = {"role": role, "host": args.host or settings.host, "port": args.port or settings.port}
        try:  # validated again: the split roles need Redis
            settings = Settings.model_validate({**settings.model_dump(), **overrides})
        except ValidationError as exc:
            sys.exit(
                f"intervox {args.command}: "
                + "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
            )
        uvicorn.run(
            create_app(settings, freeze_gc=True),
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level,
            ws_max_size=settings.limits.max_ws_message_bytes,  # larger frames close with 1009
        )
    elif args.command == "demo":
        from api.demo import run_demo

        asyncio.run(run_demo(settings, args.minutes))
    elif args.command == "migrate":
        from store.db import make_engine, migrate

        started = migrate(make_engine(settings.database_url))
        print(f"database schema up to date (was at {started or 'empty'})")
    else:
        create_admin(settings, args.email, args.org, args.password_stdin)


def create_admin(settings: Settings, email: str, org: str, from_stdin: bool) -> None:
    from api.runtime import load_secret_key
    from store.accounts import AccountRepository
    from store.db import make_session_factory
    from workspace.accounts import AccountService

    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            sys.exit("the passwords differ")
    accounts = AccountService(
        AccountRepository(make_session_factory(settings.database_url)), load_secret_key(settings)
    )
    user, created = accounts.ensure_admin(email, password, org)
    print(f"{'created' if created else 'already exists'}: admin {user.email} ({user.id})")


if __name__ == "__main__":
    main()
