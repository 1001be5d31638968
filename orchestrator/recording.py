"""Recording one connection of a spoken interview, when the candidate agreed to it.

The part starts once the interview's clock is settled (after `InterviewSession.start`), so
its offset on that clock is exact: a segment at `start` seconds in the transcript is at
`start - part.start` seconds in the part's file. It ends when the interview ends (before the
report is written, so the file's length is the interview's) or when the connection closes.

The camera is recorded beside it (`part-<n>.webm`, same clock) only when the operator turned
video recording on, the interview is a video interview with a camera track, and the candidate
agreed to a video recording, separately from the voice recording and the camera analysis.
The video has its own subscriber to the camera (`Transport.video_frames`), so the attention
monitor sees every frame it saw before.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

import numpy as np

from core.audio import AudioChunk
from media.recording import CANDIDATE, INTERVIEWER, Recorder
from media.video_recording import VideoRecorder

if TYPE_CHECKING:
    from media.recordings import Recordings
    from media.transport import Transport
    from orchestrator.record import InterviewRecord

log = logging.getLogger(__name__)


class LiveRecording:
    """Feeds a transport's audio both ways to a `Recorder` between `begin` and `stop`."""

    def __init__(self, recordings: Recordings, session: InterviewRecord, transport: Transport) -> None:
        self.recordings = recordings
        self.session = session
        self.transport = transport
        self.recorder: Recorder | None = None
        self.video: VideoRecorder | None = None
        self._video_task: asyncio.Task[None] | None = None
        self._stopped = False

    @property
    def agreed(self) -> bool:
        return bool((self.session.interview.consent or {}).get("recording"))

    @property
    def video_wanted(self) -> bool:
        """The operator's setting, the candidate's own agreement, a video interview, a camera."""
        return (
            self.recordings.video
            and bool((self.session.interview.consent or {}).get("video_recording"))
            and self.session.interview.mode == "video"
            and self.transport.has_video
        )

    def begin(self) -> None:
        """Open the next part (no-op without the candidate's consent, or once stopped). On the
        event loop: creating a file takes ~1 ms, and nothing can be cancelled half way."""
        if self.recorder is not None or self._stopped or not self.agreed:
            return
        origin = time.monotonic()
        try:
            self.recorder = self.recordings.begin(
                self.session.id,
                origin,
                self.session.elapsed(origin),
                self.transport.output.rate,
                self.transport.kind,
            )
        except Exception:  # no recording is no reason to stop the interview
            log.exception("interview %s: could not start the recording", self.session.id)
            return
        self.transport.on_audio = self._candidate
        self.transport.output.on_frame = self._interviewer
        if self.video_wanted:
            self._begin_video(self.recorder)

    def _begin_video(self, audio: Recorder) -> None:
        try:
            self.video = self.recordings.begin_video(audio)
        except Exception:
            log.exception("interview %s: could not start the video recording", self.session.id)
            return
        self._video_task = asyncio.ensure_future(self._feed_video(self.video))

    async def _feed_video(self, video: VideoRecorder) -> None:
        async for frame in self.transport.video_frames(self.recordings.video_options.fps):
            video.add(frame)

    def _candidate(self, chunk: AudioChunk) -> None:
        if self.recorder is not None:
            self.recorder.add(CANDIDATE, chunk.pcm, chunk.ts)

    def _interviewer(self, pcm: np.ndarray, at: float) -> None:
        if self.recorder is not None:
            self.recorder.add(INTERVIEWER, pcm, at)

    async def stop(self) -> None:
        """Finish the file with everything heard up to now. Idempotent."""
        self._stopped = True
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return
        self.transport.on_audio = None
        self.transport.output.on_frame = None
        end = time.monotonic()
        await self._stop_video(end)
        seconds = await asyncio.to_thread(recorder.close)
        log.info(
            "interview %s: recorded %.1f s to %s (encoding took %.2f s of CPU)",
            self.session.id,
            seconds,
            recorder.path.name,
            recorder.encode_cpu_s,
        )

    async def _stop_video(self, end: float) -> None:
        video, self.video = self.video, None
        if self._video_task is not None:
            self._video_task.cancel()
            await asyncio.gather(self._video_task, return_exceptions=True)
            self._video_task = None
        if video is None:
            return
        frames = await asyncio.to_thread(video.close, end)
        log.info(
            "interview %s: recorded %d video frames to %s (%.1f ms a frame to scale and encode)",
            self.session.id,
            frames,
            video.path.name,
            video.encode_ms_per_frame,
        )
