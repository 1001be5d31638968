"""One candidate in a LiveKit room: the server's interviewer joins with the livekit rtc SDK,
listens to the candidate's microphone (and camera) and publishes its voice."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from livekit import rtc

from core.audio import CHUNK_MS, SAMPLE_RATE, AudioChunk, Rechunker
from core.errors import MediaServerUnavailable
from core.events import Event
from core.video import VideoFrame
from media.livekit.frames import VOICE_RATE, LatestFrame, audio_pcm, video_rgb, voice_frame
from media.livekit.tokens import CANDIDATE_IDENTITY
from media.transport import Transport

log = logging.getLogger(__name__)
FRAME_S = CHUNK_MS / 1000
# The voice is handed to the SDK this far ahead of the wall clock, so its 10 ms pulls never find
# the queue empty; a barge-in clears that lead too (AudioSource.clear_queue).
LEAD_S = 0.06


class LiveKitTransport(Transport):
    """The interviewer's side of an interview's room. `connected` once the candidate's
    microphone is subscribed; `closed` when the candidate leaves or the room disconnects.

    Events reach the candidate over the events WebSocket (the room's token grants the
    candidate no data messages), so `send_event` has nothing to send."""

    kind = "livekit"

    def __init__(self, *, expect_video: bool, candidate_identity: str = CANDIDATE_IDENTITY) -> None:
        super().__init__(output_rate=VOICE_RATE)
        self.candidate_identity = candidate_identity
        # known before the candidate arrives, so the session can plan attention and video recording
        self.has_video = expect_video
        self.room = rtc.Room()
        self.source = rtc.AudioSource(VOICE_RATE, 1, queue_size_ms=200)
        self.voice = rtc.LocalAudioTrack.create_audio_track("interviewer-voice", self.source)
        self.frames = LatestFrame()
        self.candidate_sid: str | None = None  # whose microphone is heard
        self._audio_task: asyncio.Task[None] | None = None
        self._video_task: asyncio.Task[None] | None = None
        self._sender: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.room.on("track_subscribed", self.on_track_subscribed)
        self.room.on("participant_disconnected", self.on_participant_disconnected)
        self.room.on("disconnected", self.on_disconnected)

    async def join(self, url: str, token: str, timeout_s: float) -> None:
        """Join the room and publish the voice; MediaServerUnavailable (and closed) when the
        server cannot be reached in `timeout_s` (the SDK's own timeout does not cover a server
        that accepts the connection and never answers)."""
        try:
            options = rtc.RoomOptions(auto_subscribe=True, connect_timeout=timeout_s)
            await asyncio.wait_for(self.room.connect(url, token, options), timeout_s)
            publish = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
            await asyncio.wait_for(self.room.local_participant.publish_track(self.voice, publish), timeout_s)
        except Exception as exc:  # rtc.ConnectError, TimeoutError, a refused publish
            await self.close()
            reason = "timed out" if isinstance(exc, TimeoutError) else str(exc)
            raise MediaServerUnavailable(
                f"the interviewer could not join the LiveKit room: {reason}", {"url": url}
            ) from exc
        self.start_voice()
        self._subscribe_present()

    def start_voice(self) -> None:
        """Start sending the interviewer's speech to the published track (join does)."""
        if self._sender is None:
            self._sender = self._spawn(self._send_voice())

    def _subscribe_present(self) -> None:
        """Tracks subscribed before the handlers could see them (a candidate already in the room)."""
        for participant in self.room.remote_participants.values():
            for publication in participant.track_publications.values():
                if publication.subscribed and publication.track is not None:
                    self.on_track_subscribed(publication.track, publication, participant)

    # -- the SDK's room events (plain callbacks, on the event loop) -----------------------
    def on_track_subscribed(self, track: rtc.Track, publication: Any, participant: Any) -> None:
        if participant.identity != self.candidate_identity or self.closed.is_set():
            return  # another interviewer connection, or a stray participant: not heard
        if track.kind == rtc.TrackKind.KIND_AUDIO:
            self.candidate_sid = participant.sid  # a reconnected candidate replaces the older one
            if self._audio_task is not None:
                self._audio_task.cancel()
            audio = rtc.AudioStream(track, sample_rate=SAMPLE_RATE, num_channels=1, frame_size_ms=CHUNK_MS)
            self._audio_task = self._spawn(self._pump_audio(audio))
            self.connected.set()
        elif track.kind == rtc.TrackKind.KIND_VIDEO and self.has_video:
            if self._video_task is not None:
                self._video_task.cancel()
            video = rtc.VideoStream(track, format=rtc.VideoBufferType.RGB24)
            self._video_task = self._spawn(self._pump_video(video))

    def on_participant_disconnected(self, participant: Any) -> None:
        if participant.identity == self.candidate_identity and participant.sid == self.candidate_sid:
            log.info("the candidate left the room")
            self._spawn(self.close())

    def on_disconnected(self, reason: Any = None) -> None:
        log.info("the interviewer left the room: %s", reason)
        self._spawn(self.close())

    # -- media ------------------------------------------------------------------------------
    async def _pump_audio(self, stream: rtc.AudioStream) -> None:
        rechunker = Rechunker()
        try:
            async for received in stream:
                for pcm in rechunker.push(audio_pcm(received.frame)):
                    self._push_audio(AudioChunk(pcm, time.monotonic()))
        finally:
            await stream.aclose()

    async def _pump_video(self, stream: rtc.VideoStream) -> None:
        try:
            async for received in stream:
                self.frames.publish(VideoFrame(video_rgb(received.frame), time.monotonic()))
        finally:
            await stream.aclose()

    async def video_frames(self, fps: float) -> AsyncIterator[VideoFrame]:
        if not self.has_video:
            return
        interval, seen = 1.0 / fps, None
        while (frame := await self.frames.newer_than(seen, self.closed)) is not None:
            started, seen = time.monotonic(), frame
            yield frame
            await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))

    async def _send_voice(self) -> None:
        """The interviewer's speech, one 20 ms frame per 20 ms while there is any (the SDK
        sends silence in between)."""
        while not self.closed.is_set():
            await self.output.wait_for_frames()
            due = time.monotonic()
            while (pcm := self.output.pop_frame()) is not None:
                await self.source.capture_frame(voice_frame(pcm))
                due += FRAME_S
                await asyncio.sleep(max(0.0, due - LEAD_S - time.monotonic()))

    async def clear(self) -> None:
        """Barge-in: what is queued here and in the SDK is dropped."""
        self.output.clear()
        self.source.clear_queue()

    async def send_event(self, event: Event) -> None:
        return None  # the candidate's events travel over the events WebSocket

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def close(self) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        self._end_audio()
        current = asyncio.current_task()
        for task in (self._sender, self._audio_task, self._video_task):
            if task is not None and task is not current:
                task.cancel()
        with contextlib.suppress(Exception):
            await self.room.disconnect()
        with contextlib.suppress(Exception):
            await self.source.aclose()
