"""Rate limits on the maintained `limits` package: moving windows keyed by caller-chosen names."""

from __future__ import annotations

import math
import time
from functools import lru_cache

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from core.errors import IntervoxError


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


class RateLimiter:
    """Moving-window limiter; memory storage is synchronous and takes microseconds, so it is loop-safe.

    A rule is one limit ("5/minute") or several joined by ";" ("600/minute;20/second"), all of which must
    pass. `storage_url` is any `limits` storage URL: "memory://" (one process) or e.g. "redis://host:6379/0"
    once several workers must share counters; the calls stay the same (the redis client must be installed).
    With `enabled=False` every call passes and nothing is counted.
    """

    def __init__(self, storage_url: str = "memory://", *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._storage = storage_from_string(storage_url)
        self._strategy = MovingWindowRateLimiter(self._storage)

    def hit(self, rule: str, *keys: str) -> None:
        """Count one request against `rule` for `keys`; raise RateLimited (nothing counted) when over."""
        if not self.enabled:
            return
        items = _items(rule)
        if len(items) > 1:
            # Test every limit first so a refused request does not use up the limits that still had room.
            self.check(rule, *keys)
        for item in items:
            if not self._strategy.hit(item, *keys):
                raise RateLimited(self._seconds_until_free(item, *keys))

    def hit_quietly(self, rule: str, *keys: str) -> bool:
        """Count one event (say a failed login) without raising; False when it was already over."""
        if not self.enabled:
            return True
        return all([self._strategy.hit(item, *keys) for item in _items(rule)])

    def check(self, rule: str, *keys: str) -> None:
        """Raise RateLimited when a hit would be refused, without consuming anything."""
        wait = self.retry_after(rule, *keys)
        if wait:
            raise RateLimited(wait)

    def test(self, rule: str, *keys: str) -> bool:
        """Whether a hit would pass now, without consuming anything."""
        return not self.enabled or all(self._strategy.test(item, *keys) for item in _items(rule))

    def retry_after(self, rule: str, *keys: str) -> int:
        """Seconds until a hit would pass: 0 when it would pass now, else at least 1."""
        if not self.enabled:
            return 0
        waits = [
            self._seconds_until_free(item, *keys)
            for item in _items(rule)
            if not self._strategy.test(item, *keys)
        ]
        return max(waits, default=0)

    def reset(self) -> None:
        """Forget every counter (tests, or an admin clearing a lock-out)."""
        self._storage.reset()

    def _seconds_until_free(self, item: RateLimitItem, *keys: str) -> int:
        """Whole seconds until the oldest hit in the window expires, never below 1."""
        stats = self._strategy.get_window_stats(item, *keys)
        return max(1, math.ceil(stats.reset_time - time.time()))
