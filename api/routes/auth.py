"""Signing in: login, refresh (rotating), logout, and who am I."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request, Response, status

from api.auth import Viewer
from api.deps import RuntimeDep, client_ip
from api.schemas import LoginIn, MeOut, OrgPublic, RefreshIn, TokenOut
from core.errors import Unauthorized
from workspace.accounts import InvalidCredentials

router = APIRouter(prefix="/api/v1", tags=["auth"])
ACCOUNT_RULE = "20/minute"  # failed logins of one account from all addresses together
log = logging.getLogger(__name__)


@router.post("/auth/login", response_model=TokenOut)
async def login(body: LoginIn, request: Request, runtime: RuntimeDep) -> TokenOut:
    """Email and password -> an access token (15 minutes) and a refresh token (14 days)."""
    rule = runtime.settings.rate_limit.login_failures
    email = body.email.lower()
    keys = ("login-failures", email, client_ip(request))
    account = ("login-failures-account", email)  # one account guessed from many addresses
    lock = runtime.login_locks.setdefault(email, asyncio.Lock())
    async with lock:  # parallel guesses at one account queue here, so each sees the failures before it
        await runtime.limiter.check(rule, *keys)  # 429 after too many failures, before any password work
        await runtime.limiter.check(ACCOUNT_RULE, *account)
        try:
            pair = await asyncio.to_thread(runtime.accounts.login, body.email, body.password)
        except InvalidCredentials:
            await runtime.limiter.hit_quietly(rule, *keys)
            await runtime.limiter.hit_quietly(ACCOUNT_RULE, *account)
            log.info("failed login for %s from %s", email, client_ip(request))
            raise
    return TokenOut(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


@router.post("/auth/refresh", response_model=TokenOut)
async def refresh(body: RefreshIn, request: Request, runtime: RuntimeDep) -> TokenOut:
    """A new pair; the refresh token sent is revoked (use each one once)."""
    await runtime.limiter.hit(runtime.settings.rate_limit.per_ip, "refresh", client_ip(request))
    pair = await asyncio.to_thread(runtime.accounts.refresh, body.refresh_token)
    return TokenOut(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def logout(body: RefreshIn, runtime: RuntimeDep) -> Response:
    """Revoke the refresh token (the access token lapses within 15 minutes)."""
    await asyncio.to_thread(runtime.accounts.logout, body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=MeOut)
async def me(principal: Viewer, runtime: RuntimeDep) -> MeOut:
    org = await asyncio.to_thread(runtime.accounts.repo.org, principal.org_id)
    if org is None:
        raise Unauthorized("the organisation no longer exists")
    if principal.kind == "user":
        user = await asyncio.to_thread(runtime.accounts.repo.user, principal.id)
        email = user.email if user else ""
    else:
        email = ""
    return MeOut(
        id=principal.id,
        email=email,
        role=principal.role,
        org=OrgPublic(id=org.id, name=org.name),
        via="user" if principal.kind == "user" else "api_key",
    )
