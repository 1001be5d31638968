"""Dependencies: settings, the runtime, and the join-token check."""

from __future__ import annotations

import asyncio
import secrets
from typing import Annotated

from fastapi import Depends, Request

from api.runtime import Runtime
from api.settings import Settings
from core.errors import Forbidden, Unauthorized
from store.models import InterviewRow


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def get_settings(request: Request) -> Settings:
    return request.app.state.runtime.settings


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def token_from(authorization: str | None, query_token: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return query_token


def check_token(interview: InterviewRow, token: str | None) -> None:
    """401 without a token, 403 with the wrong one (constant-time compare)."""
    if not token:
        raise Unauthorized("send the interview's join token as a Bearer token or ?token=")
    if not secrets.compare_digest(token.encode(), interview.join_token.encode()):
        raise Forbidden("this token does not open this interview")


async def authorized_interview(interview_id: str, request: Request, runtime: RuntimeDep) -> InterviewRow:
    """The interview named in the path, if the request carries its join token (404 first)."""
    interview = await asyncio.to_thread(runtime.repo.get, interview_id)
    check_token(
        interview, token_from(request.headers.get("authorization"), request.query_params.get("token"))
    )
    return interview


InterviewDep = Annotated[InterviewRow, Depends(authorized_interview)]
