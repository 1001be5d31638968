"""The interviewer's outgoing speech, shared by every transport.

A transport pulls 20 ms frames at real-time pace; the output remembers how
many samples of each utterance really went out, so a barge-in records only
what the candidate could have heard.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.audio import CHUNK_SAMPLES


@dataclass(frozen=True, slots=True)
class _Frame:
    pcm: np.ndarray
    utterance_id: str


class AudioOutput:
    """Queue of 20 ms int16 16 kHz frames with per-utterance playback accounting."""

    def __init__(self) -> None:
        self._frames: deque[_Frame] = deque()
        self._played: dict[str, int] = {}
        self._drained = asyncio.Event()
        self._drained.set()
        self._has_frames = asyncio.Event()
        self.on_first_frame: Callable[[str, float], None] | None = None

    def enqueue(self, pcm: np.ndarray, utterance_id: str) -> None:
        """Queue speech; the last partial frame is padded with silence."""
        if len(pcm) == 0:
            return
        padded = np.zeros(-(-len(pcm) // CHUNK_SAMPLES) * CHUNK_SAMPLES, dtype=np.int16)
        padded[: len(pcm)] = pcm
        for start in range(0, len(padded), CHUNK_SAMPLES):
            self._frames.append(_Frame(padded[start : start + CHUNK_SAMPLES], utterance_id))
        self._drained.clear()
        self._has_frames.set()

    def pop_frame(self) -> np.ndarray | None:
        """The next frame to send, or None when there is nothing to say."""
        if not self._frames:
            return None
        frame = self._frames.popleft()
        played = self._played.get(frame.utterance_id, 0)
        if played == 0 and self.on_first_frame is not None:
            self.on_first_frame(frame.utterance_id, time.monotonic())
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
        return self._played.get(utterance_id, 0)

    @property
    def playing(self) -> bool:
        return bool(self._frames)

    async def drained(self) -> None:
        await self._drained.wait()
