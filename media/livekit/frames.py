"""Between the LiveKit SDK's frames and the server's: 16 kHz mono chunks in, 48 kHz speech out,
and the newest camera picture for whoever asks."""

from __future__ import annotations

import asyncio

import numpy as np
from livekit import rtc

from core.video import VideoFrame

VOICE_RATE = 48_000  # the interviewer's voice goes out at Opus's rate: no second resampling


def audio_pcm(frame: rtc.AudioFrame) -> np.ndarray:
    """An SDK audio frame's samples as int16 mono (an AudioStream made with num_channels=1)."""
    pcm = np.frombuffer(frame.data, dtype=np.int16)
    if frame.num_channels > 1:
        pcm = pcm.reshape(-1, frame.num_channels)[:, 0]
    return pcm.copy()  # the SDK may reuse its buffer


def voice_frame(pcm: np.ndarray, rate: int = VOICE_RATE) -> rtc.AudioFrame:
    """An AudioOutput frame (int16 mono at `rate`) as the SDK's frame."""
    return rtc.AudioFrame(pcm.astype(np.int16, copy=False).tobytes(), rate, 1, len(pcm))


# where R, G and B sit in the packed four-byte formats (the SDK converts only YUV to RGB24)
PACKED_RGB = {
    rtc.VideoBufferType.RGBA: [0, 1, 2],
    rtc.VideoBufferType.BGRA: [2, 1, 0],
    rtc.VideoBufferType.ARGB: [1, 2, 3],
    rtc.VideoBufferType.ABGR: [3, 2, 1],
}


def video_rgb(frame: rtc.VideoFrame) -> np.ndarray:
    """An SDK video frame as an RGB array (height, width, 3)."""
    channels = PACKED_RGB.get(frame.type)
    if channels is not None:
        packed = np.frombuffer(frame.data, dtype=np.uint8).reshape(frame.height, frame.width, 4)
        return np.ascontiguousarray(packed[..., channels])
    if frame.type != rtc.VideoBufferType.RGB24:
        frame = frame.convert(rtc.VideoBufferType.RGB24)  # I420 and the other YUV layouts
    data = np.frombuffer(frame.data, dtype=np.uint8)
    return data.reshape(frame.height, frame.width, 3).copy()


class LatestFrame:
    """The newest camera frame; any number of readers wait for a newer one (older ones are
    never queued, so a slow reader only skips frames)."""

    def __init__(self) -> None:
        self.latest: VideoFrame | None = None
        self._changed = asyncio.Event()

    def publish(self, frame: VideoFrame) -> None:
        self.latest = frame
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def newer_than(self, seen: VideoFrame | None, stop: asyncio.Event) -> VideoFrame | None:
        """A frame other than `seen`, or None once `stop` is set."""
        while self.latest is None or self.latest is seen:
            if stop.is_set():
                return None
            waits = [asyncio.ensure_future(self._changed.wait()), asyncio.ensure_future(stop.wait())]
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for wait in waits:
                    wait.cancel()
        return None if stop.is_set() else self.latest
