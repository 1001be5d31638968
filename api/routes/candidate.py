"""The candidate's side: the interview room page, consent, and (if allowed) feedback."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.deps import InterviewDep, RuntimeDep, SettingsDep
from api.schemas import ConsentIn, ConsentOut, Feedback
from api.settings import Settings
from core.errors import ConsentRequired, FeedbackDisabled, InterviewEnded, ReportNotReady
from core.events import utc_now

pages = APIRouter(tags=["candidate"], include_in_schema=False)
router = APIRouter(prefix="/api/v1/interviews", tags=["candidate"])


def web_dir(settings: Settings) -> Path:
    if settings.web_dir:
        return Path(settings.web_dir)
    beside_code = Path(__file__).resolve().parents[2] / "web"
    return beside_code if beside_code.is_dir() else Path.cwd() / "web"


@pages.get("/interview/{interview_id}")
async def interview_room(interview_id: str, settings: SettingsDep) -> FileResponse:
    """The room. The page itself checks the link's token through the API and shows
    a clear message for an unknown, invalid or finished interview."""
    return FileResponse(web_dir(settings) / "interview.html", headers={"Cache-Control": "no-store"})


@router.post("/{interview_id}/consent", response_model=ConsentOut)
async def record_consent(body: ConsentIn, interview: InterviewDep, runtime: RuntimeDep) -> ConsentOut:
    if interview.status in ("completed", "cancelled"):
        raise InterviewEnded("this interview has already ended", {"status": interview.status})
    if not body.recording:
        raise ConsentRequired("the interview needs consent to record and transcribe your answers")
    consent = body.model_dump() | {"camera_analysis": body.camera_analysis and interview.mode == "video"}
    row = await asyncio.to_thread(runtime.repo.update, interview.id, consent=consent, consented_at=utc_now())
    session = runtime.cached_session(interview.id)
    if session is not None:
        session.interview.consent, session.interview.consented_at = row.consent, row.consented_at
    assert row.consented_at is not None
    return ConsentOut(consent=consent, consented_at=row.consented_at)


@router.get("/{interview_id}/feedback", response_model=Feedback)
async def candidate_feedback(interview: InterviewDep, runtime: RuntimeDep, settings: SettingsDep) -> Feedback:
    """A short, kind summary for the candidate, when the operator allows it."""
    if not settings.candidate_feedback:
        raise FeedbackDisabled("this organisation does not share feedback with candidates")
    report = await asyncio.to_thread(runtime.repo.report, interview.id)
    if report is None:
        raise ReportNotReady("feedback is ready when the interview has ended")
    answered = report["scores"]["questions_answered"]
    planned = report["scores"]["questions_planned"]
    strong = [q["text"] for q in report["questions"] if q["score"] >= 7]
    weak = [
        f"{q['text']} (not mentioned: {', '.join(q['key_points_missed'])})"
        for q in report["questions"]
        if q["answer"] and q["key_points_missed"] and q["score"] < 5
    ]
    return Feedback(
        summary=f"You answered {answered} of {planned} questions. Thank you for your time.",
        strengths=strong,
        to_work_on=weak,
    )
