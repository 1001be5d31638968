"""Driving an interview under its lease: take the lease, claim the interview in the store with
the lease's fencing token, renew it in the background, and say when it is lost.

A worker paused past its lease (a long GC, SIGSTOP, a frozen VM) may still believe it drives
the interview when it resumes; its renewal then fails and `lost` is set, but a write it makes
before noticing is refused by the store, because the new holder claimed the interview with a
newer token (store/repository.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from core.errors import InterviewHeldElsewhere
from store.lease import Lease, SessionLease
from store.repository import InterviewRepository

log = logging.getLogger(__name__)


class HeldLease:
    """A lease this worker holds, renewed every third of its time to live until released or
    lost; `lost` is set (and `on_lost` called once) when a renewal fails for good."""

    def __init__(
        self,
        leases: SessionLease,
        lease: Lease,
        ttl_s: float,
        on_lost: Callable[[HeldLease], None] | None = None,
    ) -> None:
        self.leases, self.lease, self.ttl_s = leases, lease, ttl_s
        self.lost = asyncio.Event()
        self._on_lost = on_lost
        self._renewer = asyncio.ensure_future(self._renew())

    @property
    def token(self) -> int:
        return self.lease.token

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self.ttl_s / 3)
            try:
                renewed = await self.leases.renew(self.lease, self.ttl_s)
            except Exception as exc:  # Redis unreachable: try again while the lease still runs
                if self.lease.remaining_s > self.ttl_s / 3:
                    log.warning("interview %s: lease not renewed (%s)", self.lease.interview_id, exc)
                    continue
                renewed = None
            if renewed is None:
                log.warning("interview %s: lease lost by %s", self.lease.interview_id, self.lease.worker_id)
                self.lost.set()
                if self._on_lost is not None:
                    self._on_lost(self)
                return
            self.lease = renewed

    async def release(self) -> None:
        """Stop renewing and give the lease up (nothing happens if it was lost already)."""
        self._renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._renewer
        if not self.lost.is_set():
            with contextlib.suppress(Exception):  # unreleased, it simply runs out
                await self.leases.release(self.lease)


async def hold(
    leases: SessionLease,
    repo: InterviewRepository,
    interview_id: str,
    worker_id: str,
    ttl_s: float,
    on_lost: Callable[[HeldLease], None] | None = None,
) -> HeldLease:
    """Take the interview's lease and claim the interview with its token; InterviewHeldElsewhere
    when another worker holds it, LeaseLost when a newer token has written meanwhile."""
    lease = await leases.acquire(interview_id, worker_id, ttl_s)
    if lease is None:
        current = await leases.holder(interview_id)
        holder = current.worker_id if current is not None else None
        raise InterviewHeldElsewhere(
            "another worker is running this interview", {"id": interview_id, "worker": holder}
        )
    try:
        await asyncio.to_thread(repo.claim, interview_id, lease.token)
    except Exception:
        await leases.release(lease)
        raise
    return HeldLease(leases, lease, ttl_s, on_lost)


class HeldInterviews:
    """The interviews this worker drives, one lease each, shared by whatever drives one (a voice
    connection, a reconnection replacing it): the lease is released when the last lets go, and
    taken anew (a newer token) by the next, never while its release is still under way."""

    def __init__(
        self,
        leases: SessionLease,
        repo: InterviewRepository,
        worker_id: str,
        ttl_s: float,
        patience_s: float = 0.0,
    ) -> None:
        self.leases, self.repo, self.worker_id, self.ttl_s = leases, repo, worker_id, ttl_s
        self.patience_s = patience_s  # how long `take` waits for another holder's lease to run out
        self._held: dict[str, tuple[HeldLease, int]] = {}  # interview -> lease, users
        self._releasing: dict[str, asyncio.Task[None]] = {}

    async def take(self, interview_id: str, on_lost: Callable[[HeldLease], None] | None = None) -> HeldLease:
        """The interview's lease for one more user (InterviewHeldElsewhere, after `patience_s`
        of waiting for another worker's lease to run out; LeaseLost)."""
        releasing = self._releasing.get(interview_id)
        if releasing is not None:
            await releasing
        if interview_id in self._held:
            held, users = self._held[interview_id]
            if not held.lost.is_set():
                self._held[interview_id] = (held, users + 1)
                return held
        deadline = time.monotonic() + self.patience_s
        while True:
            try:
                held = await hold(self.leases, self.repo, interview_id, self.worker_id, self.ttl_s, on_lost)
                break
            except InterviewHeldElsewhere as exc:
                if time.monotonic() >= deadline:
                    raise
                log.info(
                    "interview %s: waiting for %s's lease to run out", interview_id, exc.details.get("worker")
                )
                await asyncio.sleep(0.2)
        self._held[interview_id] = (held, 1)
        return held

    def let_go(self, interview_id: str, held: HeldLease) -> None:
        """One user is done with `held`; the last one releases it."""
        entry = self._held.get(interview_id)
        if entry is None or entry[0] is not held:
            return
        if entry[1] > 1:
            self._held[interview_id] = (held, entry[1] - 1)
            return
        del self._held[interview_id]
        task = asyncio.ensure_future(held.release())
        self._releasing[interview_id] = task
        task.add_done_callback(lambda done: self._released(interview_id, done))

    def _released(self, interview_id: str, task: asyncio.Task[None]) -> None:
        if self._releasing.get(interview_id) is task:
            del self._releasing[interview_id]

    def holds(self, interview_id: str) -> bool:
        entry = self._held.get(interview_id)
        return entry is not None and not entry[0].lost.is_set()

    async def release_all(self) -> None:
        held = [entry[0] for entry in self._held.values()]
        self._held.clear()
        await asyncio.gather(*(h.release() for h in held), *self._releasing.values(), return_exceptions=True)
