"""Secrets handed to people and programs: random tokens stored as hashes, and JWT access tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from core.errors import Unauthorized
from core.events import utc_now

API_KEY_PREFIX = "ivx_"
ALGORITHM = "HS256"


class TokenExpired(Unauthorized):
    code = "TOKEN_EXPIRED"


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """SHA-256: tokens are long random strings, so a fast hash is enough (unlike passwords)."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_hash(token: str, stored_hash: str) -> bool:
    return secrets.compare_digest(token_hash(token), stored_hash)


def new_api_key() -> tuple[str, str]:
    """(the key shown once, its listed prefix)."""
    key = API_KEY_PREFIX + new_token(30)
    return key, key[:12]


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    org_id: str
    role: str
    expires_at: datetime


def issue_access_token(secret: str, user_id: str, org_id: str, role: str, ttl: timedelta) -> str:
    now = utc_now()
    claims = {"sub": user_id, "org": org_id, "role": role, "typ": "access", "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_access_token(secret: str, token: str) -> AccessClaims:
    """The claims of a valid access token, or Unauthorized / TokenExpired."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired("the access token has expired; refresh it") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("the access token is not valid") from exc
    if claims.get("typ") != "access":
        raise Unauthorized("not an access token")
    expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
    return AccessClaims(
        str(claims["sub"]), str(claims.get("org", "")), str(claims.get("role", "")), expires_at
    )
