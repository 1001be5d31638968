"""A scripted candidate over real WebRTC, for the demo, the tests and the benchmarks.

It talks through a paced microphone track (silence until told to say a clip),
records everything it hears with arrival times, and collects the events sent
on the data channel. Signalling is handed in, so this module knows no HTTP.
"""

from __future__ import annotations

import asyncio
import fractions
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import av
import numpy as np
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from core.audio import CHUNK_SAMPLES, rms_dbfs
from media.webrtc import speedups
from media.webrtc.jitter import tune_audio_jitter
from media.webrtc.tracks import PacedAudioTrack, read_audio_chunks

Signal = Callable[[str], Awaitable[str]]  # offer SDP -> answer SDP
AUDIBLE_DBFS = -50.0


@dataclass
class _Clip:
    pcm: np.ndarray
    done: asyncio.Future[float]
    offset: int = 0


@dataclass
class HeardFrame:
    ts: float
    pcm: np.ndarray
    dbfs: float = field(init=False)

    def __post_init__(self) -> None:
        self.dbfs = rms_dbfs(self.pcm)


class ImageTrack(MediaStreamTrack):
    """A camera that shows `image` (RGB), changeable at any time, at `fps`."""

    kind = "video"

    def __init__(self, image: np.ndarray, fps: int = 10) -> None:
        super().__init__()
        self.image = image
        self.fps = fps
        self._pts = 0
        self._start: float | None = None

    async def recv(self) -> av.VideoFrame:
        if self._start is None:
            self._start = time.monotonic()
        delay = self._start + self._pts / self.fps - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        frame = av.VideoFrame.from_ndarray(self.image, format="rgb24")
        frame.pts = self._pts * (90_000 // self.fps)
        frame.time_base = fractions.Fraction(1, 90_000)
        self._pts += 1
        return frame


class CandidatePeer:
    """The candidate's side of an interview.

    `jitter_prefetch` is its audio receiver's delay in packets, as on the server
    (`media/webrtc/jitter.py`): None keeps aiortc's 4 (~80 ms). A browser adapts its
    own buffer (about 20-60 ms on a clean link), which no fixed value mirrors; the
    benchmarks pass 1 (20 ms) so that "first audible at the candidate" measures
    the server, not this test client.
    """

    def __init__(
        self,
        video: MediaStreamTrack | None = None,
        open_events: bool = True,
        jitter_prefetch: int | None = None,
    ) -> None:
        self.pc = RTCPeerConnection()
        speedups.install()
        self._clips: deque[_Clip] = deque()
        self.microphone = PacedAudioTrack(self._next_mic_frame)
        self.heard: list[HeardFrame] = []
        self.events: list[dict] = []
        self._event_waiters: list[tuple[Callable[[dict], bool], asyncio.Future[dict]]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        audio = self.pc.addTransceiver(self.microphone, direction="sendrecv")
        if jitter_prefetch is not None:
            tune_audio_jitter(audio.receiver, jitter_prefetch)
        if video is not None:
            self.pc.addTransceiver(video, direction="sendonly")
        if open_events:
            channel = self.pc.createDataChannel("events")
            channel.on("message", self._on_event)
        self.pc.on("track", self._on_track)

    async def connect(self, signal: Signal) -> None:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        answer = await signal(self.pc.localDescription.sdp)
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))

    async def say(self, pcm: np.ndarray) -> float:
        """Speak a clip; returns the monotonic time its last sample was sent."""
        done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._clips.append(_Clip(pcm.astype(np.int16), done))
        return await done

    def _next_mic_frame(self) -> np.ndarray | None:
        if not self._clips:
            return None
        clip = self._clips[0]
        frame = np.zeros(CHUNK_SAMPLES, dtype=np.int16)
        part = clip.pcm[clip.offset : clip.offset + CHUNK_SAMPLES]
        frame[: len(part)] = part
        clip.offset += CHUNK_SAMPLES
        if clip.offset >= len(clip.pcm):
            self._clips.popleft()
            if not clip.done.done():
                clip.done.set_result(time.monotonic())
        return frame

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio":
            task = asyncio.ensure_future(self._record(track))
            self._tasks.add(task)

    async def _record(self, track: MediaStreamTrack) -> None:
        async for pcm in read_audio_chunks(track):
            self.heard.append(HeardFrame(time.monotonic(), pcm))

    def _on_event(self, message: str | bytes) -> None:
        payload = json.loads(message)
        self.events.append(payload)
        for matcher, future in list(self._event_waiters):
            if not future.done() and matcher(payload):
                future.set_result(payload)
                self._event_waiters.remove((matcher, future))

    async def wait_event(
        self, type_: str, timeout: float = 30.0, after: int = 0, **data_match: object
    ) -> dict:
        """The first event of `type_` (index >= `after`) whose data contains `data_match`."""

        def matches(ev: dict) -> bool:
            data = ev.get("data", {})
            return ev["type"] == type_ and all(data.get(k) == v for k, v in data_match.items())

        for ev in self.events[after:]:
            if matches(ev):
                return ev
        future: asyncio.Future[dict] = asyncio.get_running_loop().create_future()
        self._event_waiters.append((matches, future))
        return await asyncio.wait_for(future, timeout)

    def first_audible_after(self, ts: float) -> float | None:
        """Arrival time of the first audible frame received after `ts`."""
        for frame in self.heard:
            if frame.ts > ts and frame.dbfs > AUDIBLE_DBFS:
                return frame.ts
        return None

    def heard_audio(self, start: float = 0.0, end: float = float("inf")) -> np.ndarray:
        frames = [f.pcm for f in self.heard if start <= f.ts <= end]
        return np.concatenate(frames) if frames else np.zeros(0, dtype=np.int16)

    async def close(self) -> None:
        self.microphone.stop()
        await self.pc.close()
        for task in self._tasks:
            task.cancel()
