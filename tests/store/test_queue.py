"""Work queues, in-process and on a real Redis stream: each job to one consumer, a job whose
consumer went silent goes to another, a job that keeps failing is dropped, a full queue says so."""

import asyncio

import pytest

from store.queue import QueueFull, QueueOptions


def queue_of(backends, name="jobs", **options):
    return backends.queue(name, QueueOptions(**options))


async def test_each_job_goes_to_one_consumer_in_order_and_is_gone_once_acknowledged(processes):
    a, b = (queue_of(p) for p in processes)
    for n in range(6):
        await a.put(f"job {n}".encode())
    assert await b.size() == 6
    taken = []
    for consumer in ("c1", "c2", "c1", "c2", "c1", "c2"):
        job = await (a if consumer == "c1" else b).take(consumer, 0.1)
        assert job is not None and job.deliveries == 1
        taken.append(job)
    assert [j.body for j in taken] == [f"job {n}".encode() for n in range(6)]
    assert len({j.id for j in taken}) == 6
    assert await a.take("c1", 0.05) is None
    for job in taken:
        await b.ack(job)
    assert await a.size() == 0


async def test_a_waiting_consumer_gets_a_job_put_meanwhile(processes):
    a, b = (queue_of(p) for p in processes)
    waiting = asyncio.ensure_future(b.take("c1", 2.0))
    await asyncio.sleep(0.1)
    await a.put(b"late")
    job = await asyncio.wait_for(waiting, 3)
    assert job is not None and job.body == b"late"


async def test_a_job_whose_consumer_went_silent_goes_to_the_next_one(processes):
    a, b = (queue_of(p, visibility_s=0.2) for p in processes)
    await a.put(b"transcribe me")
    first = await a.take("dead-worker", 0.1)
    assert first is not None
    assert await b.take("live-worker", 0.05) is None  # still within its visibility time
    await asyncio.sleep(0.25)
    again = await b.take("live-worker", 0.1)
    assert again is not None and (again.id, again.body, again.deliveries) == (first.id, b"transcribe me", 2)
    await b.ack(again)
    await asyncio.sleep(0.25)
    assert await a.take("dead-worker", 0.05) is None and await a.size() == 0


async def test_a_job_that_keeps_failing_is_dropped_after_its_last_delivery(processes):
    a, _ = (queue_of(p, visibility_s=0.05, max_deliveries=3) for p in processes)
    await a.put(b"poison")
    deliveries = []
    for _ in range(5):
        job = await a.take("crashing-worker", 0.05)
        if job is not None:
            deliveries.append(job.deliveries)
        await asyncio.sleep(0.06)
    assert deliveries == [1, 2, 3]
    assert await a.size() == 0


async def test_a_full_queue_refuses_jobs(processes):
    a, b = (queue_of(p, max_len=2) for p in processes)
    await a.put(b"1")
    await b.put(b"2")
    with pytest.raises(QueueFull):
        await a.put(b"3")
    await b.ack(await b.take("c1", 0.1))
    await a.put(b"3")


async def test_queues_of_different_names_are_separate(processes):
    a, b = processes
    await queue_of(a, "refine").put(b"r")
    assert await queue_of(b, "other").take("c1", 0.05) is None
    assert (await queue_of(b, "refine").take("c1", 0.1)).body == b"r"
