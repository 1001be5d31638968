"""What the orchestrator needs from any connection: audio in, speech out, events out."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable

from core.audio import SAMPLE_RATE, AudioChunk
from core.events import ClientMessage, Event
from core.video import VideoFrame
from media.output import AudioOutput

MAX_QUEUED_CHUNKS = 1500  # 30 s of audio: more means a client sending faster than real time


class Transport(ABC):
    """One candidate connection."""

    kind = "unknown"

    def __init__(self, output_rate: int = SAMPLE_RATE) -> None:
        # the rate the far end is sent: speech is resampled once, to this
        self.output = AudioOutput(output_rate)
        self.closed = asyncio.Event()
        self.connected = asyncio.Event()
        self.on_client_message: Callable[[ClientMessage], None] | None = None
        self.has_video = False
        self._audio: asyncio.Queue[AudioChunk | None] = asyncio.Queue(maxsize=MAX_QUEUED_CHUNKS)
        self.dropped_chunks = 0
        self.on_audio: Callable[[AudioChunk], None] | None = None  # each chunk queued (the recording)

    async def video_frames(self, fps: float) -> AsyncIterator[VideoFrame]:
        """The newest camera frame, at most `fps` times a second (older ones are dropped).
        Transports without video yield nothing."""
        return
        yield  # an async generator with no items

    async def audio_chunks(self) -> AsyncIterator[AudioChunk]:
        """Candidate audio, 16 kHz mono int16, 20 ms chunks, until the connection ends."""
        while (chunk := await self._audio.get()) is not None:
            yield chunk

    def _push_audio(self, chunk: AudioChunk) -> None:
        """Queue candidate audio. Real speech arrives in real time and is never dropped;
        a flood beyond 30 s ahead of the listener is, so memory stays bounded."""
        try:
            self._audio.put_nowait(chunk)
        except asyncio.QueueFull:
            self.dropped_chunks += 1
            return
        if self.on_audio is not None:
            self.on_audio(chunk)

    def _end_audio(self) -> None:
        while True:
            try:
                self._audio.put_nowait(None)
                return
            except asyncio.QueueFull:
                self._audio.get_nowait()  # the end matters more than the oldest chunk

    @abstractmethod
    async def send_event(self, event: Event) -> None:
        """Deliver an event to the candidate's client, if it listens."""

    @abstractmethod
    async def close(self) -> None:
        """End the connection; `closed` is set afterwards."""

    async def clear(self) -> None:
        """Barge-in: stop the interviewer's queued speech (transports may tell the far end too)."""
        self.output.clear()
