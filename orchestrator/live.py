"""Tells other processes how a driven interview stands (store/live.py): who drives it, its
phase, the current question and the time left, written whenever one of them changes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

from store.live import LiveSnapshot, LiveState

if TYPE_CHECKING:
    from orchestrator.record import InterviewRecord

log = logging.getLogger(__name__)
# events after which the snapshot is written again
LIVE_EVENTS = frozenset({"phase_update", "question", "followup", "time_remaining", "interview_ended"})
LIVE_TTL_S = 120.0  # a snapshot outlives its last write this long (then its worker is presumed gone)


def snapshot(record: InterviewRecord, worker_id: str) -> LiveSnapshot:
    q = record.current
    return LiveSnapshot(
        interview_id=record.id,
        worker_id=worker_id,
        status=record.status,
        phase=record.interview.phase,
        question_id=q.question_id if q is not None else None,
        question_index=record.interview.question_index,
        time_remaining_s=round(record.time_remaining(), 1),
        updated_at=time.time(),
    )


class LiveFeed:
    """One writer per interview: a change while a write is under way is written after it, so
    the newest snapshot always lands last, and the interview never waits on the write."""

    def __init__(self, record: InterviewRecord, live: LiveState, worker_id: str) -> None:
        self.record, self.live, self.worker_id = record, live, worker_id
        self._dirty = False
        self._writer: asyncio.Task[None] | None = None

    def changed(self) -> None:
        self._dirty = True
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write())

    async def _write(self) -> None:
        while self._dirty:
            self._dirty = False
            try:
                await self.live.put(snapshot(self.record, self.worker_id), LIVE_TTL_S)
            except Exception as exc:  # live state is a view: the interview goes on without it
                log.warning("interview %s: live state not written (%s)", self.record.id, exc)

    async def flush(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                await self._writer
