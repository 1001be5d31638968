"""Recording one connection of a spoken interview, when the candidate agreed to it.

The part starts once the interview's clock is settled (after `InterviewSession.start`), so
its offset on that clock is exact: a segment at `start` seconds in the transcript is at
`start - part.start` seconds in the part's file. It ends when the interview ends (before the
report is written, so the file's length is the interview's) or when the connection closes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

import numpy as np

from core.audio import AudioChunk
from media.recording import CANDIDATE, INTERVIEWER, Recorder

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
        self._stopped = False

    @property
    def agreed(self) -> bool:
        return bool((self.session.interview.consent or {}).get("recording"))

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
        seconds = await asyncio.to_thread(recorder.close)
        log.info(
            "interview %s: recorded %.1f s to %s (encoding took %.2f s of CPU)",
            self.session.id,
            seconds,
            recorder.path.name,
            recorder.encode_cpu_s,
        )
