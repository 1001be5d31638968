"""The candidate's invitation: a ready email and an iCalendar event.

The join token is stored only as a hash, so the link is in the invitation returned by
`POST /api/v1/interviews`. Later, `?reissue=true` (recruiters and admins) issues a new link and
revokes the old one; without it the texts carry the `{join_url}` placeholder."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.auth import ViewedInterview, Viewer
from api.deps import RuntimeDep
from api.runtime import Runtime
from api.workspace_schemas import Invitation
from core.errors import InterviewEnded
from core.events import utc_now
from store.models import InterviewRow
from workspace import audit, invitations
from workspace.accounts import Principal

router = APIRouter(prefix="/api/v1/interviews", tags=["interviews"])
Reissue = Annotated[bool, Query(description="issue a new join link; the old one stops working")]


def join_url(runtime: Runtime, request: Request, interview_id: str, token: str) -> str:
    base = (runtime.settings.public_url or str(request.base_url)).rstrip("/")
    return f"{base}/interview/{interview_id}?token={token}"


def facts(runtime: Runtime, interview: InterviewRow) -> invitations.InterviewFacts:
    """What the invitation says (blocking: reads the organisation's name)."""
    org = runtime.accounts.repo.org(interview.org_id or "")
    return invitations.InterviewFacts(
        interview.id,
        interview.role,
        interview.mode,
        interview.duration_minutes,
        interview.candidate_name,
        org.name if org is not None else "our team",
        interview.scheduled_at,
    )


def invitation(
    runtime: Runtime, interview: InterviewRow, url: str | None, token: str | None, reissued: bool = False
) -> Invitation:
    """The email and, when the interview is scheduled, the calendar event (blocking)."""
    about = facts(runtime, interview)
    subject, body = invitations.email(about, url)
    calendar = invitations.ics(about, url, utc_now()) if interview.scheduled_at else None
    return Invitation(
        interview_id=interview.id,
        subject=subject,
        body=body,
        ics=calendar,
        join_url=url,
        join_token=token,
        reissued=reissued,
    )


async def _link(
    runtime: Runtime, request: Request, interview: InterviewRow, principal: Principal, reissue: bool
) -> tuple[str | None, str | None]:
    """(join_url, join_token): a new pair when asked to re-issue, else (None, None)."""
    if not reissue:
        return None, None
    principal.require("recruiter")
    if interview.status in ("completed", "cancelled"):
        raise InterviewEnded(f"this interview is {interview.status}", {"status": interview.status})
    token, token_hash = invitations.new_join_token()
    await asyncio.to_thread(runtime.repo.update, interview.id, join_token_hash=token_hash)
    await asyncio.to_thread(
        audit.record, runtime.workspace, principal, "interview.reissue_link", "interview", interview.id
    )
    return join_url(runtime, request, interview.id, token), token


@router.get("/{interview_id}/invitation", response_model=Invitation)
async def get_invitation(
    interview: ViewedInterview,
    principal: Viewer,
    runtime: RuntimeDep,
    request: Request,
    reissue: Reissue = False,
) -> Invitation:
    """The invitation email (subject, body) and calendar event; `?reissue=true` puts a new link in them."""
    url, token = await _link(runtime, request, interview, principal, reissue)
    return await asyncio.to_thread(invitation, runtime, interview, url, token, reissue)


@router.get(
    "/{interview_id}/invitation.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 409: {"description": "NOT_SCHEDULED"}},
)
async def get_invitation_ics(
    interview: ViewedInterview,
    principal: Viewer,
    runtime: RuntimeDep,
    request: Request,
    reissue: Reissue = False,
) -> Response:
    """The interview as an iCalendar event (DTSTART from scheduled_at); 409 NOT_SCHEDULED without one."""
    if interview.scheduled_at is None:
        raise invitations.NotScheduled("the interview has no scheduled_at, so there is no calendar event")
    url, _ = await _link(runtime, request, interview, principal, reissue)
    about = await asyncio.to_thread(facts, runtime, interview)
    calendar = invitations.ics(about, url, utc_now())
    headers = {"Content-Disposition": f'attachment; filename="interview-{interview.id}.ics"'}
    return Response(calendar, media_type="text/calendar; charset=utf-8", headers=headers)
