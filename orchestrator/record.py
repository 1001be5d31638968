"""What one interview keeps: its clock, its state in the store, its events, its transcript
and, at the end, its report. `InterviewSession` (orchestrator/session.py) adds the
conversation on top; nothing here decides what the interviewer says."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from core.errors import InterviewEnded
from core.events import Event, event, format_seconds, utc_now
from orchestrator.attention_report import attention_section
from orchestrator.live import LIVE_EVENTS
from orchestrator.refine_jobs import transcript_event
from orchestrator.report import build_report
from orchestrator.revisions import Revisions
from store.bus import EventBus
from store.models import InterviewRow, QuestionRow, SegmentRow
from store.repository import InterviewRepository

if TYPE_CHECKING:
    from orchestrator.grading import Grade
    from orchestrator.live import LiveFeed
    from orchestrator.llm_grading import LlmGrader

log = logging.getLogger(__name__)
# Told when an interview starts (`interview.started`), ends (`interview.completed`) and its report
# is saved (`report.ready`, with the report); the runtime passes the webhook notifier.
LifecycleHook = Callable[[str, InterviewRow, dict[str, Any] | None], Awaitable[None]]
# Writes a coding interview's `coding` section from the interview and its transcript as
# (speaker, text, start, end); the runtime passes the coding service's grader.
CodingGrader = Callable[[InterviewRow, list[tuple[str, str, float, float]]], Awaitable[dict[str, Any]]]


class InterviewRecord:
    """An interview's state and record; every utterance is committed before anything is decided."""

    def __init__(
        self,
        interview: InterviewRow,
        questions: list[QuestionRow],
        repo: InterviewRepository,
        bus: EventBus,
        use_attention: bool = False,
        answers: dict[str, list[str]] | None = None,
    ) -> None:
        self.interview = interview
        self.questions = questions
        self.repo = repo
        self.bus = bus
        self.use_attention = use_attention
        # what the candidate said per question, kept here so a turn needs no transcript read
        self._answers: dict[str, list[str]] = answers or {}
        self._recent: deque[tuple[str, str]] = deque(maxlen=12)  # the last turns, for providers
        self._t0_mono = time.monotonic()
        self._writes: asyncio.Queue[Event] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._spoke_before_start = False  # a phone caller's consent exchange comes first
        # set when an LLM is configured: it grades the answers at the end, rules where it fails
        self.llm_grader: LlmGrader | None = None
        # the voice agent and an /end request may both end an interview: one report, one grading
        self._finish_lock = asyncio.Lock()
        # two-pass transcription: the model that hears spoken answers live (stamped on them),
        # where each answer's text sits in `_answers`, and the accurate re-transcriptions under way
        self.live_stt_model: str | None = None
        self.last_answer: SegmentRow | None = None
        self._answer_slots: dict[int, tuple[str, int]] = {}
        self.revisions = Revisions(bus, interview.id, self._apply_revision)
        self.revision_wait_s = 15.0  # `finish` waits this long at most for pending revisions
        self.on_lifecycle: LifecycleHook | None = None
        self.coding_grader: CodingGrader | None = None
        # the fencing token of this worker's lease on the interview, carried by every write
        # (store/repository.py), and the feed that shows other processes how it stands
        self.fence: int | None = None
        self.live_feed: LiveFeed | None = None
        self._sync_clock()

    def restart_clock(self) -> None:
        """Count from now (a call's first words), until the interview has a start of its own."""
        if self.interview.started_at is None:
            self._t0_mono = time.monotonic()

    def start_time(self) -> datetime:
        """When the interview starts: now, or when its first words were said (consent first)."""
        already = max(0.0, self.elapsed()) if self._spoke_before_start else 0.0
        return utc_now() - timedelta(seconds=already)

    # -- time -------------------------------------------------------------
    def _sync_clock(self) -> None:
        started = self.interview.started_at
        if started is not None:
            if started.tzinfo is None:  # SQLite returns naive datetimes
                started = started.replace(tzinfo=utc_now().tzinfo)
            self._t0_mono = time.monotonic() - (utc_now() - started).total_seconds()

    def elapsed(self, mono: float | None = None) -> float:
        """Seconds from interview start for a monotonic time (default: now)."""
        return (time.monotonic() if mono is None else mono) - self._t0_mono

    def time_remaining(self) -> float:
        if self.interview.started_at is None:
            return self.interview.duration_minutes * 60.0
        return max(0.0, self.interview.duration_minutes * 60.0 - self.elapsed())

    # -- state ------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.interview.id

    @property
    def status(self) -> str:
        return self.interview.status

    @property
    def current(self) -> QuestionRow | None:
        index = self.interview.question_index
        return self.questions[index] if 0 <= index < len(self.questions) else None

    @property
    def finished(self) -> bool:
        return self.interview.status in ("completed", "cancelled")

    async def begin(self, phase: str) -> bool:
        """Start a scheduled interview that has no spoken opening (a coding interview starts
        when its task is first opened); whether it started now."""
        if self.interview.status != "scheduled":
            return False
        await self.update(status="in_progress", phase=phase, started_at=self.start_time())
        self._sync_clock()
        await self.announce("interview.started")
        await self.emit(event("phase_update", phase=phase))
        return True

    async def update(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self.interview, name, value)
        await asyncio.to_thread(self.repo.update, self.id, self.fence, **fields)

    # -- events -----------------------------------------------------------
    async def emit(self, ev: Event) -> None:
        """Publish now; persist in order in the background (off the turn's critical path)."""
        await self.bus.publish(self.id, ev)
        if self.live_feed is not None and ev.type in LIVE_EVENTS:
            self.live_feed.changed()
        self._writes.put_nowait(ev)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write_events())

    async def _write_events(self) -> None:
        while not self._writes.empty():
            ev = self._writes.get_nowait()
            try:
                await asyncio.to_thread(self.repo.add_event, self.id, ev, self.fence)
            except Exception:  # an event log failure must not end the interview
                log.exception("could not store event %s", ev.type)

    async def flush_events(self) -> None:
        if self._writer is not None:
            await self._writer

    async def announce(self, name: str, report: dict[str, Any] | None = None) -> None:
        """Tell the lifecycle hook; its failure is logged, never the interview's."""
        if self.on_lifecycle is None:
            return
        try:
            await self.on_lifecycle(name, self.interview, report)
        except Exception:
            log.exception("could not announce %s", name)

    def time_event(self) -> Event:
        left = self.time_remaining()
        return event("time_remaining", seconds=round(left), formatted=format_seconds(left))

    def record_fallback(self, step: str, reason: str) -> None:
        """A provider step answered by rules instead (logged by the provider); kept for the
        report and shown live to recruiters."""
        entry = {"step": step, "reason": reason, "at": round(self.elapsed(), 1)}
        self.interview.fallbacks = [*(self.interview.fallbacks or []), entry]
        self._background(self.update(fallbacks=self.interview.fallbacks))
        self._background(self.emit(event("metrics", interviewer_fallback=entry)))

    def _background(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def answer_so_far(self) -> str:
        q = self.current
        return " ".join(self._answers.get(q.question_id, [])) if q is not None else ""

    def recent_turns(self) -> list[tuple[str, str]]:
        return list(self._recent)

    async def record(
        self,
        speaker: str,
        text: str,
        start: float,
        end: float,
        question_id: str | None,
        words: list[dict] | None = None,
        kind: str = "answer",
        interrupted: bool = False,
    ) -> SegmentRow:
        """Commit one utterance to the store (awaited: nothing said is lost), then announce it."""
        row = SegmentRow(
            interview_id=self.id,
            speaker=speaker,
            text=text,
            start=round(start, 3),
            end=round(end, 3),
            question_id=question_id,
            words=words or [],
            kind=kind,
            interrupted=interrupted,
            stt_model=self.live_stt_model if speaker == "candidate" else None,
        )
        await asyncio.to_thread(self.repo.add_segment, row, self.fence)
        if self.interview.started_at is None:
            self._spoke_before_start = True
        if speaker == "candidate":
            self.last_answer = row
        if speaker == "candidate" and question_id and kind == "answer":
            answers = self._answers.setdefault(question_id, [])
            self._answer_slots[row.id] = (question_id, len(answers))
            answers.append(text)
        self._recent.append((speaker, text))
        await self.emit(transcript_event(row))
        return row

    # -- the accurate second pass --------------------------------------------
    def expect_revision(self, segment: SegmentRow) -> None:
        """The accurate pass will revise `segment` (orchestrator/refine_jobs.py): grade with its
        text when it comes, and let `finish` wait for it a while."""
        self.revisions.expect(segment)

    def _apply_revision(self, segment: SegmentRow, text: str, words: list[Any], model: str) -> None:
        """A worker stored the accurate text: the session grades and reports with it too."""
        segment.text, segment.words, segment.stt_model = text, words, model
        slot = self._answer_slots.get(segment.id)
        if slot is not None and slot[1] < len(self._answers.get(slot[0], [])):
            self._answers[slot[0]][slot[1]] = text

    async def _wait_for_revisions(self) -> None:
        """Wait for the revisions under way (a while), then make the transcript final: the
        report reads it, and a revision stored later would make them disagree."""
        late = await self.revisions.wait(self.revision_wait_s)
        if late:
            log.warning("interview %s: %d answers keep their fast text (accurate pass slow)", self.id, late)
        await asyncio.to_thread(self.repo.close_transcript, self.id, utc_now(), self.fence)

    async def finish(self, reason: str = "completed") -> dict[str, Any]:
        """End the interview, write the report, announce it. Idempotent."""
        async with self._finish_lock:
            return await self._finish(reason)

    async def _llm_grades(self, segments: list[SegmentRow]) -> dict[str, Grade] | None:
        """The LLM's grades of the answered questions; those it could not grade are left to rules
        and each is recorded as a fallback (`grade:<question id>`)."""
        if self.llm_grader is None:
            return None
        names = [self.interview.candidate_name] if self.interview.candidate_name else []
        try:
            found = await self.llm_grader(self.questions, segments, names, self.record_fallback)
        except Exception as exc:  # a grader bug must not cost the report: rules grade everything
            log.exception("LLM grading failed; every answer is graded by rules")
            self.record_fallback("grade", f"{type(exc).__name__}: {exc}"[:200])
            return None
        return {question_id: g for question_id, g in found.items() if g is not None}

    async def _coding_section(self, segments: list[SegmentRow]) -> dict[str, Any] | None:
        """A coding interview's hidden tests, speed, style and integrity (None for other modes)."""
        if self.interview.mode != "coding" or self.coding_grader is None:
            return None
        transcript = [(s.speaker, s.text, s.start, s.end) for s in segments]
        try:
            return await self.coding_grader(self.interview, transcript)
        except Exception as exc:  # the rest of the report is still written
            log.exception("interview %s: the code could not be graded", self.id)
            self.record_fallback("grade_code", f"{type(exc).__name__}: {exc}"[:200])
            return None

    async def _finish(self, reason: str) -> dict[str, Any]:
        if self.interview.status == "cancelled":  # called off: nothing to grade, no report
            raise InterviewEnded("this interview was cancelled", {"status": "cancelled"})
        if self.finished:
            report = await asyncio.to_thread(self.repo.report, self.id)
            if report is not None:
                return report
        await self.update(status="completed", phase="completed", ended_at=utc_now())
        await self.announce("interview.completed")
        await self._wait_for_revisions()  # the report reads the accurate text where it is ready
        segments = await asyncio.to_thread(self.repo.segments, self.id)
        attention = None
        if self.interview.mode == "video":
            stored = await asyncio.to_thread(self.repo.attention_samples, self.id)
            attention = await asyncio.to_thread(
                attention_section, self.id, stored, self.interview.attention_disclosed_at
            )
        grades = await self._llm_grades(segments)
        coding = await self._coding_section(segments)
        report = await asyncio.to_thread(
            build_report,
            self.interview,
            self.questions,
            segments,
            attention,
            self.use_attention,
            grades,
            coding,
        )
        await asyncio.to_thread(self.repo.save_report, self.id, report, self.fence)
        await self.announce("report.ready", report)
        await self.emit(event("phase_update", phase="completed"))
        await self.emit(
            event(
                "interview_ended",
                reason=reason,
                overall_score=report["overall_score"],
                recommendation=report["recommendation"],
            )
        )
        await self.flush_events()
        return report
