"""The accurate second pass: a larger Whisper model re-transcribes finished answers
in the background, so the stored transcript and the report read better text.

The fast model (tiny.en) still decides turns and writes live captions; this worker
must never slow that down. It runs in its own thread at the lowest CPU priority
(nice 19): the engine is loaded inside that thread, so CTranslate2's compute
threads, created at load, inherit the priority. On a busy machine the kernel gives
it what the turn path leaves; on an idle one it runs at full speed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Protocol

import numpy as np

from core.audio import to_float32
from core.errors import EngineBusy
from stt.whisper import Transcript

log = logging.getLogger(__name__)
LOWEST_PRIORITY = 19


class Engine(Protocol):
    def transcribe(self, audio: np.ndarray, beam_size: int | None = None) -> Transcript: ...


_Job = tuple[np.ndarray, int | None, "Future[Transcript]"]


class Refiner:
    """One background thread in front of one accurate engine, with a bounded queue.

    `load` builds the engine (in the worker thread, on the first job), `model` is the
    name stored with each revised segment. A full queue raises `EngineBusy`: the fast
    text stays, nothing waits.
    """

    def __init__(
        self,
        load: Callable[[], Engine],
        model: str,
        max_pending: int = 32,
        nice: int = LOWEST_PRIORITY,
    ) -> None:
        self.model = model
        self._load = load
        self._nice = nice
        self._queue: queue.Queue[_Job | None] = queue.Queue(maxsize=max_pending)
        self._thread = threading.Thread(target=self._run, name="whisper-refine", daemon=True)
        self._thread.start()

    async def transcribe(self, pcm: np.ndarray, beam_size: int | None = None) -> Transcript:
        """Transcribe int16 16 kHz PCM in the background; the loop is never blocked."""
        future: Future[Transcript] = Future()
        try:
            self._queue.put_nowait((to_float32(pcm), beam_size, future))
        except queue.Full:
            raise EngineBusy("refinement queue is full") from None
        return await asyncio.wrap_future(future)

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def _run(self) -> None:
        _lower_priority(self._nice)
        engine: Engine | None = None
        load_error: Exception | None = None
        while (job := self._queue.get()) is not None:
            audio, beam_size, future = job
            if not future.set_running_or_notify_cancel():
                continue
            if engine is None and load_error is None:
                try:
                    engine = self._load()
                except Exception as exc:  # every job then fails: the fast text stays
                    log.exception("accurate model %s could not be loaded", self.model)
                    load_error = exc
            try:
                if engine is None:
                    raise RuntimeError(f"accurate model unavailable: {load_error}")
                future.set_result(engine.transcribe(audio, beam_size))
            except Exception as exc:  # handed to the awaiting revision
                future.set_exception(exc)

    def close(self) -> None:
        with contextlib.suppress(queue.Full):  # else the daemon thread ends with the process
            self._queue.put_nowait(None)


def _lower_priority(nice: int) -> None:
    """Nice this thread (Linux: per thread); threads it creates inherit the value."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), max(current, nice))
    except OSError as exc:
        log.warning("could not lower the refiner's priority: %s", exc)
