"""The candidate's side: the room page, consent, typed answers (chat), and feedback when allowed."""

from __future__ import annotations

import asyncio
import html
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from api.auth import CandidateInterview, check_join_token
from api.deps import RuntimeDep, SettingsDep, bearer
from api.schemas import ConsentIn, ConsentOut, Feedback, MessageIn, MessageOut
from api.settings import Settings
from core.errors import (
    ConsentRequired,
    FeedbackDisabled,
    InterviewEnded,
    IntervoxError,
    JoinLinkExpired,
    ReportNotReady,
)
from core.events import utc_now

pages = APIRouter(tags=["candidate"], include_in_schema=False)
router = APIRouter(prefix="/api/v1/interviews", tags=["candidate"])


class ConsentRefused(ConsentRequired):
    status = 400


def web_dir(settings: Settings) -> Path:
    """The pages: INTERVOX_WEB_DIR, else the copy installed with the package."""
    if settings.web_dir:
        return Path(settings.web_dir)
    return Path(str(files("web")))


def _page(status: int, title: str, message: str) -> HTMLResponse:
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{html.escape(title)} · Intervox</title><link rel="stylesheet" href="/static/room.css">'
        f'</head><body><main><section class="card"><h1>{html.escape(title)}</h1>'
        f"<p>{html.escape(message)}</p></section></main></body></html>"
    )
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


@pages.get("/interview/{interview_id}", response_model=None)
async def interview_room(
    interview_id: str, request: Request, runtime: RuntimeDep, settings: SettingsDep
) -> FileResponse | HTMLResponse:
    """The room. A bad or expired link gets a plain page (404 / 410) from the server; the
    page removes the token from the address bar and keeps it for a reload."""
    token = bearer(request)
    if token is not None:
        try:
            interview = await asyncio.to_thread(runtime.repo.get, interview_id)
            check_join_token(runtime, interview, token)
        except JoinLinkExpired:
            return _page(410, "This interview link has expired", "Please ask the recruiter for a new link.")
        except IntervoxError:
            return _page(
                404, "This link does not open an interview", "Please check the link in your invitation."
            )
        if interview.status in ("completed", "cancelled"):
            return _page(410, "This interview has ended", "Thank you. There is nothing more to do here.")
    return FileResponse(web_dir(settings) / "interview.html", headers={"Cache-Control": "no-store"})


@router.post("/{interview_id}/consent", response_model=ConsentOut)
async def record_consent(body: ConsentIn, interview: CandidateInterview, runtime: RuntimeDep) -> ConsentOut:
    """The candidate agrees to the recording (required before any media) and, in video
    interviews, optionally to the camera analysis."""
    if interview.status in ("completed", "cancelled"):
        raise InterviewEnded("this interview has already ended", {"status": interview.status})
    if not body.recording:
        raise ConsentRefused("the interview needs consent to record and transcribe your answers")
    video = interview.mode == "video"
    consent = body.model_dump() | {
        "camera_analysis": body.camera_analysis and video,
        "video_recording": body.video_recording and video,
    }
    row = await asyncio.to_thread(runtime.repo.update, interview.id, consent=consent, consented_at=utc_now())
    session = runtime.cached_session(interview.id)
    if session is not None:
        session.interview.consent, session.interview.consented_at = row.consent, row.consented_at
    assert row.consented_at is not None
    return ConsentOut(consent=consent, consented_at=row.consented_at)


@router.post("/{interview_id}/messages", response_model=MessageOut)
async def post_message(body: MessageIn, interview: CandidateInterview, runtime: RuntimeDep) -> MessageOut:
    """Chat interviews: a typed answer in, the interviewer's reply out (spoken ones: 409)."""
    session = await runtime.session(interview.id)
    reply, _ = await runtime.text_turn(interview.id, body.text)
    return MessageOut(
        reply=reply.text,
        kind=reply.kind,
        question_id=reply.question_id,
        status=session.status,
        phase=session.interview.phase,
    )


@router.get("/{interview_id}/feedback", response_model=Feedback)
async def candidate_feedback(
    interview: CandidateInterview, runtime: RuntimeDep, settings: SettingsDep
) -> Feedback:
    """A short, kind summary for the candidate, when the operator allows it (never scores)."""
    if not settings.candidate_feedback:
        raise FeedbackDisabled("this organisation does not share feedback with candidates")
    report = await asyncio.to_thread(runtime.repo.report, interview.id)
    if report is None:
        raise ReportNotReady("feedback is ready when the interview has ended")
    answered = report["scores"]["questions_answered"]
    planned = report["scores"]["questions_planned"]
    if not planned:  # a coding interview: no questions, the feedback is about the code
        return Feedback(summary=report["candidate_feedback"], strengths=[], to_work_on=report["roadmap"][:3])
    strong = [q["text"] for q in report["questions"] if q["status"] == "scored" and q["score"] >= 7]
    return Feedback(
        summary=f"You answered {answered} of {planned} questions. {report['candidate_feedback']}",
        strengths=strong,
        to_work_on=report["roadmap"][:3],
    )
