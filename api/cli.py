"""`intervox serve` and `intervox demo`."""

from __future__ import annotations

import argparse
import asyncio

import uvicorn

from api.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="intervox", description="Real-time AI interview server")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the server (settings from INTERVOX_* variables)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    demo = sub.add_parser("demo", help="a short interview with a simulated candidate over real WebRTC")
    demo.add_argument("--minutes", type=int, default=8)
    args = parser.parse_args(argv)

    settings = Settings()
    if args.command == "serve":
        from api.app import create_app

        uvicorn.run(
            create_app(settings),
            host=args.host or settings.host,
            port=args.port or settings.port,
            log_level=settings.log_level,
        )
    else:
        from api.demo import run_demo

        asyncio.run(run_demo(settings, args.minutes))


if __name__ == "__main__":
    main()
