"""Reading and writing organisations, users, refresh tokens and API keys (blocking)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from core.events import utc_now
from store.models import ApiKeyRow, InterviewRow, OrganisationRow, RefreshTokenRow, UserRow


class AccountRepository:
    """One short transaction per method; async callers use `asyncio.to_thread`."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def add(self, *rows: Any) -> None:
        with self._sessions.begin() as s:
            s.add_all(rows)

    def org(self, org_id: str) -> OrganisationRow | None:
        with self._sessions() as s:
            return s.get(OrganisationRow, org_id)

    def user(self, user_id: str) -> UserRow | None:
        with self._sessions() as s:
            return s.get(UserRow, user_id)

    def user_by_email(self, email: str) -> UserRow | None:
        with self._sessions() as s:
            return s.scalars(select(UserRow).where(UserRow.email == email.lower())).first()

    def any_user(self) -> bool:
        with self._sessions() as s:
            return s.scalars(select(UserRow.id).limit(1)).first() is not None

    def users(self, org_id: str) -> list[UserRow]:
        with self._sessions() as s:
            return list(
                s.scalars(select(UserRow).where(UserRow.org_id == org_id).order_by(UserRow.created_at))
            )

    def delete_user(self, user_id: str) -> None:
        """The user, their refresh tokens and API keys (revoked, kept for the record)."""
        with self._sessions.begin() as s:
            now = utc_now()
            s.execute(
                update(ApiKeyRow)
                .where(ApiKeyRow.created_by == user_id, ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            for token in s.scalars(select(RefreshTokenRow).where(RefreshTokenRow.user_id == user_id)):
                s.delete(token)
            user = s.get(UserRow, user_id)
            if user is not None:
                s.delete(user)

    def refresh_token(self, token_hash: str) -> RefreshTokenRow | None:
        with self._sessions() as s:
            return s.scalars(select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash)).first()

    def rotate_refresh_token(self, old_id: str, new: RefreshTokenRow) -> bool:
        """Revoke `old_id` and store `new` in one transaction; False when `old_id` was
        already revoked (a second use of the same token)."""
        with self._sessions.begin() as s:
            revoked = s.execute(
                update(RefreshTokenRow)
                .where(RefreshTokenRow.id == old_id, RefreshTokenRow.revoked_at.is_(None))
                .values(revoked_at=utc_now())
            )
            if revoked.rowcount != 1:  # type: ignore[attr-defined]
                return False
            s.add(new)
        return True

    def revoke_refresh_tokens(self, user_id: str | None = None, token_id: str | None = None) -> None:
        query = update(RefreshTokenRow).where(RefreshTokenRow.revoked_at.is_(None))
        if user_id is not None:
            query = query.where(RefreshTokenRow.user_id == user_id)
        if token_id is not None:
            query = query.where(RefreshTokenRow.id == token_id)
        with self._sessions.begin() as s:
            s.execute(query.values(revoked_at=utc_now()))

    def api_key_by_prefix(self, prefix: str) -> ApiKeyRow | None:
        with self._sessions() as s:
            return s.scalars(select(ApiKeyRow).where(ApiKeyRow.prefix == prefix)).first()

    def api_keys(self, org_id: str) -> list[ApiKeyRow]:
        with self._sessions() as s:
            query = select(ApiKeyRow).where(ApiKeyRow.org_id == org_id).order_by(ApiKeyRow.created_at)
            return list(s.scalars(query))

    def update_api_key(self, key_id: str, **fields: datetime | None) -> None:
        with self._sessions.begin() as s:
            s.execute(update(ApiKeyRow).where(ApiKeyRow.id == key_id).values(**fields))

    def api_key(self, key_id: str) -> ApiKeyRow | None:
        with self._sessions() as s:
            return s.get(ApiKeyRow, key_id)

    def adopt_orphan_interviews(self, org_id: str) -> int:
        """Interviews made before organisations existed join `org_id`."""
        with self._sessions.begin() as s:
            result = s.execute(
                update(InterviewRow).where(InterviewRow.org_id.is_(None)).values(org_id=org_id)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]
