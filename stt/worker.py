"""A bounded transcription queue shared by every session in the process."""

from __future__ import annotations

import asyncio
import queue
import threading
from concurrent.futures import Future

import numpy as np

from core.audio import to_float32
from core.errors import EngineBusy
from stt.whisper import Transcript, WhisperEngine


class TranscriptionWorker:
    """Worker threads in front of one Whisper engine.

    Blocking inference never runs on the event loop. The queue is bounded: when
    it is full, `transcribe` raises `EngineBusy` (retryable) instead of letting
    latency grow without limit.
    """

    def __init__(self, engine: WhisperEngine, threads: int = 1, max_pending: int = 16) -> None:
        self.engine = engine
        self._queue: queue.Queue[tuple[np.ndarray, int | None, Future[Transcript]] | None] = queue.Queue(
            maxsize=max_pending
        )
        self._threads = [
            threading.Thread(target=self._run, name=f"whisper-{i}", daemon=True) for i in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    async def transcribe(self, pcm: np.ndarray, beam_size: int | None = None) -> Transcript:
        """Transcribe int16 16 kHz PCM without blocking the loop."""
        future: Future[Transcript] = Future()
        try:
            self._queue.put_nowait((to_float32(pcm), beam_size, future))
        except queue.Full:
            raise EngineBusy("transcription queue is full") from None
        return await asyncio.wrap_future(future)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            audio, beam_size, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self.engine.transcribe(audio, beam_size))
            except Exception as exc:  # handed to the awaiting session
                future.set_exception(exc)

    def close(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
