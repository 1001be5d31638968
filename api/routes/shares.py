"""Share links: a recruiter lets someone without an account read one interview's report
(JSON, PDF, or a plain page) until the link expires or is revoked."""

from __future__ import annotations

import asyncio
import html
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from api.auth import ManagedInterview, Recruiter, ViewedInterview
from api.deps import RuntimeDep, SettingsDep
from api.report_page import report_page
from api.routes.report_pdf import PDF, report_pdf
from api.runtime import Runtime
from core.errors import IntervoxError, ReportNotReady
from store.models import InterviewRow
from workspace import audit
from workspace.shares import ShareExpired, ShareNotFound, is_expired, new_share, open_share

router = APIRouter(prefix="/api/v1", tags=["shares"])
pages = APIRouter(tags=["shares"], include_in_schema=False)


class ShareCreate(BaseModel):
    expires_in_hours: int = Field(72, ge=1, le=24 * 30)


class SharePublic(BaseModel):
    id: str
    interview_id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    active: bool


class ShareCreated(SharePublic):
    share_token: str  # shown here only
    url: str


def _public(row: Any) -> dict[str, Any]:
    fields = {
        name: getattr(row, name) for name in ("id", "interview_id", "created_at", "expires_at", "revoked_at")
    }
    return {**fields, "active": row.revoked_at is None and not is_expired(row)}


@router.post(
    "/interviews/{interview_id}/share", status_code=status.HTTP_201_CREATED, response_model=ShareCreated
)
async def create_share(
    interview: ManagedInterview,
    principal: Recruiter,
    runtime: RuntimeDep,
    settings: SettingsDep,
    request: Request,
    body: ShareCreate | None = None,
) -> dict[str, Any]:
    """A read-only link to this interview's report; the token is shown once."""
    hours = (body or ShareCreate()).expires_in_hours
    row, token = new_share(principal.org_id, interview.id, principal.user_id, hours)
    await asyncio.to_thread(runtime.shares.add, row)
    # a report leaving the organisation through a link: who made it, for how long
    details = {"share_id": row.id, "expires_in_hours": hours}
    await asyncio.to_thread(
        audit.record, runtime.workspace, principal, "share.create", "interview", interview.id, details
    )
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    return {**_public(row), "share_token": token, "url": f"{base}/shared/{token}"}


@router.get("/interviews/{interview_id}/shares", response_model=list[SharePublic])
async def list_shares(interview: ViewedInterview, runtime: RuntimeDep) -> list[dict[str, Any]]:
    """The interview's share links, newest first (never their tokens)."""
    return [_public(r) for r in await asyncio.to_thread(runtime.shares.for_interview, interview.id)]


@router.delete("/shares/{share_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def revoke_share(share_id: str, principal: Recruiter, runtime: RuntimeDep) -> Response:
    """The link stops working at once."""
    row = await asyncio.to_thread(runtime.shares.get, share_id)
    if row is None or row.org_id != principal.org_id:
        raise ShareNotFound(f"no share link {share_id}", {"id": share_id})
    await asyncio.to_thread(runtime.shares.revoke, share_id)
    details = {"share_id": share_id}
    await asyncio.to_thread(
        audit.record, runtime.workspace, principal, "share.revoke", "interview", row.interview_id, details
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def shared_interview(runtime: Runtime, share_token: str) -> InterviewRow:
    """The one interview a live share token opens (404 unknown or revoked, 410 expired)."""
    share = await asyncio.to_thread(open_share, runtime.shares, share_token)
    return await asyncio.to_thread(runtime.repo.get, share.interview_id)


@router.get("/shared/{share_token}")
async def shared_report(share_token: str, runtime: RuntimeDep) -> dict[str, Any]:
    """The report the link was made for, read-only (404 REPORT_NOT_READY until it is written)."""
    interview = await shared_interview(runtime, share_token[:200])
    report = await asyncio.to_thread(runtime.repo.report, interview.id)
    if report is None:
        raise ReportNotReady("the report is written when the interview ends", {"status": interview.status})
    return report


@router.get("/shared/{share_token}/report.pdf", response_class=Response, responses=PDF)
async def shared_report_pdf(share_token: str, runtime: RuntimeDep) -> Response:
    return await report_pdf(runtime, await shared_interview(runtime, share_token[:200]))


def _message(status_code: int, title: str, text: str) -> HTMLResponse:
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{html.escape(title)} · Intervox</title><link rel="stylesheet" href="/static/report.css">'
        f'</head><body><main><section class="card"><h1>{html.escape(title)}</h1>'
        f"<p>{html.escape(text)}</p></section></main></body></html>"
    )
    return HTMLResponse(body, status_code=status_code, headers=PAGE_HEADERS)


PAGE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


@pages.get("/shared/{share_token}", response_class=HTMLResponse)
async def shared_page(share_token: str, runtime: RuntimeDep) -> HTMLResponse:
    """The report as a plain page, rendered on the server (no script)."""
    try:
        interview = await shared_interview(runtime, share_token[:200])
    except ShareExpired:
        return _message(410, "This link has expired", "Ask the person who shared it for a new one.")
    except IntervoxError:
        return _message(404, "This link does not open a report", "It may have been revoked.")
    report = await asyncio.to_thread(runtime.repo.report, interview.id)
    if report is None:
        return _message(404, "The report is not ready yet", "It is written when the interview ends.")
    pdf_url = f"/api/v1/shared/{share_token}/report.pdf"
    return HTMLResponse(report_page(interview, report, pdf_url), headers=PAGE_HEADERS)
