"""What the retention job reads and deletes: interviews past the retention period and the
candidate's recorded words and camera signals about them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from store.coding import CODING_DATA
from store.models import AttentionSampleRow, AuditRow, EventRow, InterviewRow, ReportRow, SegmentRow


class RetentionRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def due(self, cutoff: datetime, limit: int = 100) -> list[str]:
        """Interviews not yet purged whose last activity (end, else start, else creation) is
        before `cutoff`, oldest first."""
        last = func.coalesce(InterviewRow.ended_at, InterviewRow.started_at, InterviewRow.created_at)
        query = (
            select(InterviewRow.id)
            .where(InterviewRow.data_purged_at.is_(None), last < cutoff)
            .order_by(last)
            .limit(limit)
        )
        with self._sessions() as s:
            return list(s.scalars(query))

    def purge(
        self, interview_id: str, now: datetime, summarise: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> None:
        """Delete the transcript, the event log (it repeats the transcript), the attention
        samples and a coding interview's code, runs and integrity events; the report keeps only
        `summarise(report)`; the resume text goes; the interview is marked purged. One transaction:
        all of it or none."""
        with self._sessions.begin() as s:
            for table in (SegmentRow, EventRow, AttentionSampleRow, *CODING_DATA.values()):
                s.execute(delete(table).where(table.interview_id == interview_id))  # type: ignore[attr-defined]
            report = s.get(ReportRow, interview_id)
            if report is not None:
                report.body = summarise(report.body)
            interview = s.get(InterviewRow, interview_id)
            if interview is not None:
                interview.resume_text = None
                interview.data_purged_at = now
                # the audit log says the retention job deleted it, in the same transaction
                s.add(
                    AuditRow(
                        org_id=interview.org_id or "",
                        actor_kind="system",
                        actor_id="retention",
                        action="interview.purge",
                        target_type="interview",
                        target_id=interview_id,
                        details={},
                        at=now,
                    )
                )
