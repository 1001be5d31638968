"""Session leases and live state, in-process and on a real Redis: one holder at a time, tokens
that only grow, a lease that runs out frees the interview."""

import asyncio
import time

from store.lease import InProcessLease
from store.live import LiveSnapshot


async def test_one_worker_holds_an_interview_until_it_lets_go(processes):
    a, b = (p.leases for p in processes)
    first = await a.acquire("i1", "worker-a", 5)
    assert first is not None and first.worker_id == "worker-a" and 4 < first.remaining_s <= 5
    assert await b.acquire("i1", "worker-b", 5) is None
    held = await b.holder("i1")
    assert held is not None and (held.worker_id, held.token) == ("worker-a", first.token)
    again = await a.acquire("i1", "worker-a", 5)  # asking again extends, same token
    assert again is not None and again.token == first.token
    assert await a.acquire("i2", "worker-b", 5) is not None  # interviews are independent
    assert await a.release(first)
    second = await b.acquire("i1", "worker-b", 5)
    assert second is not None and second.token > first.token
    assert not await a.release(first)  # an old lease releases nothing
    assert (await b.holder("i1")).worker_id == "worker-b"


async def test_a_lease_that_is_not_renewed_runs_out_and_its_holder_cannot_renew_or_release_it(processes):
    a, b = (p.leases for p in processes)
    first = await a.acquire("i1", "worker-a", 0.2)
    renewed = await a.renew(first, 0.2)
    assert renewed is not None and renewed.token == first.token
    await asyncio.sleep(0.3)
    assert await b.holder("i1") is None
    second = await b.acquire("i1", "worker-b", 5)
    assert second is not None and second.token > first.token
    assert await a.renew(first, 5) is None
    assert not await a.release(first)
    assert (await a.holder("i1")).token == second.token


async def test_of_many_workers_racing_for_an_interview_one_wins(processes):
    a, b = (p.leases for p in processes)
    racers = [(a if n % 2 else b).acquire("i1", f"worker-{n}", 5) for n in range(40)]
    won = [lease for lease in await asyncio.gather(*racers) if lease is not None]
    assert len(won) == 1
    assert (await a.holder("i1")).worker_id == won[0].worker_id


async def test_tokens_keep_growing_when_the_lease_store_starts_afresh(processes, request):
    a = processes[0].leases
    first = await a.acquire("i1", "worker-a", 5)
    if isinstance(a, InProcessLease):  # the process restarted: a new store
        a = InProcessLease()
    else:  # Redis restarted without its data
        import redis

        with redis.Redis.from_url(request.getfixturevalue("redis_url")) as client:
            client.flushall()
    second = await a.acquire("i1", "worker-b", 5)
    assert second is not None and second.token > first.token


async def test_live_state_is_readable_by_any_process_and_runs_out(processes):
    a, b = (p.live for p in processes)
    snap = LiveSnapshot("i1", "worker-a", "in_progress", "questions", "q2", 1, 612.5, time.time())
    await a.put(snap, 0.3)
    assert await b.get("i1") == snap
    assert await b.get("i2") is None
    await asyncio.sleep(0.4)
    assert await b.get("i1") is None
    await a.put(snap, 5)
    await b.forget("i1")
    assert await a.get("i1") is None
