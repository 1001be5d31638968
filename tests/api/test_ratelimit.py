"""Rate limits: the same tests on counters in memory and on a real Redis; two apps on one Redis
share their limits; counters that cannot be reached let requests through."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from api.app import create_app
from api.errors import error_body
from api.ratelimit import RateLimited, RateLimiter
from tests.api.conftest import api_settings


@pytest.fixture(params=["memory", "redis"])
def limiter(request) -> RateLimiter:
    if request.param == "memory":
        return RateLimiter()
    return RateLimiter(request.getfixturevalue("redis_url"))


async def test_over_the_limit_raises_rate_limited_with_retry_after(limiter: RateLimiter) -> None:
    for _ in range(3):
        await limiter.hit("3/minute", "login-fail", "a@b.c", "1.2.3.4")
    with pytest.raises(RateLimited) as caught:
        await limiter.hit("3/minute", "login-fail", "a@b.c", "1.2.3.4")
    exc = caught.value
    assert (exc.code, exc.status) == ("RATE_LIMITED", 429)
    assert 55 <= exc.retry_after <= 60
    assert exc.details == {"retry_after": exc.retry_after}
    assert exc.headers == {"Retry-After": str(exc.retry_after)}
    assert await limiter.retry_after("3/minute", "login-fail", "a@b.c", "1.2.3.4") == exc.retry_after


async def test_keys_and_rules_are_separate_counters(limiter: RateLimiter) -> None:
    await limiter.hit("1/minute", "login-fail", "a@b.c")
    await limiter.hit("1/minute", "login-fail", "other@b.c")
    await limiter.hit("1/minute", "join", "a@b.c")
    await limiter.hit("2/minute", "login-fail", "a@b.c")
    with pytest.raises(RateLimited):
        await limiter.hit("1/minute", "login-fail", "a@b.c")


async def test_test_does_not_consume_and_reset_clears(limiter: RateLimiter) -> None:
    for _ in range(5):
        assert await limiter.test("1/minute", "k")
    assert await limiter.retry_after("1/minute", "k") == 0
    await limiter.hit("1/minute", "k")
    assert not await limiter.test("1/minute", "k")
    assert await limiter.retry_after("1/minute", "k") >= 1
    await limiter.reset()
    assert await limiter.test("1/minute", "k")
    await limiter.hit("1/minute", "k")


async def test_moving_window_frees_a_slot_after_the_period(limiter: RateLimiter) -> None:
    await limiter.hit("2/second", "burst")
    await limiter.hit("2/second", "burst")
    with pytest.raises(RateLimited) as caught:
        await limiter.hit("2/second", "burst")
    assert caught.value.retry_after == 1  # under a second left still reads as one whole second
    await asyncio.sleep(1.05)
    await limiter.hit("2/second", "burst")


async def test_check_does_not_consume_and_hit_quietly_counts_without_raising(limiter: RateLimiter) -> None:
    rule, keys = "2/minute", ("login-failures", "a@b.c", "1.2.3.4")
    await limiter.check(rule, *keys)
    assert await limiter.hit_quietly(rule, *keys) and await limiter.hit_quietly(rule, *keys)
    assert not await limiter.hit_quietly(rule, *keys)  # over: reported, not raised
    with pytest.raises(RateLimited) as caught:
        await limiter.check(rule, *keys)
    assert caught.value.retry_after >= 55


async def test_several_limits_in_one_rule_all_apply(limiter: RateLimiter) -> None:
    rule = "3/minute;2/second"
    await limiter.hit(rule, "multi")
    await limiter.hit(rule, "multi")
    with pytest.raises(RateLimited) as caught:
        await limiter.hit(rule, "multi")  # the per-second limit refuses it...
    assert caught.value.retry_after == 1
    await asyncio.sleep(1.05)
    await limiter.hit(rule, "multi")  # ...and it used up nothing of the per-minute one: this third one passes
    with pytest.raises(RateLimited) as caught:
        await limiter.hit(rule, "multi")
    assert caught.value.retry_after >= 55
    assert await limiter.retry_after(rule, "multi") >= 55


async def test_a_disabled_limiter_lets_everything_through() -> None:
    limiter = RateLimiter(enabled=False)
    for _ in range(5):
        await limiter.hit("1/minute", "k")
        await limiter.check("1/minute", "k")
        assert await limiter.hit_quietly("1/minute", "k")
    assert await limiter.test("1/minute", "k") and await limiter.retry_after("1/minute", "k") == 0


async def test_hit_is_cheap_in_memory() -> None:
    limiter, n = RateLimiter(), 5000
    started = time.perf_counter()
    for i in range(n):
        await limiter.hit("100000/minute", "cheap", str(i % 50))
    assert (time.perf_counter() - started) / n < 200e-6


async def test_counters_out_of_reach_let_requests_through_and_say_so(caplog) -> None:
    limiter = RateLimiter("redis://127.0.0.1:1/0")  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="api.ratelimit"):
        for _ in range(3):
            await limiter.hit("1/minute", "k")
        assert await limiter.hit_quietly("1/minute", "k") and await limiter.test("1/minute", "k")
    assert "rate limits not enforced" in caplog.text


def test_rate_limited_renders_as_api_error_with_retry_after_header() -> None:
    """The wiring expected in api/errors.py: body from code/message/details, headers from exc.headers."""
    app, limiter = FastAPI(), RateLimiter()

    @app.exception_handler(RateLimited)
    async def _limited(_: Request, exc: RateLimited) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message, exc.details), exc.status, headers=exc.headers)

    @app.post("/login")
    async def login() -> dict[str, bool]:
        await limiter.hit("2/minute", "login", "ip")
        return {"ok": True}

    with TestClient(app) as c:
        assert c.post("/login").status_code == c.post("/login").status_code == 200
        r = c.post("/login")
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "RATE_LIMITED"
    assert int(r.headers["retry-after"]) == r.json()["error"]["details"]["retry_after"] >= 1


def test_two_servers_on_one_redis_share_their_limits(tmp_path, redis_url) -> None:
    """INTERVOX_REDIS_URL alone puts the counters in Redis: the per-address budget is spent on
    one server and refused on the other."""
    settings = [
        api_settings(tmp_path / name, redis_url=redis_url, rate_limit={"per_ip": "4/minute"})
        for name in ("a", "b")
    ]
    assert settings[0].rate_limit.storage_url == redis_url
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    with TestClient(create_app(settings[0])) as a, TestClient(create_app(settings[1])) as b:
        statuses = [client.get("/api/v1/interviewers").status_code for client in (a, b, a, b)]
        assert statuses == [401, 401, 401, 401]  # counted whoever asks: no credential here
        for client in (a, b):
            refused = client.get("/api/v1/interviewers")
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
