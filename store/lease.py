"""Who drives an interview: a lease with a time to live and a fencing token.

One worker at a time holds an interview's lease and renews it well before it runs out; a
worker that stops renewing (crashed, or paused past the lease) loses it, and another may take
it. Each acquisition gets a larger fencing token than any before it for that interview, and
the store refuses a write carrying a smaller token than it has seen
(`InterviewRepository.claim` and the `fence=` of its writes), so a worker that resumes after
losing its lease cannot overwrite what the new holder wrote.

Tokens are `max(last token + 1, the lease store's clock in microseconds)`: they keep growing
when the in-process store restarts with the process, or when Redis loses its data, so the
store's fence never locks out a new holder. `InProcessLease` serves one process;
`store.redis_lease.RedisLease` any number (`INTERVOX_REDIS_URL`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Lease:
    """A held lease. `valid_until` is on this process's monotonic clock and counted from before
    the request went out, so the holder's view ends before the store's."""

    interview_id: str
    worker_id: str
    token: int
    valid_until: float

    @property
    def remaining_s(self) -> float:
        return max(0.0, self.valid_until - time.monotonic())


class SessionLease(Protocol):
    """The seam: in-process (`InProcessLease`) or Redis (`RedisLease`)."""

    async def acquire(self, interview_id: str, worker_id: str, ttl_s: float) -> Lease | None:
        """The lease, or None while another worker holds it. A worker asking again for a lease
        it holds gets it extended with the same token."""
        ...

    async def renew(self, lease: Lease, ttl_s: float) -> Lease | None:
        """The lease extended, or None when it was lost (expired, or taken by another)."""
        ...

    async def release(self, lease: Lease) -> bool:
        """Give the lease up (only this holder's: a lost lease is left alone)."""
        ...

    async def holder(self, interview_id: str) -> Lease | None:
        """Who holds the interview now (any process may ask), or None."""
        ...


def next_token(last: int, now_us: int) -> int:
    return max(last + 1, now_us)


@dataclass
class _Held:
    worker_id: str
    token: int
    until: float  # monotonic


class InProcessLease:
    """Leases of one process (the default): a dict, exact on the event loop's thread."""

    def __init__(self) -> None:
        self._held: dict[str, _Held] = {}
        self._last_token: dict[str, int] = {}

    def _current(self, interview_id: str) -> _Held | None:
        held = self._held.get(interview_id)
        if held is not None and held.until <= time.monotonic():
            del self._held[interview_id]
            return None
        return held

    async def acquire(self, interview_id: str, worker_id: str, ttl_s: float) -> Lease | None:
        now = time.monotonic()
        held = self._current(interview_id)
        if held is not None and held.worker_id != worker_id:
            return None
        if held is None:
            token = next_token(self._last_token.get(interview_id, 0), time.time_ns() // 1000)
            self._last_token[interview_id] = token
            held = self._held[interview_id] = _Held(worker_id, token, now + ttl_s)
        held.until = now + ttl_s
        return Lease(interview_id, worker_id, held.token, now + ttl_s)

    async def renew(self, lease: Lease, ttl_s: float) -> Lease | None:
        now = time.monotonic()
        held = self._current(lease.interview_id)
        if held is None or (held.worker_id, held.token) != (lease.worker_id, lease.token):
            return None
        held.until = now + ttl_s
        return Lease(lease.interview_id, lease.worker_id, lease.token, now + ttl_s)

    async def release(self, lease: Lease) -> bool:
        held = self._current(lease.interview_id)
        if held is None or (held.worker_id, held.token) != (lease.worker_id, lease.token):
            return False
        del self._held[lease.interview_id]
        return True

    async def holder(self, interview_id: str) -> Lease | None:
        held = self._current(interview_id)
        return None if held is None else Lease(interview_id, held.worker_id, held.token, held.until)
