"""Which media workers are alive, where API processes reach them, and how busy each is.

A worker (`intervox worker`) announces itself every heartbeat with a time to live; one that
stops (killed, frozen, cut off) drops out when its last announcement runs out, so an API
process never sends a candidate to it. `LocalWorkerRegistry` serves one process (and the
tests); `store.redis_workers.RedisWorkerRegistry` is shared by every process on one Redis."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class WorkerInfo:
    worker_id: str
    url: str  # where API processes reach its HTTP routes, e.g. http://10.0.0.5:8001
    load: int  # interviews it drives now
    announced_at: float  # unix time

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WorkerInfo:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


class WorkerRegistry(Protocol):
    async def announce(self, info: WorkerInfo, ttl_s: float) -> None:
        """The worker is alive for `ttl_s` more seconds (replacing its last announcement)."""
        ...

    async def withdraw(self, worker_id: str) -> None:
        """The worker stops taking interviews (a clean shutdown)."""
        ...

    async def alive(self) -> list[WorkerInfo]:
        """Every worker whose last announcement still runs, in no particular order."""
        ...


class LocalWorkerRegistry:
    """The workers of this process (the default)."""

    def __init__(self) -> None:
        self._workers: dict[str, tuple[WorkerInfo, float]] = {}

    async def announce(self, info: WorkerInfo, ttl_s: float) -> None:
        self._workers[info.worker_id] = (info, time.monotonic() + ttl_s)

    async def withdraw(self, worker_id: str) -> None:
        self._workers.pop(worker_id, None)

    async def alive(self) -> list[WorkerInfo]:
        now = time.monotonic()
        self._workers = {k: v for k, v in self._workers.items() if v[1] > now}
        return [info for info, _ in self._workers.values()]


def least_loaded(workers: list[WorkerInfo]) -> WorkerInfo | None:
    """The worker to give a new interview: the fewest interviews, then the freshest heartbeat."""
    return min(workers, key=lambda w: (w.load, -w.announced_at), default=None)
