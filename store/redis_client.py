"""The asyncio Redis client the Redis implementations share (`INTERVOX_REDIS_URL`).

An asyncio connection belongs to the event loop that opened it: the client is made on first
use in the running loop and made again when it runs in another one (test apps start a loop
per client)."""

from __future__ import annotations

import asyncio
import contextlib

import redis.asyncio as redis

KEY_PREFIX = "intervox:"


class RedisConnection:
    """One client per event loop, for one URL; `close()` lets go of it."""

    def __init__(self, url: str, prefix: str = KEY_PREFIX) -> None:
        self.url, self.prefix = url, prefix
        self._client: redis.Redis | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def client(self) -> redis.Redis:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            # commands block at most a few seconds (blocking reads ask for less): a hung
            # server turns into an error the caller handles, never a stuck interview
            self._client = redis.from_url(
                self.url, socket_connect_timeout=3, socket_timeout=10, health_check_interval=30
            )
            self._loop = loop
        return self._client

    def key(self, *parts: str) -> str:
        """`intervox:<part>:<part>...`: every key of ours carries the prefix."""
        return self.prefix + ":".join(parts)

    async def close(self) -> None:
        client, self._client, self._loop = self._client, None, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.aclose()
