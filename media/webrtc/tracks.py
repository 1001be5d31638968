"""aiortc tracks: the interviewer's paced outbound voice, and inbound conversion."""

from __future__ import annotations

import asyncio
import fractions
import time
from collections.abc import AsyncIterator, Callable
from typing import cast

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from core.audio import CHUNK_MS, SAMPLE_RATE, Rechunker

OPUS_RATE = 48_000  # what aiortc's Opus encoder runs at: frames at this rate are not resampled again


class PacedAudioTrack(MediaStreamTrack):
    """Sends one 20 ms frame per 20 ms of wall time, pulled from `next_pcm`.

    aiortc's sender calls `recv` in a loop and the track sets the pace; we wait
    for the frame's due time (a deadline, not a polling loop) and send silence
    when there is nothing to say, so the RTP clock keeps running. While silent,
    `wake()` (new speech queued) ends the wait at once: a reply's first frame
    goes out now, not at the next 20 ms tick. That runs the clock up to 20 ms
    early; the silence after the reply gives it back, 1 ms a frame.
    """

    kind = "audio"
    CATCH_UP_S = 0.001  # per silent frame: a gap no one hears

    def __init__(self, next_pcm: Callable[[], np.ndarray | None], rate: int = SAMPLE_RATE) -> None:
        super().__init__()
        self._next_pcm = next_pcm
        self.rate = rate
        self.frame_samples = rate * CHUNK_MS // 1000
        self._silence = np.zeros(self.frame_samples, dtype=np.int16)
        self._pts = 0
        self._start: float | None = None
        self._silent = True  # the last frame sent was silence
        self._early_s = 0.0  # how far ahead of its schedule the clock runs
        self._waker: asyncio.Future[bool] | None = None
        self.on_sent: Callable[[np.ndarray, float], None] | None = None

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        delay = self._start + self._pts / self.rate - time.monotonic()
        if delay > 0 and await self._sleep(delay):
            early = max(0.0, self._start + self._pts / self.rate - time.monotonic())
            self._start -= early
            self._early_s += early
        pcm = self._next_pcm()
        self._silent = pcm is None
        if pcm is None:
            pcm = self._silence
            if self._early_s > 0:
                step = min(self._early_s, self.CATCH_UP_S)
                self._start += step
                self._early_s -= step
        if self.on_sent is not None:
            self.on_sent(pcm, time.monotonic())
        return pcm_to_frame(pcm, self._advance(), self.rate)

    async def _sleep(self, delay: float) -> bool:
        """Wait `delay` seconds; True when `wake` ended the wait early."""
        loop = asyncio.get_running_loop()
        self._waker = waker = loop.create_future()
        timer = loop.call_later(delay, _resolve, waker, False)
        try:
            return await waker
        finally:
            timer.cancel()
            self._waker = None

    def wake(self) -> None:
        """Speech was queued: a silent track sends it without waiting for the tick."""
        if self._silent and self._waker is not None:
            _resolve(self._waker, True)

    def _advance(self) -> int:
        pts = self._pts
        self._pts += self.frame_samples
        return pts


def _resolve(future: asyncio.Future[bool], value: bool) -> None:
    if not future.done():
        future.set_result(value)


def pcm_to_frame(pcm: np.ndarray, pts: int, rate: int = SAMPLE_RATE) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = rate
    frame.pts = pts
    frame.time_base = fractions.Fraction(1, rate)
    return frame


async def read_audio_chunks(track: MediaStreamTrack) -> AsyncIterator[np.ndarray]:
    """Decoded inbound frames (48 kHz Opus) as 16 kHz mono int16 20 ms chunks."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    rechunker = Rechunker()
    while True:
        try:
            frame = cast(av.AudioFrame, await track.recv())
        except MediaStreamError:
            return
        for out in resampler.resample(frame):
            for chunk in rechunker.push(out.to_ndarray().reshape(-1)):
                yield chunk
