"""Reading and writing coding interviews' data: organisations' tasks, code versions, runs and
integrity events (blocking, one short transaction per method; async callers use
`asyncio.to_thread`). Tasks of another organisation are never returned."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from store.models import CodeRunRow, CodeVersionRow, CodingTaskRow, IntegrityEventRow

# what a coding interview leaves behind (deleted with the interview, counted by an erase)
CODING_DATA = {
    "code_versions": CodeVersionRow,
    "code_runs": CodeRunRow,
    "integrity_events": IntegrityEventRow,
}


class CodingRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # -- tasks ---------------------------------------------------------------------------------
    def add_task(self, row: CodingTaskRow) -> None:
        with self._sessions.begin() as s:
            s.add(row)

    def tasks(self, org_id: str) -> list[CodingTaskRow]:
        with self._sessions() as s:
            query = select(CodingTaskRow).where(CodingTaskRow.org_id == org_id)
            return list(s.scalars(query.order_by(CodingTaskRow.created_at)))

    def task(self, org_id: str, task_id: str) -> CodingTaskRow | None:
        with self._sessions() as s:
            row = s.get(CodingTaskRow, task_id)
        return row if row is not None and row.org_id == org_id else None

    def task_exists(self, task_id: str) -> bool:
        with self._sessions() as s:
            return s.get(CodingTaskRow, task_id) is not None

    # -- code ----------------------------------------------------------------------------------
    def add_version(
        self, interview_id: str, language: str, code: str, max_versions: int
    ) -> CodeVersionRow | None:
        """The next version, or None when the interview already has `max_versions`."""
        with self._sessions.begin() as s:
            last = s.scalar(
                select(func.max(CodeVersionRow.version)).where(CodeVersionRow.interview_id == interview_id)
            )
            if (last or 0) >= max_versions:
                return None
            row = CodeVersionRow(
                interview_id=interview_id,
                version=(last or 0) + 1,
                language=language,
                code=code,
                size=len(code.encode("utf-8")),
            )
            s.add(row)
        return row

    def latest_version(self, interview_id: str, language: str | None = None) -> CodeVersionRow | None:
        """The latest saved version (in `language`, when given)."""
        with self._sessions() as s:
            query = select(CodeVersionRow).where(CodeVersionRow.interview_id == interview_id)
            if language is not None:
                query = query.where(CodeVersionRow.language == language)
            return s.scalar(query.order_by(CodeVersionRow.version.desc()).limit(1))

    def versions(self, interview_id: str, limit: int, offset: int) -> tuple[list[CodeVersionRow], int]:
        with self._sessions() as s:
            where = CodeVersionRow.interview_id == interview_id
            total = s.scalar(select(func.count()).select_from(CodeVersionRow).where(where)) or 0
            query = select(CodeVersionRow).where(where).order_by(CodeVersionRow.version)
            return list(s.scalars(query.limit(limit).offset(offset))), int(total)

    # -- runs ----------------------------------------------------------------------------------
    def add_run(self, row: CodeRunRow) -> None:
        with self._sessions.begin() as s:
            s.add(row)

    def runs(self, interview_id: str, kind: str | None = None) -> list[CodeRunRow]:
        with self._sessions() as s:
            query = select(CodeRunRow).where(CodeRunRow.interview_id == interview_id)
            if kind is not None:
                query = query.where(CodeRunRow.kind == kind)
            return list(s.scalars(query.order_by(CodeRunRow.id)))

    def latest_run(self, interview_id: str) -> CodeRunRow | None:
        with self._sessions() as s:
            query = select(CodeRunRow).where(
                CodeRunRow.interview_id == interview_id, CodeRunRow.kind == "run"
            )
            return s.scalar(query.order_by(CodeRunRow.id.desc()).limit(1))

    # -- integrity -----------------------------------------------------------------------------
    def add_integrity(self, row: IntegrityEventRow, max_events: int) -> bool:
        """Store the event unless the interview already holds `max_events`; whether it was stored."""
        with self._sessions.begin() as s:
            where = IntegrityEventRow.interview_id == row.interview_id
            held = s.scalar(select(func.count()).select_from(IntegrityEventRow).where(where)) or 0
            if held >= max_events:
                return False
            s.add(row)
        return True

    def integrity(self, interview_id: str) -> list[dict[str, Any]]:
        with self._sessions() as s:
            query = select(IntegrityEventRow).where(IntegrityEventRow.interview_id == interview_id)
            rows = s.scalars(query.order_by(IntegrityEventRow.t, IntegrityEventRow.id))
            return [
                {
                    "type": r.type,
                    "t": r.t,
                    "at": r.at.isoformat() if r.at else None,
                    "received_at": r.received_at.isoformat(),
                    "details": r.details,
                }
                for r in rows
            ]
