"""Reading and writing jobs, candidates, their notes and the audit log (blocking, one short
transaction per method; async callers use `asyncio.to_thread`).

Rows of another organisation are never returned: every lookup takes the caller's `org_id`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.events import utc_now
from store.coding import CODING_DATA
from store.models import (
    AttentionSampleRow,
    AuditRow,
    CandidateNoteRow,
    CandidateRow,
    EventRow,
    InterviewRow,
    JobRow,
    QuestionRow,
    ReportRow,
    SegmentRow,
)

Row = TypeVar("Row", JobRow, CandidateRow, AuditRow)
# what an interview leaves behind, by the name the erase report uses
INTERVIEW_DATA = {
    "questions": QuestionRow,
    "transcript_segments": SegmentRow,
    "events": EventRow,
    "reports": ReportRow,
    "attention_samples": AttentionSampleRow,
    **CODING_DATA,
}


@dataclass(frozen=True)
class Page:
    """Which slice of a list: `q` searches the text fields, `status` narrows jobs."""

    org_id: str
    limit: int = 50
    offset: int = 0
    q: str | None = None
    status: str | None = None


def _like(q: str) -> str:
    """A LIKE pattern matching `q` literally (its % and _ are escaped)."""
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class WorkspaceRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def add(self, *rows: Any) -> None:
        with self._sessions.begin() as s:
            s.add_all(rows)

    def _page(self, query: Select[Row], order: Any, page: Page) -> tuple[list[Row], int]:
        with self._sessions() as s:
            total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = s.scalars(query.order_by(order).limit(page.limit).offset(page.offset))
            return list(rows), int(total)

    def _update(self, model: type[JobRow] | type[CandidateRow], row_id: str, fields: dict[str, Any]) -> None:
        with self._sessions.begin() as s:
            s.execute(update(model).where(model.id == row_id).values(**fields, updated_at=utc_now()))

    # -- jobs ----------------------------------------------------------------------------------
    def job(self, org_id: str, job_id: str) -> JobRow | None:
        with self._sessions() as s:
            row = s.get(JobRow, job_id)
        return row if row is not None and row.org_id == org_id else None

    def jobs(self, page: Page) -> tuple[list[JobRow], int]:
        """Newest first; `q` in the title or description, case-insensitive."""
        query = select(JobRow).where(JobRow.org_id == page.org_id)
        if page.status:
            query = query.where(JobRow.status == page.status)
        if page.q:
            pattern = _like(page.q)
            query = query.where(
                or_(
                    func.lower(JobRow.title).like(pattern, escape="\\"),
                    func.lower(JobRow.description).like(pattern, escape="\\"),
                )
            )
        return self._page(query, JobRow.created_at.desc(), page)

    def update_job(self, job_id: str, **fields: Any) -> None:
        self._update(JobRow, job_id, fields)

    def delete_job(self, job_id: str) -> int:
        """The job; its interviews stay (they hold copies of its fields) and forget it. Returns
        how many interviews were detached."""
        with self._sessions.begin() as s:
            detached = s.execute(
                update(InterviewRow).where(InterviewRow.job_id == job_id).values(job_id=None)
            )
            s.execute(delete(JobRow).where(JobRow.id == job_id))
            return int(detached.rowcount)  # type: ignore[attr-defined]

    # -- candidates ----------------------------------------------------------------------------
    def candidate(self, org_id: str, candidate_id: str) -> CandidateRow | None:
        with self._sessions() as s:
            row = s.get(CandidateRow, candidate_id)
        return row if row is not None and row.org_id == org_id else None

    def candidate_by_email(self, org_id: str, email: str) -> CandidateRow | None:
        with self._sessions() as s:
            query = select(CandidateRow).where(CandidateRow.org_id == org_id, CandidateRow.email == email)
            return s.scalars(query).first()

    def candidates(self, page: Page) -> tuple[list[CandidateRow], int]:
        """Newest first; `q` in the name, email or phone, case-insensitive."""
        query = select(CandidateRow).where(CandidateRow.org_id == page.org_id)
        if page.q:
            pattern = _like(page.q)
            query = query.where(
                or_(
                    *(
                        func.lower(column).like(pattern, escape="\\")
                        for column in (CandidateRow.name, CandidateRow.email, CandidateRow.phone)
                    )
                )
            )
        return self._page(query, CandidateRow.created_at.desc(), page)

    def update_candidate(self, candidate_id: str, **fields: Any) -> None:
        self._update(CandidateRow, candidate_id, fields)

    def notes(self, candidate_id: str) -> list[CandidateNoteRow]:
        with self._sessions() as s:
            query = select(CandidateNoteRow).where(CandidateNoteRow.candidate_id == candidate_id)
            return list(s.scalars(query.order_by(CandidateNoteRow.created_at, CandidateNoteRow.id)))

    def candidate_interviews(self, org_id: str, candidate_id: str) -> list[InterviewRow]:
        with self._sessions() as s:
            query = select(InterviewRow).where(
                InterviewRow.org_id == org_id, InterviewRow.candidate_id == candidate_id
            )
            return list(s.scalars(query.order_by(InterviewRow.created_at.desc())))

    def interview_data_counts(self, interview_ids: list[str]) -> dict[str, int]:
        """How many rows of each kind these interviews hold (what an erase will remove)."""
        counts: dict[str, int] = {}
        with self._sessions() as s:
            for name, table in INTERVIEW_DATA.items():
                column = table.interview_id  # type: ignore[attr-defined]
                query = select(func.count()).select_from(table).where(column.in_(interview_ids))
                counts[name] = int(s.scalar(query) or 0)
        return counts

    def delete_candidate(self, candidate_id: str) -> int:
        """The candidate and their notes (their interviews are deleted before); returns the notes removed."""
        with self._sessions.begin() as s:
            notes = s.execute(delete(CandidateNoteRow).where(CandidateNoteRow.candidate_id == candidate_id))
            s.execute(delete(CandidateRow).where(CandidateRow.id == candidate_id))
            return int(notes.rowcount)  # type: ignore[attr-defined]

    # -- audit ---------------------------------------------------------------------------------
    def audit(self, page: Page) -> tuple[list[AuditRow], int]:
        """Newest first; `q` narrows to one action (e.g. candidate.delete)."""
        query = select(AuditRow).where(AuditRow.org_id == page.org_id)
        if page.q:
            query = query.where(AuditRow.action == page.q)
        return self._page(query, AuditRow.id.desc(), page)
