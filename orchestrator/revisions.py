"""The revisions an interview's session waits for: answers handed to the accurate pass
(orchestrator/refine_jobs.py), which any worker may run. The worker tells the session on the
interview's internal topic how each went; the session then grades with the better text, and
its report waits for what is still under way, for a while."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from core.events import Event
from orchestrator.refine_jobs import results_topic
from store.bus import EventBus, Subscription
from store.models import SegmentRow

log = logging.getLogger(__name__)
# what the session does with a revision: (segment, text, words, model)
Apply = Callable[[SegmentRow, str, list[Any], str], None]


class Revisions:
    """Pending revisions of one interview, by segment id."""

    def __init__(self, bus: EventBus, interview_id: str, apply: Apply) -> None:
        self.bus, self.interview_id, self._apply = bus, interview_id, apply
        self._pending: dict[int, tuple[SegmentRow, asyncio.Future[bool]]] = {}
        self._listening: Subscription | None = None
        self._listener: asyncio.Task[None] | None = None
        self.closed = False  # the report has read the transcript: later revisions are ignored

    def expect(self, segment: SegmentRow) -> None:
        """A job for `segment` is (about to be) queued: listen for its outcome."""
        assert segment.id is not None
        if self.closed:
            return
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending[segment.id] = (segment, future)
        if self._listening is None:  # subscribed before the job is queued: no outcome is missed
            self._listening = self.bus.subscribe(results_topic(self.interview_id), "recruiter")
            self._listener = asyncio.ensure_future(self._listen(self._listening))

    def failed(self, segment_id: int) -> None:
        """The job could not even be queued: the fast text stays, nothing to wait for."""
        self._settle(segment_id, False)

    async def _listen(self, subscription: Subscription) -> None:
        async for notice in subscription:
            self._heard(notice)
            if not self._pending:  # nothing to wait for: stop listening (no await in between)
                subscription.close()
                self._listening = None
                return

    def _heard(self, notice: Event) -> None:
        segment_id = notice.data.get("segment_id")
        if notice.type != "metrics" or not isinstance(segment_id, int) or segment_id not in self._pending:
            return
        revised = bool(notice.data.get("revised"))
        if revised and not self.closed:
            segment = self._pending[segment_id][0]
            self._apply(segment, notice.data["text"], notice.data["words"], notice.data["stt_model"])
        self._settle(segment_id, revised)

    def _settle(self, segment_id: int, revised: bool) -> None:
        entry = self._pending.pop(segment_id, None)
        if entry is not None and not entry[1].done():
            entry[1].set_result(revised)

    async def wait(self, timeout_s: float) -> int:
        """Wait for the pending ones (`timeout_s` at most), then close; how many were late."""
        futures = [future for _, future in self._pending.values()]
        late: set[asyncio.Future[bool]] = set()
        if futures:
            _, late = await asyncio.wait(futures, timeout=timeout_s)
        self.closed = True
        self._pending.clear()
        if self._listening is not None and self._listener is not None:
            self._listening.close()
            self._listener.cancel()
            self._listening = self._listener = None
        return len(late)
