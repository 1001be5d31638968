"""A work queue on a Redis stream with a consumer group: jobs survive the process that queued
them and the one that took them.

`intervox:queue:<name>` is the stream, `workers` its group. XREADGROUP hands a new job to one
consumer and keeps it in the group's pending entries until XACK; XAUTOCLAIM hands an entry
pending longer than the visibility time to the consumer asking (its delivery count rises).
An acknowledged job is deleted from the stream, so the stream's length is what is waiting or
being worked on, and `put` refuses past `max_len` (a Lua script: checked and added at once)."""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import ResponseError

from store.queue import Job, QueueFull, QueueOptions
from store.redis_client import RedisConnection

log = logging.getLogger(__name__)
GROUP = "workers"

# KEYS: stream. ARGV: max length, body. -> the new id, or nil when full
PUT = """
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then return nil end
return redis.call('XADD', KEYS[1], '*', 'body', ARGV[2])
"""


class RedisQueue:
    """`WorkQueue` on a Redis stream (`INTERVOX_REDIS_URL`)."""

    def __init__(self, redis: RedisConnection, name: str, options: QueueOptions | None = None) -> None:
        self._redis, self.options = redis, options or QueueOptions()
        self.key = redis.key("queue", name)
        self._group_ready = False

    async def _group(self) -> None:
        """Make the consumer group once (from the stream's start: jobs queued before count)."""
        if self._group_ready:
            return
        try:
            await self._redis.client().xgroup_create(self.key, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def put(self, body: bytes) -> str:
        await self._group()
        job_id = await self._redis.client().eval(PUT, 1, self.key, self.options.max_len, body)  # type: ignore[misc]
        if job_id is None:
            raise QueueFull(f"the queue holds {self.options.max_len} jobs already")
        return str(job_id.decode())

    async def take(self, consumer: str, wait_s: float) -> Job | None:
        try:
            return await self._take(consumer, wait_s)
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            self._group_ready = False  # Redis lost the stream (restarted without its data)
            return await self._take(consumer, wait_s)

    async def _take(self, consumer: str, wait_s: float) -> Job | None:
        await self._group()
        while (reclaimed := await self._reclaim(consumer)) is not None:
            if reclaimed.deliveries <= self.options.max_deliveries:
                return reclaimed
            log.warning("dropping job %s after %d deliveries", reclaimed.id, reclaimed.deliveries - 1)
            await self.ack(reclaimed)
        block_ms = max(1, round(wait_s * 1000))
        found: Any = await self._redis.client().xreadgroup(
            GROUP, consumer, {self.key: ">"}, count=1, block=block_ms
        )
        if not found:
            return None
        entry_id, fields = found[0][1][0]
        return Job(entry_id.decode(), fields[b"body"], 1)

    async def _reclaim(self, consumer: str) -> Job | None:
        """The oldest entry pending past the visibility time, now this consumer's."""
        idle_ms = round(self.options.visibility_s * 1000)
        client = self._redis.client()
        reply: Any = await client.xautoclaim(self.key, GROUP, consumer, idle_ms, "0-0", count=1)
        claimed = reply[1]
        if not claimed:
            return None
        entry_id, fields = claimed[0]
        pending = await client.xpending_range(self.key, GROUP, min=entry_id, max=entry_id, count=1)
        deliveries = int(pending[0]["times_delivered"]) if pending else 2
        return Job(entry_id.decode(), fields[b"body"], deliveries)

    async def ack(self, job: Job) -> None:
        async with self._redis.client().pipeline(transaction=True) as pipe:
            pipe.xack(self.key, GROUP, job.id)
            pipe.xdel(self.key, job.id)
            await pipe.execute()

    async def size(self) -> int:
        return int(await self._redis.client().xlen(self.key))
