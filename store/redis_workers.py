"""The worker registry in Redis: `intervox:worker:<id>` holds a worker's announcement as JSON
and expires with its heartbeat's time to live."""

from __future__ import annotations

import json

from store.redis_client import RedisConnection
from store.workers import WorkerInfo


class RedisWorkerRegistry:
    """`WorkerRegistry` shared by every process on one Redis."""

    def __init__(self, redis: RedisConnection) -> None:
        self._redis = redis

    async def announce(self, info: WorkerInfo, ttl_s: float) -> None:
        key = self._redis.key("worker", info.worker_id)
        await self._redis.client().set(key, json.dumps(info.to_dict()), px=max(1, round(ttl_s * 1000)))

    async def withdraw(self, worker_id: str) -> None:
        await self._redis.client().delete(self._redis.key("worker", worker_id))

    async def alive(self) -> list[WorkerInfo]:
        client = self._redis.client()
        keys = [key async for key in client.scan_iter(match=self._redis.key("worker", "*"), count=100)]
        if not keys:
            return []
        values = await client.mget(keys)  # a key that expired in between reads as None
        return [WorkerInfo.from_dict(json.loads(raw)) for raw in values if raw is not None]
