"""Reading and writing interviews. Every method is one short transaction.

The writes a worker makes while it drives an interview take `fence`, the fencing token of its
lease on the interview (store/lease.py). Such a write first raises the interview's
`lease_token` to `fence` in the same transaction, and is refused (`LeaseLost`, nothing written)
when the interview has seen a newer token: a worker that lost its lease (paused or cut off
past it) cannot overwrite the worker that took over. The row update also serialises
concurrent fenced writes on PostgreSQL (the row is locked until commit). Writes without a
fence (recruiters' changes, a single process without leases) are not checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from core.errors import InterviewNotFound, LeaseLost
from core.events import Event
from store.coding import CODING_DATA
from store.models import AttentionSampleRow, EventRow, InterviewRow, QuestionRow, ReportRow, SegmentRow


@dataclass(frozen=True)
class InterviewFilter:
    """What a recruiter's interview list may be narrowed to."""

    org_id: str
    status: str | None = None
    mode: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    job_id: str | None = None
    candidate_id: str | None = None


def _check_fence(s: Session, interview_id: str, fence: int | None) -> None:
    """Raise the interview's token to `fence`, or refuse when it has seen a newer one."""
    if fence is None:
        return
    raised = s.execute(
        update(InterviewRow)
        .where(
            InterviewRow.id == interview_id,
            or_(InterviewRow.lease_token.is_(None), InterviewRow.lease_token <= fence),
        )
        .values(lease_token=fence)
    )
    if raised.rowcount != 1:  # type: ignore[attr-defined]
        raise LeaseLost(
            f"interview {interview_id} is driven under a newer lease than token {fence}",
            {"id": interview_id, "token": fence},
        )


