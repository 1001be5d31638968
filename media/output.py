"""The interviewer's outgoing speech, shared by every transport.

A transport pulls 20 ms frames at real-time pace, at its own rate (48 kHz for
WebRTC, 8 kHz for a phone line); each sentence arrives at the rate its engine
made it and is resampled once, here. The output remembers how many samples of
each utterance really went out, so a barge-in records only what the candidate
could have heard.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.audio import CHUNK_MS, SAMPLE_RATE
from media.resample import resample_speech


@dataclass(frozen=True, slots=True)
class _Frame:
    pcm: np.ndarray
    utterance_id: str


class AudioOutput:
    """Queue of 20 ms int16 frames at `rate` with per-utterance playback accounting."""

    def __init__(self, rate: int = SAMPLE_RATE) -> None:
        self.rate = rate
        self.frame_samples = rate * CHUNK_MS // 1000
        self._frames: deque[_Frame] = deque()
        self._played: dict[str, int] = {}
        self._drained = asyncio.Event()
        self._drained.set()
        self._has_frames = asyncio.Event()
        self.on_first_frame: Callable[[str, float], None] | None = None
        self.on_queued: Callable[[], None] | None = None  # frames were queued (a paced sender wakes)
        # each frame as it leaves, with its monotonic time (the recording hears what was played)
        self.on_frame: Callable[[np.ndarray, float], None] | None = None

    def enqueue(self, pcm: np.ndarray, utterance_id: str, sample_rate: int = SAMPLE_RATE) -> int:
        """Queue speech made at `sample_rate`; returns the samples queued at the output
        rate (the last partial frame is padded with silence, and counts)."""
        pcm = resample_speech(pcm, sample_rate, self.rate)
        if len(pcm) == 0:
            return 0
        size = self.frame_samples
        padded = np.zeros(-(-len(pcm) // size) * size, dtype=np.int16)
        padded[: len(pcm)] = pcm
        for start in range(0, len(padded), size):
            self._frames.append(_Frame(padded[start : start + size], utterance_id))
        self._drained.clear()
        self._has_frames.set()
        if self.on_queued is not None:
            self.on_queued()
        return len(padded)

    def pop_frame(self) -> np.ndarray | None:
        """The next frame to send, or None when there is nothing to say."""
        if not self._frames:
            return None
        frame = self._frames.popleft()
        played = self._played.get(frame.utterance_id, 0)
        now = time.monotonic()
        if played == 0 and self.on_first_frame is not None:
            self.on_first_frame(frame.utterance_id, now)
        if self.on_frame is not None:
            self.on_frame(frame.pcm, now)
        self._played[frame.utterance_id] = played + len(frame.pcm)
        if not self._frames:
            self._drained.set()
            self._has_frames.clear()
        return frame.pcm

    async def wait_for_frames(self) -> None:
        """Wait until something is queued (for transports that send on demand)."""
        await self._has_frames.wait()

    def clear(self) -> None:
        """Drop everything not yet sent (barge-in)."""
        self._frames.clear()
        self._drained.set()
        self._has_frames.clear()

    def played_samples(self, utterance_id: str) -> int:
        """Samples of this utterance sent so far, at the output rate."""
        return self._played.get(utterance_id, 0)

    def played_seconds(self, utterance_id: str) -> float:
        return self.played_samples(utterance_id) / self.rate

    @property
    def playing(self) -> bool:
        return bool(self._frames)

    async def drained(self) -> None:
        await self._drained.wait()
