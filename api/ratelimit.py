"""Rate limits on the maintained `limits` package: moving windows keyed by caller-chosen names.

The limiter is asynchronous (`limits.aio`): with counters in Redis, shared by several processes,
a check is a network round trip and must not hold the event loop that carries the audio."""

from __future__ import annotations

import logging
import math
import time
from functools import lru_cache

from limits import RateLimitItem, WindowStats, parse_many
from limits.aio.strategies import MovingWindowRateLimiter as AsyncMovingWindow
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from core.errors import IntervoxError

log = logging.getLogger(__name__)
WARN_EVERY_S = 10.0


class RateLimited(IntervoxError):
    """Too many requests; `retry_after` says how many whole seconds to wait (also in details and headers)."""

    code, status, retryable = "RATE_LIMITED", 429, True

    def __init__(self, retry_after: int, message: str = "too many requests, try again later") -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message, {"retry_after": self.retry_after})

    @property
    def headers(self) -> dict[str, str]:
        """The headers a 429 must carry (API.md: 429 carries Retry-After)."""
        return {"Retry-After": str(self.retry_after)}


@lru_cache(maxsize=256)
def _items(rule: str) -> tuple[RateLimitItem, ...]:
    """Parse "5/minute" or "600/minute;20/second" once; rules are a few settings, so the cache stays tiny."""
    return tuple(parse_many(rule))


class _InMemory:
    """The synchronous memory storage behind the limiter's awaited calls: it takes microseconds,
    so it runs on the loop (`limits`' asynchronous memory storage walks every key in a thread
    after each hit)."""

    def __init__(self) -> None:
        self.storage = storage_from_string("memory://")
        self._strategy = MovingWindowRateLimiter(self.storage)

    async def hit(self, item: RateLimitItem, *keys: str) -> bool:
        return self._strategy.hit(item, *keys)

    async def test(self, item: RateLimitItem, *keys: str) -> bool:
        return self._strategy.test(item, *keys)

    async def get_window_stats(self, item: RateLimitItem, *keys: str) -> WindowStats:
        return self._strategy.get_window_stats(item, *keys)

    async def reset(self) -> None:
        self.storage.reset()


class _Shared:
    """A storage other processes share (Redis), through `limits`' asynchronous client."""

    def __init__(self, url: str) -> None:
        scheme = url.split("://", 1)[0]
        options = {"implementation": "redispy"} if "redis" in scheme else {}
        self.storage = storage_from_string(url if scheme.startswith("async+") else f"async+{url}", **options)
        self._strategy = AsyncMovingWindow(self.storage)  # type: ignore[arg-type]

    async def hit(self, item: RateLimitItem, *keys: str) -> bool:
        return await self._strategy.hit(item, *keys)

    async def test(self, item: RateLimitItem, *keys: str) -> bool:
        return await self._strategy.test(item, *keys)

    async def get_window_stats(self, item: RateLimitItem, *keys: str) -> WindowStats:
        return await self._strategy.get_window_stats(item, *keys)

    async def reset(self) -> None:
        await self.storage.reset()  # type: ignore[misc]


class RateLimiter:
    """Moving-window limiter, awaited.

    A rule is one limit ("5/minute") or several joined by ";" ("600/minute;20/second"), all of which must
    pass. `storage_url` is any `limits` storage URL: "memory://" (one process) or e.g. "redis://host:6379/0"
    once several workers must share counters (INTERVOX_REDIS_URL sets it; the redis client must be
    installed). With `enabled=False` every call passes and nothing is counted. When the storage fails
    (Redis down) requests pass and a warning is logged: an outage of the counters must not become an
    outage of the API (failed logins still queue per account, and argon2 stays slow).
    """

    def __init__(self, storage_url: str = "memory://", *, enabled: bool = True) -> None:
        self.enabled = enabled
        memory = storage_url.split("://", 1)[0] in ("memory", "async+memory")
        self._strategy: _InMemory | _Shared = _InMemory() if memory else _Shared(storage_url)
        self._warned_at = 0.0

    async def hit(self, rule: str, *keys: str) -> None:
        """Count one request against `rule` for `keys`; raise RateLimited (nothing counted) when over."""
        if not self.enabled:
            return
        items = _items(rule)
        try:
            if len(items) > 1:
                # Test every limit first so a refused request does not use up the limits that still had room.
                await self.check(rule, *keys)
            for item in items:
                if not await self._strategy.hit(item, *keys):
                    raise RateLimited(await self._seconds_until_free(item, *keys))
        except RateLimited:
            raise
        except Exception as exc:
            self._storage_failed(exc)

    async def hit_quietly(self, rule: str, *keys: str) -> bool:
        """Count one event (say a failed login) without raising; False when it was already over."""
        if not self.enabled:
            return True
        try:
            return all([await self._strategy.hit(item, *keys) for item in _items(rule)])
        except Exception as exc:
            self._storage_failed(exc)
            return True

    async def check(self, rule: str, *keys: str) -> None:
        """Raise RateLimited when a hit would be refused, without consuming anything."""
        wait = await self.retry_after(rule, *keys)
        if wait:
            raise RateLimited(wait)

    async def test(self, rule: str, *keys: str) -> bool:
        """Whether a hit would pass now, without consuming anything."""
        return await self.retry_after(rule, *keys) == 0

    async def retry_after(self, rule: str, *keys: str) -> int:
        """Seconds until a hit would pass: 0 when it would pass now, else at least 1."""
        if not self.enabled:
            return 0
        try:
            waits = [
                await self._seconds_until_free(item, *keys)
                for item in _items(rule)
                if not await self._strategy.test(item, *keys)
            ]
        except Exception as exc:
            self._storage_failed(exc)
            return 0
        return max(waits, default=0)

    async def reset(self) -> None:
        """Forget every counter (tests, or an admin clearing a lock-out)."""
        await self._strategy.reset()

    async def _seconds_until_free(self, item: RateLimitItem, *keys: str) -> int:
        """Whole seconds until the oldest hit in the window expires, never below 1."""
        stats = await self._strategy.get_window_stats(item, *keys)
        return max(1, math.ceil(stats.reset_time - time.time()))

    def _storage_failed(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_S:
            self._warned_at = now
            log.warning("rate limits not enforced: their storage failed (%s: %s)", type(exc).__name__, exc)
