"""Session leases in Redis: any process may ask who drives an interview, one at a time drives it.

Each operation is one Lua script, so the check and the change are atomic on the server:
`intervox:lease:<id>` is a hash {worker, token} that expires with the lease (PEXPIRE), and
`intervox:lease-token:<id>` keeps the interview's last token for a week past its last
acquisition (the token floor, Redis's clock in microseconds, covers a longer gap or lost data;
see store/lease.py)."""

from __future__ import annotations

import time

from store.lease import Lease
from store.redis_client import RedisConnection

TOKEN_KEEP_S = 7 * 24 * 3600

# KEYS: lease, last token. ARGV: worker, ttl ms, token keep s. -> token, or nil when held by another
ACQUIRE = """
local holder = redis.call('HGET', KEYS[1], 'worker')
if holder and holder ~= ARGV[1] then return nil end
if holder then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(redis.call('HGET', KEYS[1], 'token'))
end
local now = redis.call('TIME')
local token = math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, now[1] * 1000000 + now[2])
local text = string.format('%d', token)
redis.call('HSET', KEYS[1], 'worker', ARGV[1], 'token', text)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], text, 'EX', ARGV[3])
return token
"""

# KEYS: lease. ARGV: worker, token, ttl ms (0: release). -> 1 when this holder's lease was found
RENEW_OR_RELEASE = """
if redis.call('HGET', KEYS[1], 'worker') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'token') ~= ARGV[2] then
  return 0
end
if ARGV[3] == '0' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
"""

# KEYS: lease. -> {worker, token, ms left} or nil
HOLDER = """
local worker = redis.call('HGET', KEYS[1], 'worker')
if not worker then return nil end
return {worker, redis.call('HGET', KEYS[1], 'token'), redis.call('PTTL', KEYS[1])}
"""


class RedisLease:
    """`SessionLease` in Redis (`INTERVOX_REDIS_URL`)."""

    def __init__(self, redis: RedisConnection) -> None:
        self._redis = redis

    def _keys(self, interview_id: str) -> tuple[str, str]:
        return self._redis.key("lease", interview_id), self._redis.key("lease-token", interview_id)

    async def acquire(self, interview_id: str, worker_id: str, ttl_s: float) -> Lease | None:
        started = time.monotonic()
        lease_key, token_key = self._keys(interview_id)
        token = await self._redis.client().eval(
            ACQUIRE, 2, lease_key, token_key, worker_id, _ms(ttl_s), TOKEN_KEEP_S
        )  # type: ignore[misc]
        return None if token is None else Lease(interview_id, worker_id, int(token), started + ttl_s)

    async def renew(self, lease: Lease, ttl_s: float) -> Lease | None:
        started = time.monotonic()
        if not await self._renew_or_release(lease, _ms(ttl_s)):
            return None
        return Lease(lease.interview_id, lease.worker_id, lease.token, started + ttl_s)

    async def release(self, lease: Lease) -> bool:
        return await self._renew_or_release(lease, 0)

    async def _renew_or_release(self, lease: Lease, ttl_ms: int) -> bool:
        key = self._keys(lease.interview_id)[0]
        found = await self._redis.client().eval(
            RENEW_OR_RELEASE, 1, key, lease.worker_id, str(lease.token), ttl_ms
        )  # type: ignore[misc]
        return bool(found)

    async def holder(self, interview_id: str) -> Lease | None:
        found = await self._redis.client().eval(HOLDER, 1, self._keys(interview_id)[0])  # type: ignore[misc]
        if not found:
            return None
        worker, token, left_ms = found
        return Lease(interview_id, worker.decode(), int(token), time.monotonic() + max(0, left_ms) / 1000)


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))
