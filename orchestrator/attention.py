"""The camera side of one interview: newest frame at a few fps -> vision worker ->
samples stored in batches, `attention_update` events, and the report section."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import cv2

from core.events import event
from media.transport import Transport
from orchestrator.session import InterviewSession
from vision.attention import AttentionSample, AttentionTracker, flags, summarize
from vision.worker import VisionWorker

log = logging.getLogger(__name__)
MAX_WIDTH = 640  # larger frames are scaled down before analysis
UPDATE_EVERY_S = 5.0


class AttentionMonitor:
    """Runs while the candidate's camera sends frames."""

    def __init__(
        self,
        session: InterviewSession,
        transport: Transport,
        worker: VisionWorker,
        fps: float,
        answering: Callable[[], bool],
    ) -> None:
        self.session, self.transport, self.worker = session, transport, worker
        self.fps = fps
        self.answering = answering
        self.tracker = AttentionTracker()
        self.samples: list[AttentionSample] = []
        self._unsaved: list[AttentionSample] = []

    async def run(self) -> None:
        last_update = time.monotonic()
        try:
            async for frame in self.transport.video_frames(self.fps):
                rgb = frame.rgb
                if rgb.shape[1] > MAX_WIDTH:
                    rgb = cv2.resize(rgb, (MAX_WIDTH, rgb.shape[0] * MAX_WIDTH // rgb.shape[1]))
                signals = await self.worker.analyze(rgb, self.session.elapsed(frame.ts))
                q = self.session.current
                sample = self.tracker.add(signals, q.question_id if q else None, self.answering())
                self.samples.append(sample)
                self._unsaved.append(sample)
                if time.monotonic() - last_update >= UPDATE_EVERY_S:
                    last_update = time.monotonic()
                    await self.flush()
                    await self.session.emit(event("attention_update", **self.live_figures()))
        finally:
            with contextlib.suppress(Exception):
                await self.flush()

    def live_figures(self) -> dict[str, Any]:
        figures = summarize(self.samples)
        return {
            "video_seconds": figures["video_seconds"],
            "present_share": figures["present_share"],
            "looking_at_screen_share": figures["looking_at_screen_share"],
            "faces": self.samples[-1].faces if self.samples else 0,
            "flags": [f["type"] for f in flags(self.samples)],
        }

    async def flush(self) -> None:
        """Store the samples not stored yet (before the report is written, too)."""
        batch, self._unsaved = self._unsaved, []
        if batch:
            await asyncio.to_thread(
                self.session.repo.add_attention_samples,
                self.session.id,
                [s.to_dict() for s in batch],
                self.session.fence,
            )
