"""One candidate over WebRTC: aiortc peer connection, non-trickle offer/answer."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcdatachannel import RTCDataChannel
from pydantic import ValidationError

from core.audio import AudioChunk
from core.errors import InvalidSdp
from core.events import ClientMessage, Event
from core.video import VideoFrame
from media.transport import Transport
from media.webrtc import speedups
from media.webrtc.jitter import tune_audio_jitter
from media.webrtc.tracks import OPUS_RATE, PacedAudioTrack, read_audio_chunks

log = logging.getLogger(__name__)
EVENTS_LABEL = "events"


@dataclass(frozen=True)
class WebRtcOptions:
    # aiortc's receiver waits for this many later packets before passing one on
    # (~20 ms each; aiortc's stock value is 4). 0 passes each packet on as soon as
    # it is next in order (media/webrtc/jitter.py). The server does not play this
    # audio, it transcribes it, and late packets are put back in order at any
    # value, so the wait buys nothing here; a player (the candidate) needs 1-4.
    jitter_prefetch: int = 0
    ice_servers: tuple[str, ...] = ()  # none: aiortc would otherwise ask Google's STUN server


class WebRtcTransport(Transport):
    """aiortc peer: inbound audio to chunks, outbound voice, `events` data channel."""

    kind = "webrtc"

    def __init__(self, options: WebRtcOptions | None = None) -> None:
        super().__init__(output_rate=OPUS_RATE)  # Opus runs at 48 kHz: no second resampling
        speedups.install()
        self.options = options or WebRtcOptions()
        servers = [RTCIceServer(urls=url) for url in self.options.ice_servers]
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=servers))
        self._channel: RTCDataChannel | None = None
        self._pending_events: deque[str] = deque(maxlen=200)
        self._tasks: set[asyncio.Task[None]] = set()
        self.outbound = PacedAudioTrack(self.output.pop_frame, OPUS_RATE)
        self.output.on_queued = self.outbound.wake  # a reply's first frame leaves at once
        self.video_track: MediaStreamTrack | None = None
        self._relay = MediaRelay()
        self.pc.on("track", self._on_track)
        self.pc.on("datachannel", self._on_datachannel)
        self.pc.on("connectionstatechange", self._on_state)

    async def accept(self, sdp: str, type_: str = "offer") -> RTCSessionDescription:
        """Apply the candidate's offer and return the complete answer."""
        if type_ != "offer" or "m=audio" not in sdp:
            await self.close()
            raise InvalidSdp("the offer must be an SDP offer with an audio track")
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type=type_))
            self.pc.addTrack(self.outbound)
            await self.pc.setLocalDescription(await self.pc.createAnswer())
        except Exception as exc:  # aiortc raises ValueError, KeyError, ... on bad SDP
            await self.close()
            raise InvalidSdp(f"could not use this offer: {exc}") from exc
        return self.pc.localDescription

    def _spawn(self, coro) -> None:  # type: ignore[no-untyped-def]
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio":
            self._tune_jitter_buffer(track)
            self._spawn(self._pump_audio(track))
        elif track.kind == "video":
            self.has_video = True
            self.video_track = track
            # Unread remote frames would queue up without limit inside aiortc: one
            # unbuffered relay subscriber always reads, others get the newest frame.
            self._spawn(self._drain_video(self._relay.subscribe(track, buffered=False)))

    def _tune_jitter_buffer(self, track: MediaStreamTrack) -> None:
        for transceiver in self.pc.getTransceivers():
            if transceiver.receiver.track is track:
                tune_audio_jitter(transceiver.receiver, self.options.jitter_prefetch)

    async def _pump_audio(self, track: MediaStreamTrack) -> None:
        async for pcm in read_audio_chunks(track):
            self._push_audio(AudioChunk(pcm, time.monotonic()))
        self._end_audio()

    async def _drain_video(self, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                await track.recv()

    async def video_frames(self, fps: float) -> AsyncIterator[VideoFrame]:
        if self.video_track is None:
            return
        latest = self._relay.subscribe(self.video_track, buffered=False)
        interval = 1.0 / fps
        try:
            while not self.closed.is_set():
                started = time.monotonic()
                frame = await latest.recv()
                rgb = frame.to_ndarray(format="rgb24")  # type: ignore[union-attr]
                yield VideoFrame(rgb, time.monotonic())
                await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))
        except MediaStreamError:
            return
        finally:
            latest.stop()

    def _on_datachannel(self, channel: RTCDataChannel) -> None:
        if channel.label != EVENTS_LABEL:
            return
        self._channel = channel
        channel.on("message", self._on_message)
        while self._pending_events:
            channel.send(self._pending_events.popleft())

    def _on_message(self, message: str | bytes) -> None:
        try:
            parsed = ClientMessage.model_validate(json.loads(message))
        except (ValueError, ValidationError):
            log.info("ignoring malformed data channel message")
            return
        if self.on_client_message is not None:
            self.on_client_message(parsed)

    async def _on_state(self) -> None:
        state = self.pc.connectionState
        if state == "connected":
            self.connected.set()
        elif state in ("failed", "closed"):
            await self.close()

    async def send_event(self, event: Event) -> None:
        payload = event.to_json()
        if self._channel is not None and self._channel.readyState == "open":
            self._channel.send(payload)
        else:
            self._pending_events.append(payload)

    async def close(self) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        self._end_audio()
        self.outbound.stop()
        await self.pc.close()
