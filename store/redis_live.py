"""Live session state in Redis: `intervox:live:<id>` holds the snapshot as JSON and expires."""

from __future__ import annotations

import json

from store.live import LiveSnapshot
from store.redis_client import RedisConnection


class RedisLiveState:
    """`LiveState` shared by every process on one Redis."""

    def __init__(self, redis: RedisConnection) -> None:
        self._redis = redis

    async def put(self, snapshot: LiveSnapshot, ttl_s: float) -> None:
        key = self._redis.key("live", snapshot.interview_id)
        await self._redis.client().set(key, json.dumps(snapshot.to_dict()), px=max(1, round(ttl_s * 1000)))

    async def get(self, interview_id: str) -> LiveSnapshot | None:
        raw = await self._redis.client().get(self._redis.key("live", interview_id))
        return None if raw is None else LiveSnapshot.from_dict(json.loads(raw))

    async def forget(self, interview_id: str) -> None:
        await self._redis.client().delete(self._redis.key("live", interview_id))
