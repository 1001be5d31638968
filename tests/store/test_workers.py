"""The registry of live media workers, in-process and on a real Redis: a worker is listed while
its announcements run, gone when they stop or it withdraws; the least busy one gets the next
interview."""

import asyncio
import time

from store.workers import WorkerInfo, least_loaded


def info(worker_id: str, load: int = 0, url: str = "http://127.0.0.1:9") -> WorkerInfo:
    return WorkerInfo(worker_id, url, load, time.time())


async def test_workers_are_listed_while_their_announcements_run(processes):
    a, b = (p.workers for p in processes)
    assert await b.alive() == []
    await a.announce(info("w1", load=2, url="http://10.0.0.5:8001"), 5)
    await a.announce(info("w2"), 0.3)
    listed = {w.worker_id: w for w in await b.alive()}  # another process sees them
    assert set(listed) == {"w1", "w2"}
    assert (listed["w1"].url, listed["w1"].load) == ("http://10.0.0.5:8001", 2)
    await asyncio.sleep(0.4)  # w2 stopped announcing (killed): it drops out
    assert [w.worker_id for w in await b.alive()] == ["w1"]
    await a.announce(info("w1", load=3), 5)  # a new announcement replaces the last
    assert [w.load for w in await b.alive()] == [3]
    await a.withdraw("w1")  # a clean stop
    assert await b.alive() == []


def test_the_least_busy_worker_gets_the_next_interview():
    now = time.time()
    busy, idle_old, idle_new = (
        WorkerInfo("busy", "u", 3, now),
        WorkerInfo("idle-old", "u", 0, now - 2),
        WorkerInfo("idle-new", "u", 0, now),
    )
    assert least_loaded([busy, idle_old, idle_new]).worker_id == "idle-new"
    assert least_loaded([busy]).worker_id == "busy"
    assert least_loaded([]) is None