class InterviewRepository:
    """Blocking repository; async callers use it through `asyncio.to_thread`."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def claim(self, interview_id: str, fence: int) -> None:
        """A new lease holder's first write: from now on older tokens are refused (LeaseLost
        when this token is already stale)."""
        with self._sessions.begin() as s:
            _check_fence(s, interview_id, fence)

    def ping(self) -> bool:
        """True when the database answers."""
        try:
            with self._sessions() as s:
                s.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def create(self, interview: InterviewRow, questions: list[QuestionRow]) -> InterviewRow:
        with self._sessions.begin() as s:
            s.add(interview)
            s.flush()
            s.add_all(questions)
        return interview

    def get(self, interview_id: str) -> InterviewRow:
        with self._sessions() as s:
            row = s.get(InterviewRow, interview_id)
        if row is None:
            raise InterviewNotFound(f"no interview {interview_id}", {"id": interview_id})
        return row

    def page(self, where: InterviewFilter, limit: int, offset: int) -> tuple[list[InterviewRow], int]:
        """One page of an organisation's interviews, newest first, and how many match in all."""
        query = select(InterviewRow).where(InterviewRow.org_id == where.org_id)
        if where.status:
            query = query.where(InterviewRow.status == where.status)
        if where.mode:
            query = query.where(InterviewRow.mode == where.mode)
        if where.job_id:
            query = query.where(InterviewRow.job_id == where.job_id)
        if where.candidate_id:
            query = query.where(InterviewRow.candidate_id == where.candidate_id)
        if where.created_after:
            query = query.where(InterviewRow.created_at >= where.created_after)
        if where.created_before:
            query = query.where(InterviewRow.created_at < where.created_before)
        with self._sessions() as s:
            total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
            page = s.scalars(query.order_by(InterviewRow.created_at.desc()).limit(limit).offset(offset))
            return list(page), int(total)

    def report_summaries(self, interview_ids: list[str]) -> dict[str, dict[str, Any]]:
        """For a list page: each reported interview's overall score, recommendation and number of
        attention flags, read out of the stored reports without loading them whole."""
        if not interview_ids:
            return {}
        body = ReportRow.body
        query = select(
            ReportRow.interview_id,
            body["overall_score"].as_float(),
            body["recommendation"].as_string(),
            body[("attention", "flags")],
        ).where(ReportRow.interview_id.in_(interview_ids))
        with self._sessions() as s:
            rows = s.execute(query).all()
        return {
            interview_id: {
                "overall_score": score,
                "recommendation": recommendation,
                "flag_count": len(flags) if isinstance(flags, list) else 0,
            }
            for interview_id, score, recommendation, flags in rows
        }

    def last_practice(self, org_id: str, candidate_id: str) -> tuple[InterviewRow, dict[str, Any]] | None:
        """The candidate's latest finished practice interview that opted into memory, and its report."""
        query = (
            select(InterviewRow, ReportRow)
            .join(ReportRow, ReportRow.interview_id == InterviewRow.id)
            .where(
                InterviewRow.org_id == org_id,
                InterviewRow.candidate_id == candidate_id,
                InterviewRow.mode == "practice",
                InterviewRow.memory.is_(True),
            )
            .order_by(InterviewRow.created_at.desc())
            .limit(1)
        )
        with self._sessions() as s:
            found = s.execute(query).first()
        return None if found is None else (found[0], found[1].body)

    def delete(self, interview_id: str) -> None:
        """The interview and everything recorded about it."""
        with self._sessions.begin() as s:
            for table in (
                QuestionRow,
                SegmentRow,
                EventRow,
                ReportRow,
                AttentionSampleRow,
                *CODING_DATA.values(),
            ):
                s.execute(delete(table).where(table.interview_id == interview_id))  # type: ignore[attr-defined]
            s.execute(delete(InterviewRow).where(InterviewRow.id == interview_id))

    def update(self, interview_id: str, fence: int | None = None, **fields: Any) -> InterviewRow:
        with self._sessions.begin() as s:
            _check_fence(s, interview_id, fence)
            row = s.get(InterviewRow, interview_id)
            if row is None:
                raise InterviewNotFound(f"no interview {interview_id}", {"id": interview_id})
            for name, value in fields.items():
                setattr(row, name, value)
        return row

    def questions(self, interview_id: str) -> list[QuestionRow]:
        with self._sessions() as s:
            query = select(QuestionRow).where(QuestionRow.interview_id == interview_id)
            return list(s.scalars(query.order_by(QuestionRow.position)))

    def replace_questions(self, interview_id: str, questions: list[QuestionRow]) -> None:
        """A new plan for an interview that has not started."""
        with self._sessions.begin() as s:
            s.execute(delete(QuestionRow).where(QuestionRow.interview_id == interview_id))
            s.add_all(questions)

    def update_question(self, question_row_id: int, fence: int | None = None, **fields: Any) -> None:
        with self._sessions.begin() as s:
            row = s.get(QuestionRow, question_row_id)
            if row is not None:
                _check_fence(s, row.interview_id, fence)
                for name, value in fields.items():
                    setattr(row, name, value)

    def mark_skipped(self, question_row_id: int, fence: int | None = None) -> None:
        with self._sessions.begin() as s:
            row = s.get(QuestionRow, question_row_id)
            if row is not None:
                _check_fence(s, row.interview_id, fence)
                row.skipped = True

    def add_segment(self, segment: SegmentRow, fence: int | None = None) -> SegmentRow:
        with self._sessions.begin() as s:
            _check_fence(s, segment.interview_id, fence)
            s.add(segment)
        return segment

    def revise_segment(
        self, segment_id: int, text: str, words: list[Any], stt_model: str, fence: int | None = None
    ) -> None:
        """The accurate pass's text replaces the fast one's (same segment, same times)."""
        with self._sessions.begin() as s:
            row = s.get(SegmentRow, segment_id)
            if row is not None:
                _check_fence(s, row.interview_id, fence)
                row.text, row.words, row.stt_model = text, words, stt_model

    def store_revision(
        self, interview_id: str, segment_id: int, text: str, words: list[Any], stt_model: str
    ) -> SegmentRow | None:
        """The accurate pass's text for a segment, from whichever worker ran it; None (nothing
        written) once the interview's transcript is final or the segment is gone. The interview
        row is share-locked first, so `close_transcript` waits for a revision under way and a
        revision after it sees the transcript final (SQLite: one writer at a time)."""
        open_ = select(InterviewRow.id).where(
            InterviewRow.id == interview_id, InterviewRow.transcript_final_at.is_(None)
        )
        with self._sessions.begin() as s:
            if s.scalar(open_.with_for_update(read=True)) is None:
                return None
            revised = s.execute(
                update(SegmentRow)
                .where(SegmentRow.id == segment_id, SegmentRow.interview_id.in_(open_))
                .values(text=text, words=words, stt_model=stt_model)
            )
            if revised.rowcount != 1:  # type: ignore[attr-defined]
                return None
            return s.get(SegmentRow, segment_id)

    def close_transcript(self, interview_id: str, at: datetime, fence: int | None = None) -> None:
        """The report reads the transcript now: later revisions are not stored."""
        with self._sessions.begin() as s:
            _check_fence(s, interview_id, fence)
            s.execute(
                update(InterviewRow)
                .where(InterviewRow.id == interview_id, InterviewRow.transcript_final_at.is_(None))
                .values(transcript_final_at=at)
            )

    def segments(self, interview_id: str) -> list[SegmentRow]:
        with self._sessions() as s:
            query = select(SegmentRow).where(SegmentRow.interview_id == interview_id)
            return list(s.scalars(query.order_by(SegmentRow.start, SegmentRow.id)))

    def add_event(self, interview_id: str, event: Event, fence: int | None = None) -> None:
        with self._sessions.begin() as s:
            _check_fence(s, interview_id, fence)
            s.add(EventRow(interview_id=interview_id, type=event.type, data=event.data, ts=event.ts))

    def events(self, interview_id: str) -> list[EventRow]:
        with self._sessions() as s:
            query = select(EventRow).where(EventRow.interview_id == interview_id)
            return list(s.scalars(query.order_by(EventRow.id)))

    def save_report(self, interview_id: str, body: dict[str, Any], fence: int | None = None) -> None:
        with self._sessions.begin() as s:
            _check_fence(s, interview_id, fence)
            s.merge(ReportRow(interview_id=interview_id, body=body))

    def report(self, interview_id: str) -> dict[str, Any] | None:
        with self._sessions() as s:
            row = s.get(ReportRow, interview_id)
        return None if row is None else row.body

    def add_attention_samples(
        self, interview_id: str, samples: list[dict[str, Any]], fence: int | None = None
    ) -> None:
        with self._sessions.begin() as s:
            _check_fence(s, interview_id, fence)
            s.add_all(AttentionSampleRow(interview_id=interview_id, **sample) for sample in samples)

    def attention_samples(self, interview_id: str) -> list[dict[str, Any]]:
        columns = [
            c.name for c in AttentionSampleRow.__table__.columns if c.name not in ("id", "interview_id")
        ]
        with self._sessions() as s:
            query = select(AttentionSampleRow).where(AttentionSampleRow.interview_id == interview_id)
            rows = s.scalars(query.order_by(AttentionSampleRow.t))
            return [{name: getattr(row, name) for name in columns} for row in rows]
