"""What the orchestrator needs from any connection: audio in, speech out, events out."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable

from core.audio import AudioChunk
from core.events import ClientMessage, Event
from core.video import VideoFrame
from media.output import AudioOutput


class Transport(ABC):
    """One candidate connection."""

    def __init__(self) -> None:
        self.output = AudioOutput()
        self.closed = asyncio.Event()
        self.connected = asyncio.Event()
        self.on_client_message: Callable[[ClientMessage], None] | None = None
        self.has_video = False
        self._audio: asyncio.Queue[AudioChunk | None] = asyncio.Queue()

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
        self._audio.put_nowait(chunk)

    def _end_audio(self) -> None:
        self._audio.put_nowait(None)

    @abstractmethod
    async def send_event(self, event: Event) -> None:
        """Deliver an event to the candidate's client, if it listens."""

    @abstractmethod
    async def close(self) -> None:
        """End the connection; `closed` is set afterwards."""
