"""Who may call what: recruiter credentials (access token or API key, scoped to one
organisation) and the candidate's join token (one interview's candidate routes).

Another organisation's interview answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta
from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from api.deps import RuntimeDep, bearer
from api.runtime import Runtime
from core.errors import Forbidden, InterviewNotFound, JoinLinkExpired, Unauthorized
from core.events import utc_now
from store.models import InterviewRow
from workspace.accounts import Principal
from workspace.roles import Role
from workspace.tokens import API_KEY_PREFIX, same_hash


def is_recruiter_credential(token: str) -> bool:
    """Access tokens are JWTs (three dot-separated parts); API keys start with ivx_."""
    return token.startswith(API_KEY_PREFIX) or token.count(".") == 2


async def principal_for(conn: HTTPConnection, runtime: Runtime, token: str | None) -> Principal:
    """The recruiter-side caller, rate-limited per user or key."""
    if not token:
        raise Unauthorized("sign in: send an access token or API key as a Bearer token")
    if not is_recruiter_credential(token):
        raise Forbidden("a join token opens only the candidate's routes of its interview")
    principal = await asyncio.to_thread(runtime.accounts.principal, token)
    await runtime.limiter.hit(runtime.settings.rate_limit.per_user, "user", principal.rate_key)
    conn.state.principal = principal
    return principal


def requires(role: Role):  # type: ignore[no-untyped-def]
    async def dependency(request: Request, runtime: RuntimeDep) -> Principal:
        return (await principal_for(request, runtime, bearer(request))).require(role)

    return dependency


Viewer = Annotated[Principal, Depends(requires("viewer"))]
Recruiter = Annotated[Principal, Depends(requires("recruiter"))]
Admin = Annotated[Principal, Depends(requires("admin"))]


async def owned_interview(runtime: Runtime, interview_id: str, principal: Principal) -> InterviewRow:
    interview = await asyncio.to_thread(runtime.repo.get, interview_id)
    if interview.org_id != principal.org_id:
        raise InterviewNotFound(f"no interview {interview_id}", {"id": interview_id})
    return interview


async def _viewed(interview_id: str, principal: Viewer, runtime: RuntimeDep) -> InterviewRow:
    return await owned_interview(runtime, interview_id, principal)


async def _managed(interview_id: str, principal: Recruiter, runtime: RuntimeDep) -> InterviewRow:
    return await owned_interview(runtime, interview_id, principal)


ViewedInterview = Annotated[InterviewRow, Depends(_viewed)]  # any role may read it
ManagedInterview = Annotated[InterviewRow, Depends(_managed)]  # recruiters and admins change it


def check_join_token(runtime: Runtime, interview: InterviewRow, token: str | None) -> None:
    """401 without a token, 403 with a wrong one, 410 once the link has expired (a started
    interview may still be finished with it)."""
    if not token:
        raise Unauthorized("send the interview's join token as a Bearer token or ?token=")
    if not same_hash(token, interview.join_token_hash):
        raise Forbidden("this token does not open this interview")
    if interview.status == "scheduled" and join_link_expired(runtime, interview):
        raise JoinLinkExpired("this interview link has expired; ask the recruiter for a new one")


def join_link_expired(runtime: Runtime, interview: InterviewRow) -> bool:
    since = interview.scheduled_at or interview.created_at
    if since.tzinfo is None:  # SQLite returns naive datetimes
        since = since.replace(tzinfo=UTC)
    return utc_now() > since + timedelta(hours=runtime.settings.join_token_ttl_hours)


async def candidate_interview(interview_id: str, request: Request, runtime: RuntimeDep) -> InterviewRow:
    """The interview in the path, opened by its join token; rate-limited per interview."""
    interview = await asyncio.to_thread(runtime.repo.get, interview_id)
    check_join_token(runtime, interview, bearer(request))
    await runtime.limiter.hit(runtime.settings.rate_limit.candidate, "candidate", interview.id)
    return interview


CandidateInterview = Annotated[InterviewRow, Depends(candidate_interview)]


async def either(
    interview_id: str, request: Request, runtime: RuntimeDep
) -> tuple[InterviewRow, Principal | None]:
    """Routes both sides use (read the interview's state, end it): the join token gives the
    candidate's view (principal None), a recruiter credential the recruiter's."""
    token = bearer(request)
    if token and is_recruiter_credential(token):
        principal = await principal_for(request, runtime, token)
        return await owned_interview(runtime, interview_id, principal), principal
    return await candidate_interview(interview_id, request, runtime), None


EitherSide = Annotated[tuple[InterviewRow, Principal | None], Depends(either)]
