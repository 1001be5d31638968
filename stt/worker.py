"""A bounded transcription queue shared by every session in the process.

Each interview (a `key`) has at most one job waiting: a newer request for the
same key replaces the queued one (a speculative transcript nobody wants any
more is never computed), and a key's next job does not start while its
previous one is still running. Workers take the oldest waiting job of a key
that is not running, so one interview cannot hold the queue while others wait.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from core.audio import to_float32
from core.errors import EngineBusy
from stt.whisper import Transcript


class Engine(Protocol):
    def transcribe(self, audio: np.ndarray, beam_size: int | None = None) -> Transcript: ...


class Superseded(EngineBusy):
    """A newer request for the same key replaced this job before it ran."""


@dataclass
class _Job:
    key: str
    audio: np.ndarray
    beam_size: int | None
    future: Future[Transcript] = field(default_factory=Future)


class TranscriptionWorker:
    """Worker threads in front of one Whisper engine.

    Blocking inference never runs on the event loop. The queue is bounded: when
    it is full, `transcribe` raises `EngineBusy` (retryable) instead of letting
    latency grow without limit. `threads` should match the engine's replicas
    (`SttOptions.num_workers`): more threads than replicas only wait on them.
    """

    def __init__(
        self,
        engine: Engine,  # a WhisperEngine, or a fake in unit tests
        threads: int = 1,
        max_pending: int = 16,
    ) -> None:
        self.engine = engine
        self.max_pending = max_pending
        self._cond = threading.Condition()
        self._waiting: dict[str, _Job] = {}  # insertion order is the queue order
        self._running: set[str] = set()
        self._closed = False
        self._anonymous = itertools.count()
        self._threads = [
            threading.Thread(target=self._run, name=f"whisper-{i}", daemon=True) for i in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    async def transcribe(
        self, pcm: np.ndarray, beam_size: int | None = None, key: str | None = None
    ) -> Transcript:
        """Transcribe int16 16 kHz PCM without blocking the loop.

        With a `key` (an interview id), this request replaces a queued one of the
        same key, which then raises `Superseded`. Cancelling the awaiting task
        takes a job that has not started off the queue.
        """
        key = key if key is not None else f"anonymous-{next(self._anonymous)}"
        job = _Job(key, to_float32(pcm), beam_size)
        self._submit(job)
        job.future.add_done_callback(lambda _: self._forget(job))
        return await asyncio.wrap_future(job.future)

    def _submit(self, job: _Job) -> None:
        with self._cond:
            if self._closed:
                raise EngineBusy("transcription worker is closed")
            replaced = self._waiting.get(job.key)
            if replaced is None and len(self._waiting) >= self.max_pending:
                raise EngineBusy("transcription queue is full")
            self._waiting[job.key] = job  # a replaced job keeps its place in the queue
            self._cond.notify()
        if replaced is not None:
            replaced.future.set_exception(Superseded("a newer request for the same key replaced this one"))

    def _forget(self, job: _Job) -> None:
        """A job cancelled (or superseded) while waiting gives its queue slot back."""
        with self._cond:
            if self._waiting.get(job.key) is job:
                del self._waiting[job.key]

    def _next_job(self) -> _Job | None:
        with self._cond:
            while True:
                if self._closed:
                    return None
                job = next((j for j in self._waiting.values() if j.key not in self._running), None)
                if job is not None:
                    del self._waiting[job.key]
                    if job.future.set_running_or_notify_cancel():
                        self._running.add(job.key)
                        return job
                    continue
                self._cond.wait()

    def _run(self) -> None:
        while (job := self._next_job()) is not None:
            try:
                job.future.set_result(self.engine.transcribe(job.audio, job.beam_size))
            except Exception as exc:  # handed to the awaiting session
                job.future.set_exception(exc)
            finally:
                with self._cond:
                    self._running.discard(job.key)
                    self._cond.notify_all()  # this key's waiting job may start now

    @property
    def pending(self) -> int:
        """Jobs waiting (not running)."""
        with self._cond:
            return len(self._waiting)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            waiting = list(self._waiting.values())
            self._waiting.clear()
            self._cond.notify_all()
        for job in waiting:
            job.future.cancel()
