"""A worker process for the lease tests: takes an interview's lease on Redis, claims the
interview in the database, then writes transcript segments under its token when told to on
stdin (one line per write), answering one JSON line each: `{"written": true}` or
`{"written": false, "error": "LEASE_LOST"}`. It never checks whether its lease still holds
before writing, as a worker that has not noticed yet would not: the store must refuse."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from core.errors import IntervoxError
from orchestrator.lease_holder import HeldLease, hold
from store.backends import make_backends
from store.db import make_session_factory
from store.models import SegmentRow
from store.repository import InterviewRepository


def say(**message: object) -> None:
    print(json.dumps(message), flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("redis", "database", "interview", "worker"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--ttl", type=float, default=1.0)
    args = parser.parse_args()
    repo = InterviewRepository(make_session_factory(args.database, run_migrations=False))
    backends = make_backends(args.redis)
    try:
        held = await hold(backends.leases, repo, args.interview, args.worker, args.ttl, _lost)
    except IntervoxError as exc:
        say(held=False, error=exc.code)
        return
    say(held=True, token=held.token)
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        segment = SegmentRow(
            interview_id=args.interview, speaker="candidate", text=line.strip(), start=0, end=1
        )
        try:
            await asyncio.to_thread(repo.add_segment, segment, held.token)
            say(written=True)
        except IntervoxError as exc:
            say(written=False, error=exc.code)
    await held.release()
    await backends.close()


def _lost(held: HeldLease) -> None:
    say(lost=True, token=held.token)


if __name__ == "__main__":
    asyncio.run(main())
