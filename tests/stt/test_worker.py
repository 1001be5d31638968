"""The transcription queue with a fake engine: replacement, cancellation, one job in
flight per interview, fairness between interviews, and the bounded queue."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest

from core.errors import EngineBusy
from stt.whisper import Transcript
from stt.worker import Superseded, TranscriptionWorker


class GatedEngine:
    """Transcribes instantly once released; the 'text' is the clip's first sample."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started: list[int] = []
        self.running = 0
        self.most_running = 0
        self._lock = threading.Lock()

    def transcribe(self, audio: np.ndarray, beam_size: int | None = None) -> Transcript:
        label = round(float(audio[0]) * 32768)
        with self._lock:
            self.started.append(label)
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        self.gate.wait(5)
        with self._lock:
            self.running -= 1
        return Transcript(text=str(label))


def clip(label: int) -> np.ndarray:
    return np.full(320, label, dtype=np.int16)


async def until(condition, timeout: float = 2.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.005)


@pytest.fixture
def engine() -> GatedEngine:
    return GatedEngine()


async def test_newer_request_replaces_the_queued_one(engine: GatedEngine) -> None:
    worker = TranscriptionWorker(engine, threads=1)
    busy = asyncio.ensure_future(worker.transcribe(clip(1), key="other"))
    await until(lambda: engine.started == [1])
    stale = asyncio.ensure_future(worker.transcribe(clip(2), key="a"))
    fresh = asyncio.ensure_future(worker.transcribe(clip(3), key="a"))
    with pytest.raises(Superseded):
        await stale
    engine.gate.set()
    assert (await fresh).text == "3" and (await busy).text == "1"
    assert engine.started == [1, 3]  # the stale guess was never computed
    worker.close()


async def test_cancelling_the_caller_drops_the_queued_job(engine: GatedEngine) -> None:
    worker = TranscriptionWorker(engine, threads=1, max_pending=1)
    running = asyncio.ensure_future(worker.transcribe(clip(1), key="a"))
    await until(lambda: engine.started == [1])
    waiting = asyncio.ensure_future(worker.transcribe(clip(2), key="b"))
    await until(lambda: worker.pending == 1)
    waiting.cancel()
    await until(lambda: worker.pending == 0)  # its slot is free again
    after = asyncio.ensure_future(worker.transcribe(clip(3), key="c"))
    engine.gate.set()
    assert (await after).text == "3" and (await running).text == "1"
    assert engine.started == [1, 3]
    worker.close()


async def test_one_job_in_flight_per_interview(engine: GatedEngine) -> None:
    worker = TranscriptionWorker(engine, threads=2)
    first = asyncio.ensure_future(worker.transcribe(clip(1), key="a"))
    await until(lambda: engine.started == [1])
    second = asyncio.ensure_future(worker.transcribe(clip(2), key="a"))
    await asyncio.sleep(0.05)
    assert engine.started == [1], "a free thread must not start the same interview's next job"
    engine.gate.set()
    assert (await first).text == "1" and (await second).text == "2"
    assert engine.most_running == 1
    worker.close()


async def test_threads_run_different_interviews_at_once(engine: GatedEngine) -> None:
    worker = TranscriptionWorker(engine, threads=2)
    jobs = [asyncio.ensure_future(worker.transcribe(clip(i), key=f"k{i}")) for i in (1, 2)]
    await until(lambda: engine.running == 2)
    engine.gate.set()
    assert [(await j).text for j in jobs] == ["1", "2"]
    worker.close()


async def test_one_interview_cannot_hold_the_queue(engine: GatedEngine) -> None:
    worker = TranscriptionWorker(engine, threads=1, max_pending=3)
    blocker = asyncio.ensure_future(worker.transcribe(clip(9), key="z"))
    await until(lambda: engine.started == [9])
    chatty = [asyncio.ensure_future(worker.transcribe(clip(10 + i), key="a")) for i in range(5)]
    others = [asyncio.ensure_future(worker.transcribe(clip(i), key=f"k{i}")) for i in (1, 2)]
    await asyncio.sleep(0)
    assert worker.pending == 3  # interview "a" holds one slot, not five
    engine.gate.set()
    assert [(await o).text for o in others] == ["1", "2"]
    assert (await chatty[-1]).text == "14"
    assert sum(isinstance(r, Superseded) for r in await asyncio.gather(*chatty, return_exceptions=True)) == 4
    assert engine.started == [9, 14, 1, 2]  # "a" kept the place of its first request
    await blocker
    worker.close()


async def test_full_queue_is_busy(engine: GatedEngine) -> None:
    worker = TranscriptionWorker(engine, threads=1, max_pending=2)
    running = asyncio.ensure_future(worker.transcribe(clip(1)))
    await until(lambda: engine.started == [1])
    queued = [asyncio.ensure_future(worker.transcribe(clip(i))) for i in (2, 3)]
    await asyncio.sleep(0)
    with pytest.raises(EngineBusy) as raised:
        await worker.transcribe(clip(4))
    assert raised.type is EngineBusy and raised.value.retryable
    engine.gate.set()
    assert [(await j).text for j in [running, *queued]] == ["1", "2", "3"]
    worker.close()


async def test_engine_errors_reach_the_caller() -> None:
    class Broken:
        def transcribe(self, audio: np.ndarray, beam_size: int | None = None) -> Transcript:
            raise RuntimeError("model exploded")

    worker = TranscriptionWorker(Broken(), threads=1)
    with pytest.raises(RuntimeError, match="exploded"):
        await worker.transcribe(clip(1), key="a")
    worker.close()
