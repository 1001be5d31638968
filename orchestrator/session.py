"""One interview's state machine: phases, questions, follow-ups, time budget.

Text in, text out: the voice agent (orchestrator.voice) and the chat route
both drive it. Every candidate answer is committed to the store before the
session decides anything, so a crash loses nothing that was said.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, Literal

from core.errors import InterviewEnded
from core.events import Event, event, format_seconds, utc_now
from orchestrator.attention_report import attention_section
from orchestrator.interviewer import AnswerContext, RulesInterviewer
from orchestrator.report import build_report, key_points
from orchestrator.scoring import score_answer
from store.bus import EventBus
from store.models import InterviewRow, QuestionRow, SegmentRow
from store.repository import InterviewRepository

log = logging.getLogger(__name__)

ReplyKind = Literal["question", "followup", "prompt", "repeat", "closing"]


@dataclass(frozen=True)
class Reply:
    """What the interviewer says next."""

    text: str
    kind: ReplyKind
    question_id: str | None
    ends_interview: bool = False
    hangs_up: bool = False  # end the call after saying it; the interview stays resumable


class InterviewSession:
    """Drives one interview. Create with `await InterviewSession.load(...)`."""

    def __init__(
        self,
        interview: InterviewRow,
        questions: list[QuestionRow],
        repo: InterviewRepository,
        bus: EventBus,
        interviewer: RulesInterviewer,
        use_attention: bool = False,
        answers: dict[str, list[str]] | None = None,
    ) -> None:
        self.use_attention = use_attention
        # what the candidate said per question, kept here so a turn needs no transcript read
        self._answers: dict[str, list[str]] = answers or {}
        self.interview = interview
        self.questions = questions
        self.repo = repo
        self.bus = bus
        self.interviewer = interviewer
        self._t0_mono = time.monotonic()
        self._writes: asyncio.Queue[Event] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()  # one turn at a time, whichever channel it comes from
        self._before_last_decision: dict[str, Any] | None = None
        self._sync_clock()

    @classmethod
    async def load(
        cls,
        interview_id: str,
        repo: InterviewRepository,
        bus: EventBus,
        interviewer: RulesInterviewer,
        use_attention: bool = False,
    ) -> InterviewSession:
        interview = await asyncio.to_thread(repo.get, interview_id)
        questions = await asyncio.to_thread(repo.questions, interview_id)
        answers: dict[str, list[str]] = {}
        for segment in await asyncio.to_thread(repo.segments, interview_id):
            if segment.speaker == "candidate" and segment.question_id:
                answers.setdefault(segment.question_id, []).append(segment.text)
        return cls(interview, questions, repo, bus, interviewer, use_attention, answers)

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

    async def update(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self.interview, name, value)
        await asyncio.to_thread(self.repo.update, self.id, **fields)

    # -- events -----------------------------------------------------------
    async def emit(self, ev: Event) -> None:
        """Publish now; persist in order in the background (off the turn's critical path)."""
        await self.bus.publish(self.id, ev)
        self._writes.put_nowait(ev)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write_events())

    async def _write_events(self) -> None:
        while not self._writes.empty():
            ev = self._writes.get_nowait()
            try:
                await asyncio.to_thread(self.repo.add_event, self.id, ev)
            except Exception:  # an event log failure must not end the interview
                log.exception("could not store event %s", ev.type)

    async def flush_events(self) -> None:
        if self._writer is not None:
            await self._writer

    def time_event(self) -> Event:
        left = self.time_remaining()
        return event("time_remaining", seconds=round(left), formatted=format_seconds(left))

    async def _announce_question(self, kind: Literal["question", "followup"], text: str) -> None:
        q = self.current
        assert q is not None
        if kind == "question":
            await self.emit(
                event(
                    "question",
                    id=q.question_id,
                    text=q.text,
                    index=self.interview.question_index + 1,
                    total=len(self.questions),
                    category=q.category,
                )
            )
        else:
            await self.emit(event("followup", question_id=q.question_id, text=text))
        await self.emit(self.time_event())

    # -- the flow ---------------------------------------------------------
    async def start(self) -> Reply:
        """Open (or resume) the interview: the greeting and the current question."""
        if self.finished:
            raise InterviewEnded("this interview has already ended", {"status": self.status})
        q = self.current
        assert q is not None
        if self.interview.status == "scheduled":
            video = self.interview.mode == "video"
            await self.update(
                status="in_progress",
                phase="questions",
                started_at=utc_now(),
                attention_disclosed_at=utc_now() if video else None,
            )
            self._sync_clock()
            await self.emit(event("phase_update", phase="intro"))
            await self.emit(event("phase_update", phase="questions"))
            text = self.interviewer.opening(
                self.interview.candidate_name,
                self.interview.role,
                self.interview.duration_minutes,
                q.text,
                video=video,
            )
            await self._announce_question("question", q.text)
            return Reply(text, "question", q.question_id)
        if self.interview.phase == "wrap_up":
            return await self._close()
        asked = q.followup if self.interview.followup_asked else q.text
        await self._announce_question("followup" if self.interview.followup_asked else "question", asked)
        return Reply(RulesInterviewer.resume(asked), "question", q.question_id)

    async def answer(
        self, text: str, start: float | None = None, end: float | None = None, words: list[dict] | None = None
    ) -> Reply:
        """Commit the candidate's words, then decide what the interviewer says next."""
        if self.finished:
            raise InterviewEnded("this interview has already ended", {"status": self.status})
        q = self.current
        assert q is not None
        now = self.elapsed()
        await self.record(
            "candidate",
            text,
            now if start is None else start,
            now if end is None else end,
            q.question_id,
            words=words or [],
        )
        self._before_last_decision = {
            "question_index": self.interview.question_index,
            "followup_asked": self.interview.followup_asked,
            "phase": self.interview.phase,
        }
        if RulesInterviewer.is_repeat_request(text):
            return self.repeat()
        # scoring runs off the event loop: no answer, however long, stalls other interviews
        scored = await asyncio.to_thread(
            score_answer, " ".join(self._answers.get(q.question_id, [])), key_points(q)
        )
        await self.emit(
            event(
                "score_update",
                question_id=q.question_id,
                score=scored.score,
                key_points_covered=scored.covered,
            )
        )
        decision = self.interviewer.decide(
            AnswerContext(
                scored,
                self.interview.followup_asked,
                self.time_remaining(),
                self.interview.question_index >= len(self.questions) - 1,
            )
        )
        if decision.kind == "followup":
            await self.update(followup_asked=True)
            text_out = self.interviewer.followup(q.followup, scored)
            await self._announce_question("followup", text_out)
            return Reply(text_out, "followup", q.question_id)
        if decision.kind == "close":
            return await self._close()
        return await self._advance(
            lambda nxt: self.interviewer.transition(self.interview.question_index, nxt)
        )

    async def reopen_answer(self) -> bool:
        """The candidate went on talking after the interviewer took the turn: undo the
        last decision, so what they say next joins the same answer."""
        state, self._before_last_decision = self._before_last_decision, None
        if state is None or self.finished:
            return False
        await self.update(**state)
        q = self.current
        assert q is not None
        await self.emit(event("phase_update", phase=state["phase"], reopened=True))
        await self.emit(
            event(
                "question",
                id=q.question_id,
                text=q.text,
                index=state["question_index"] + 1,
                total=len(self.questions),
                category=q.category,
                reopened=True,
            )
        )
        return True

    async def skip(self) -> Reply:
        """Move on after a long silence (no answer)."""
        if self.interview.question_index >= len(self.questions) - 1 or self.time_remaining() <= 0:
            return await self._close()
        return await self._advance(RulesInterviewer.move_on)

    def repeat(self) -> Reply:
        """Say the current question (or follow-up) again."""
        q = self.current
        if q is None:
            return Reply("", "repeat", None)
        asked = q.followup if self.interview.followup_asked else q.text
        return Reply(RulesInterviewer.repeat(asked), "repeat", q.question_id)

    def goodbye_for_now(self) -> Reply:
        """A phone caller who has gone silent: end the call politely, keep the interview open."""
        return Reply(
            "I haven't heard from you for a while, so I'll end the call here. Call back with the same "
            "link or number to continue where we left off. Goodbye.",
            "closing",
            None,
            hangs_up=True,
        )

    def prompt(self) -> Reply:
        q = self.current
        return Reply(RulesInterviewer.silence_prompt(), "prompt", q.question_id if q else None)

    async def _advance(self, phrase) -> Reply:  # type: ignore[no-untyped-def]
        await self.update(question_index=self.interview.question_index + 1, followup_asked=False)
        q = self.current
        assert q is not None
        await self._announce_question("question", q.text)
        return Reply(phrase(q.text), "question", q.question_id)

    async def _close(self) -> Reply:
        await self.update(phase="wrap_up")
        await self.emit(event("phase_update", phase="wrap_up"))
        return Reply(self.interviewer.closing(self.interview.candidate_name), "closing", None, True)

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
        )
        await asyncio.to_thread(self.repo.add_segment, row)
        if speaker == "candidate" and question_id:
            self._answers.setdefault(question_id, []).append(text)
        await self.emit(
            event(
                "transcript",
                speaker=speaker,
                text=text,
                final=True,
                start=row.start,
                end=row.end,
                question_id=question_id,
                interrupted=interrupted,
            )
        )
        return row

    async def finish(self, reason: str = "completed") -> dict[str, Any]:
        """End the interview, write the report, announce it. Idempotent."""
        if self.finished:
            report = await asyncio.to_thread(self.repo.report, self.id)
            if report is not None:
                return report
        await self.update(status="completed", phase="completed", ended_at=utc_now())
        segments = await asyncio.to_thread(self.repo.segments, self.id)
        attention = None
        if self.interview.mode == "video":
            stored = await asyncio.to_thread(self.repo.attention_samples, self.id)
            attention = await asyncio.to_thread(
                attention_section, self.id, stored, self.interview.attention_disclosed_at
            )
        report = await asyncio.to_thread(
            build_report, self.interview, self.questions, segments, attention, self.use_attention
        )
        await asyncio.to_thread(self.repo.save_report, self.id, report)
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
