"""Share links to one interview's report (tokens stored hashed)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.events import utc_now
from store.models import ShareLinkRow


class ShareRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def add(self, row: ShareLinkRow) -> ShareLinkRow:
        with self._sessions.begin() as s:
            s.add(row)
        return row

    def by_hash(self, token_hash: str) -> ShareLinkRow | None:
        with self._sessions() as s:
            return s.scalar(select(ShareLinkRow).where(ShareLinkRow.token_hash == token_hash))

    def get(self, share_id: str) -> ShareLinkRow | None:
        with self._sessions() as s:
            return s.get(ShareLinkRow, share_id)

    def for_interview(self, interview_id: str) -> list[ShareLinkRow]:
        with self._sessions() as s:
            query = select(ShareLinkRow).where(ShareLinkRow.interview_id == interview_id)
            return list(s.scalars(query.order_by(ShareLinkRow.created_at.desc())))

    def revoke(self, share_id: str) -> None:
        with self._sessions.begin() as s:
            row = s.get(ShareLinkRow, share_id)
            if row is not None and row.revoked_at is None:
                row.revoked_at = utc_now()
