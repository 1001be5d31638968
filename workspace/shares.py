"""Share links: a token that opens one interview's report, read-only, until it expires or is
revoked. Only its hash is stored; the link is shown once.

An unknown or revoked token answers 404 (nothing to tell), an expired one 410, so whoever
holds a real link knows to ask for a fresh one (as with candidates' join links)."""

from __future__ import annotations

import uuid
from datetime import UTC, timedelta

from core.errors import IntervoxError, NotFound
from core.events import utc_now
from store.models import ShareLinkRow
from store.shares import ShareRepository
from workspace.tokens import new_token, token_hash

SHARE_TOKEN_PREFIX = "shr_"


class ShareNotFound(NotFound):
    code = "SHARE_NOT_FOUND"


class ShareExpired(IntervoxError):
    code, status = "SHARE_EXPIRED", 410


def new_share(org_id: str, interview_id: str, created_by: str | None, hours: int) -> tuple[ShareLinkRow, str]:
    """The row to store and the token to show once."""
    token = SHARE_TOKEN_PREFIX + new_token(32)
    now = utc_now()
    row = ShareLinkRow(
        id=str(uuid.uuid4()),
        org_id=org_id,
        interview_id=interview_id,
        token_hash=token_hash(token),
        created_by=created_by,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    return row, token


def is_expired(row: ShareLinkRow) -> bool:
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    return utc_now() >= expires


def open_share(repo: ShareRepository, token: str) -> ShareLinkRow:
    """The live share link this token opens, or ShareNotFound / ShareExpired."""
    row = repo.by_hash(token_hash(token)) if token.startswith(SHARE_TOKEN_PREFIX) else None
    if row is None or row.revoked_at is not None:
        raise ShareNotFound("this link does not open anything (it may have been revoked)")
    if is_expired(row):
        raise ShareExpired(
            "this link has expired; ask for a new one", {"expired_at": row.expires_at.isoformat()}
        )
    return row
