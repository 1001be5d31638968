"""Accounts: the first admin, logins with rotating refresh tokens, users and API keys
of one organisation, and turning a bearer credential into a `Principal`.

Blocking (argon2 and the database); the API calls it through `asyncio.to_thread`.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from core.errors import Conflict, Forbidden, NotFound, Unauthorized
from core.events import utc_now
from store.accounts import AccountRepository
from store.models import ApiKeyRow, OrganisationRow, RefreshTokenRow, UserRow
from workspace.passwords import hash_password, verify_password
from workspace.roles import Role, at_least
from workspace.tokens import (
    API_KEY_PREFIX,
    issue_access_token,
    new_api_key,
    new_token,
    read_access_token,
    same_hash,
    token_hash,
)

log = logging.getLogger(__name__)
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=14)
MIN_PASSWORD_LENGTH = 10


class InvalidCredentials(Unauthorized):
    code = "INVALID_CREDENTIALS"


@dataclass(frozen=True)
class Principal:
    """Who is calling on the recruiter side: a user, or an API key acting for its organisation."""

    kind: str  # "user" | "api_key"
    id: str  # the user's or the key's id
    org_id: str
    role: str
    user_id: str | None  # the key's creator for API keys

    @property
    def rate_key(self) -> str:
        return f"{self.kind}:{self.id}"

    def require(self, role: Role) -> Principal:
        if not at_least(self.role, role):
            raise Forbidden(f"this needs the {role} role", {"role": self.role, "needed": role})
        return self


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives naive datetimes


class AccountService:
    def __init__(self, repo: AccountRepository, secret_key: str) -> None:
        self.repo = repo
        self._secret = secret_key

    # -- people --------------------------------------------------------------------------
    def ensure_admin(self, email: str, password: str, org_name: str) -> tuple[UserRow, bool]:
        """The admin with this email, created with its organisation when missing (idempotent).
        Interviews from before organisations existed are adopted by it."""
        existing = self.repo.user_by_email(email)
        if existing is not None:
            return existing, False
        org = OrganisationRow(id=str(uuid.uuid4()), name=org_name)
        user = self._new_user(org.id, email, password, "admin")
        try:  # one transaction: processes starting together race here, and one of them wins
            self.repo.add(org, user)
        except IntegrityError:
            winner = self.repo.user_by_email(email)
            if winner is None:
                raise
            return winner, False
        adopted = self.repo.adopt_orphan_interviews(org.id)
        log.info(
            "created admin %s for organisation %r (%d older interviews adopted)", email, org_name, adopted
        )
        return user, True

    def create_user(self, org_id: str, email: str, password: str, role: Role) -> UserRow:
        if self.repo.user_by_email(email) is not None:
            raise Conflict("an account with this email exists", {"email": email.lower()})
        user = self._new_user(org_id, email, password, role)
        self.repo.add(user)
        return user

    @staticmethod
    def _new_user(org_id: str, email: str, password: str, role: Role) -> UserRow:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise WeakPassword(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
        return UserRow(
            id=str(uuid.uuid4()),
            org_id=org_id,
            email=email.lower(),
            password_hash=hash_password(password),
            role=role,
        )

    def delete_user(self, caller: Principal, user_id: str) -> None:
        user = self.repo.user(user_id)
        if user is None or user.org_id != caller.org_id:
            raise NotFound("no such user in your organisation", {"id": user_id})
        if user.id == caller.user_id:
            raise Conflict("you cannot remove your own account")
        self.repo.delete_user(user.id)

    def org_of(self, user: UserRow) -> OrganisationRow:
        org = self.repo.org(user.org_id)
        assert org is not None
        return org

    # -- sessions ------------------------------------------------------------------------
    def login(self, email: str, password: str) -> TokenPair:
        user = self.repo.user_by_email(email)
        if not verify_password(password, user.password_hash if user else None) or user is None:
            raise InvalidCredentials("wrong email or password")
        return self._issue(user)

    def refresh(self, refresh_token: str) -> TokenPair:
        """A new pair for a valid refresh token, which is revoked (rotation). Using a revoked
        token again means it leaked: every session of that user ends."""
        row = self.repo.refresh_token(token_hash(refresh_token))
        if row is None or _aware(row.expires_at) <= utc_now():
            raise Unauthorized("the refresh token is not valid or has expired")
        user = self.repo.user(row.user_id)
        if user is None:
            raise Unauthorized("the account no longer exists")
        if row.revoked_at is not None:
            self.repo.revoke_refresh_tokens(user_id=user.id)
            raise Unauthorized("the refresh token was already used; sign in again")
        token, new_row = self._new_refresh(user)
        if not self.repo.rotate_refresh_token(row.id, new_row):
            self.repo.revoke_refresh_tokens(user_id=user.id)
            raise Unauthorized("the refresh token was already used; sign in again")
        return self._pair(user, token)

    def logout(self, refresh_token: str) -> None:
        row = self.repo.refresh_token(token_hash(refresh_token))
        if row is not None:
            self.repo.revoke_refresh_tokens(token_id=row.id)

    def issue(self, user: UserRow) -> TokenPair:
        """A signed-in session for a user the caller has already checked (the demo, tests)."""
        return self._issue(user)

    def _issue(self, user: UserRow) -> TokenPair:
        token, row = self._new_refresh(user)
        self.repo.add(row)
        return self._pair(user, token)

    def _new_refresh(self, user: UserRow) -> tuple[str, RefreshTokenRow]:
        token = new_token()
        row = RefreshTokenRow(
            id=str(uuid.uuid4()),
            user_id=user.id,
            token_hash=token_hash(token),
            expires_at=utc_now() + REFRESH_TTL,
        )
        return token, row

    def _pair(self, user: UserRow, refresh_token: str) -> TokenPair:
        access = issue_access_token(self._secret, user.id, user.org_id, user.role, ACCESS_TTL)
        return TokenPair(access, refresh_token, int(ACCESS_TTL.total_seconds()))

    # -- API keys ------------------------------------------------------------------------
    def create_api_key(self, caller: Principal, name: str, role: Role) -> tuple[str, ApiKeyRow]:
        """The key (shown once) and its record; a key never has more rights than its creator."""
        if not at_least(caller.role, role):
            raise Forbidden("an API key cannot have a higher role than its creator", {"role": role})
        key, prefix = new_api_key()
        row = ApiKeyRow(
            id=str(uuid.uuid4()),
            org_id=caller.org_id,
            created_by=caller.user_id,
            name=name,
            prefix=prefix,
            key_hash=token_hash(key),
            role=role,
        )
        self.repo.add(row)
        return key, row

    def revoke_api_key(self, caller: Principal, key_id: str) -> ApiKeyRow:
        row = self.repo.api_key(key_id)
        if row is None or row.org_id != caller.org_id:
            raise NotFound("no such API key in your organisation", {"id": key_id})
        if row.revoked_at is None:
            self.repo.update_api_key(row.id, revoked_at=utc_now())
        return self.repo.api_key(key_id) or row

    # -- credentials ---------------------------------------------------------------------
    def principal(self, bearer: str) -> Principal:
        """The recruiter-side caller for an access token or an API key, or Unauthorized."""
        if bearer.startswith(API_KEY_PREFIX):
            return self._key_principal(bearer)
        claims = read_access_token(self._secret, bearer)
        user = self.repo.user(claims.user_id)
        if user is None:  # removed since the token was issued
            raise Unauthorized("the account no longer exists")
        return Principal("user", user.id, user.org_id, user.role, user.id)

    def _key_principal(self, key: str) -> Principal:
        row = self.repo.api_key_by_prefix(key[:12])
        if row is None or not same_hash(key, row.key_hash):
            raise Unauthorized("the API key is not valid")
        if row.revoked_at is not None:
            raise Unauthorized("the API key has been revoked")
        now = utc_now()
        if row.last_used_at is None or now - _aware(row.last_used_at) > timedelta(minutes=1):
            self.repo.update_api_key(row.id, last_used_at=now)  # at most one write a minute per key
        return Principal("api_key", row.id, row.org_id, row.role, row.created_by)


class WeakPassword(Unauthorized):
    code, status = "WEAK_PASSWORD", 422
