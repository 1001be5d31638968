"""Work queues whose jobs outlive the consumer that took them.

A consumer `take`s a job, does it, and `ack`s it. A job taken and not acknowledged within
`visibility_s` (its consumer died, or hangs) is handed to the next consumer that asks, with
its delivery count raised; one handed out `max_deliveries` times without success is dropped
with a warning (a job that kills its consumer must not kill them all). Delivery is at least
once: a job's effect must be safe to apply twice.

`InProcessQueue` (the default) keeps jobs in this process: they survive a consumer task that
dies, not the process. `store.redis_queue.RedisQueue` keeps them in a Redis stream with a
consumer group: they survive the process, and any process may finish them."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Protocol

from core.errors import EngineBusy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One unit of work: opaque bytes, and how often it has been handed out (1 the first time)."""

    id: str
    body: bytes
    deliveries: int = 1


@dataclass(frozen=True)
class QueueOptions:
    visibility_s: float = 120.0  # a job unacknowledged this long is handed to another consumer
    max_len: int = 1000  # jobs waiting or being worked on; more are refused (QueueFull)
    max_deliveries: int = 5


class QueueFull(EngineBusy):
    """The queue holds `max_len` jobs already: try again later (503, retryable)."""


class WorkQueue(Protocol):
    """The seam: `InProcessQueue` or `RedisQueue`; one queue per kind of job."""

    async def put(self, body: bytes) -> str:
        """Queue a job; its id. QueueFull when the queue is at its length."""
        ...

    async def take(self, consumer: str, wait_s: float) -> Job | None:
        """A job abandoned by a silent consumer first, else the oldest new one, waiting up to
        `wait_s` for one; None when there is none."""
        ...

    async def ack(self, job: Job) -> None:
        """The job is done: it is never handed out again."""
        ...

    async def size(self) -> int:
        """Jobs waiting or being worked on."""
        ...


@dataclass
class _Taken:
    body: bytes
    consumer: str
    since: float
    deliveries: int


class InProcessQueue:
    """A job queue in this process."""

    def __init__(self, options: QueueOptions | None = None) -> None:
        self.options = options or QueueOptions()
        self._new: deque[tuple[str, bytes]] = deque()
        self._taken: OrderedDict[str, _Taken] = OrderedDict()
        self._ids = itertools.count(1)
        self._arrived = asyncio.Condition()

    async def put(self, body: bytes) -> str:
        if await self.size() >= self.options.max_len:
            raise QueueFull(f"the queue holds {self.options.max_len} jobs already")
        job_id = str(next(self._ids))
        self._new.append((job_id, body))
        async with self._arrived:
            self._arrived.notify()
        return job_id

    async def take(self, consumer: str, wait_s: float) -> Job | None:
        reclaimed = self._reclaim(consumer)
        if reclaimed is not None:
            return reclaimed
        if not self._new:
            async with self._arrived:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait_for(lambda: bool(self._new)), wait_s)
        if not self._new:
            return None
        job_id, body = self._new.popleft()
        self._taken[job_id] = _Taken(body, consumer, time.monotonic(), 1)
        return Job(job_id, body, 1)

    def _reclaim(self, consumer: str) -> Job | None:
        deadline = time.monotonic() - self.options.visibility_s
        for job_id, taken in list(self._taken.items()):
            if taken.since > deadline:
                continue
            if taken.deliveries >= self.options.max_deliveries:
                log.warning("dropping job %s after %d deliveries", job_id, taken.deliveries)
                del self._taken[job_id]
                continue
            taken.consumer, taken.since, taken.deliveries = consumer, time.monotonic(), taken.deliveries + 1
            self._taken.move_to_end(job_id)
            return Job(job_id, taken.body, taken.deliveries)
        return None

    async def ack(self, job: Job) -> None:
        self._taken.pop(job.id, None)

    async def size(self) -> int:
        return len(self._new) + len(self._taken)
