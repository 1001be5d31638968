"""What processes share to serve interviews together: the event bus, session leases, live
session state, work queues and the registry of live media workers. In-process when no Redis
is named (one process, nothing to run); all in Redis with `INTERVOX_REDIS_URL`. The Redis
modules are imported only then, so the embedded set-up needs no `redis` package."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

from store.bus import EventBus, InProcessBus
from store.lease import InProcessLease, SessionLease
from store.live import InProcessLiveState, LiveState
from store.queue import InProcessQueue, QueueOptions, WorkQueue
from store.workers import LocalWorkerRegistry, WorkerRegistry


@dataclass
class Backends:
    kind: Literal["inprocess", "redis"]
    bus: EventBus
    leases: SessionLease
    live: LiveState
    workers: WorkerRegistry
    _make_queue: Callable[[str, QueueOptions], WorkQueue]
    _close: Callable[[], Awaitable[None]] | None = None
    _queues: dict[str, WorkQueue] = field(default_factory=dict)

    def queue(self, name: str, options: QueueOptions | None = None) -> WorkQueue:
        """The queue of one kind of job (the same object for the same name)."""
        if name not in self._queues:
            self._queues[name] = self._make_queue(name, options or QueueOptions())
        return self._queues[name]

    async def close(self) -> None:
        await self.bus.close()
        if self._close is not None:
            await self._close()


def make_backends(redis_url: str = "") -> Backends:
    """In-process backends, or Redis ones for `redis_url` (connected on first use)."""
    if not redis_url:
        return Backends(
            "inprocess",
            InProcessBus(),
            InProcessLease(),
            InProcessLiveState(),
            LocalWorkerRegistry(),
            _in_process_queue,
        )
    from store.redis_bus import RedisBus
    from store.redis_client import RedisConnection
    from store.redis_lease import RedisLease
    from store.redis_live import RedisLiveState
    from store.redis_queue import RedisQueue
    from store.redis_workers import RedisWorkerRegistry

    redis = RedisConnection(redis_url)
    return Backends(
        "redis",
        RedisBus(redis),
        RedisLease(redis),
        RedisLiveState(redis),
        RedisWorkerRegistry(redis),
        lambda name, options: RedisQueue(redis, name, options),
        redis.close,
    )


def _in_process_queue(name: str, options: QueueOptions) -> WorkQueue:
    return InProcessQueue(options)
