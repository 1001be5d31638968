"""Interviews, the recruiter's side: create, list, read, cancel, delete; transcript,
report, attention timeline and the stored event log. Reading the interview and ending
it are open to its candidate too (the candidate's view: no scores)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status

from api.auth import EitherSide, ManagedInterview, Recruiter, ViewedInterview, Viewer
from api.deps import RuntimeDep, SettingsDep
from api.interview_sources import with_job_and_candidate
from api.planning import analysis_with_llm, new_interview
from api.routes.invitations import invitation, join_url
from api.routes.recordings import recordings_of
from api.runtime import VOICE_MODES, Runtime
from api.schemas import (
    InterviewCreate,
    InterviewCreated,
    InterviewEnded,
    InterviewList,
    InterviewPublic,
    QuestionPublic,
    Transcript,
    TranscriptSegment,
)
from core.errors import InterviewEnded as AlreadyEnded
from core.errors import NoVideo, ReportNotReady
from orchestrator.personas import persona
from store.models import InterviewRow, QuestionRow
from store.repository import InterviewFilter
from vision.attention import AttentionSample, flags
from vision.timeline import render_png
from workspace import audit

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/interviews", tags=["interviews"])


def to_public(row: InterviewRow, questions: list[QuestionRow]) -> dict[str, Any]:
    current = None
    if row.status == "in_progress" and 0 <= row.question_index < len(questions):
        q = questions[row.question_index]
        current = QuestionPublic(
            id=q.question_id, text=q.text, index=row.question_index + 1, total=len(questions)
        )
    computed = ("current_question", "recordings", "live")
    fields = {name: getattr(row, name) for name in InterviewPublic.model_fields if name not in computed}
    return {**fields, "current_question": current}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=InterviewCreated)
async def create_interview(
    body: InterviewCreate, principal: Recruiter, runtime: RuntimeDep, settings: SettingsDep, request: Request
) -> dict[str, Any]:
    """The join token and link are shown here only (the server keeps a hash), with the invitation
    email and calendar event that carry them. `job_id` and `candidate_id` fill the fields not sent."""
    await runtime.limiter.hit(settings.rate_limit.create_interview, "create-interview", principal.rate_key)
    if body.job_id or body.candidate_id:
        body = await asyncio.to_thread(with_job_and_candidate, body, runtime.workspace, principal.org_id)
    for persona_id in body.personas:
        persona(persona_id)  # 400 for an unknown one, before anything is stored
    analysis = None
    if runtime.llm is not None:  # awaited here: the planning below is blocking and runs in a thread
        analysis = await analysis_with_llm(
            runtime.llm,
            body.resume_text,
            body.job_description,
            body.role,
            body.level,
            body.skills,
            settings.llm.timeout_s,
            names=[body.candidate_name],
        )
    row, questions, token = await asyncio.to_thread(
        new_interview, body, principal, settings, analysis, runtime.repo
    )
    if body.mode == "coding":  # refused (503 SANDBOX_UNAVAILABLE) where no sandbox can run the code
        runtime.coding.require(body.code_language)
        task, language = await asyncio.to_thread(
            runtime.coding.choose,
            principal.org_id,
            body.task_id,
            body.code_language,
            body.level,
            body.skills,
            row.id,
        )
        row.task_id, row.code_language = task.id, language
    await asyncio.to_thread(runtime.repo.create, row, questions)
    await runtime.status_feed.publish(row)
    url = join_url(runtime, request, row.id, token)
    invited = await asyncio.to_thread(invitation, runtime, row, url, token)
    return {
        **to_public(row, questions),
        "join_token": token,
        "join_url": url,
        "invitation": invited.model_dump(exclude={"join_token"}),
    }


@router.get("", response_model=InterviewList)
async def list_interviews(
    principal: Viewer,
    runtime: RuntimeDep,
    status_: Annotated[
        Literal["scheduled", "in_progress", "completed", "cancelled"] | None, Query(alias="status")
    ] = None,
    mode: Literal["video", "audio", "phone", "chat", "practice", "coding"] | None = None,
    job_id: Annotated[str | None, Query(max_length=64)] = None,
    candidate_id: Annotated[str | None, Query(max_length=64)] = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Your organisation's interviews, newest first."""
    where = InterviewFilter(
        principal.org_id, status_, mode, created_after, created_before, job_id or None, candidate_id or None
    )
    return await interview_page(runtime, where, limit, offset)


async def interview_page(runtime: Runtime, where: InterviewFilter, limit: int, offset: int) -> dict[str, Any]:
    """One page of a list, each row with its report's score, recommendation and flag count."""
    rows, total = await asyncio.to_thread(runtime.repo.page, where, limit, offset)
    summaries = await asyncio.to_thread(runtime.repo.report_summaries, [row.id for row in rows])
    items = [{**to_public(row, []), "current_question": None, **summaries.get(row.id, {})} for row in rows]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/{interview_id}", response_model=InterviewPublic)
async def get_interview(side: EitherSide, runtime: RuntimeDep) -> dict[str, Any]:
    interview, principal = side
    questions = await asyncio.to_thread(runtime.repo.questions, interview.id)
    public = to_public(interview, questions)
    if principal is None:  # the candidate's view: not what the recruiter learned about them
        public["analysis"] = None
    else:
        public["recordings"] = await asyncio.to_thread(recordings_of, runtime, interview.id)
        public["live"] = await live_state(runtime, interview.id)
    return public


async def live_state(runtime: Runtime, interview_id: str) -> dict[str, Any] | None:
    """The driving worker's latest snapshot, from whichever process drives it; None when no
    worker drives it (or the shared state cannot be read: the stored fields still answer)."""
    try:
        snapshot = await runtime.backends.live.get(interview_id)
    except Exception as exc:
        log.warning("live state of %s unreadable: %s", interview_id, exc)
        return None
    if snapshot is None or snapshot.status != "in_progress":
        return None
    return snapshot.to_dict()


@router.post("/{interview_id}/end", response_model=None)
async def end_interview(side: EitherSide, runtime: RuntimeDep, request: Request) -> dict[str, Any] | Response:
    """End now. A recruiter gets the report; the candidate only learns that it has ended."""
    interview, principal = side
    if principal is not None:
        principal.require("recruiter")
    if interview.status == "scheduled":
        raise AlreadyEnded("this interview has not started", {"status": interview.status})
    if runtime.forwarder is not None and interview.mode in VOICE_MODES:  # its worker ends it
        return await runtime.forwarder.forward(request, interview.id)
    report = await runtime.end(interview.id)
    if principal is None:
        return InterviewEnded(id=interview.id, status="completed").model_dump()
    return report


@router.post("/{interview_id}/cancel", response_model=InterviewPublic)
async def cancel_interview(
    interview: ManagedInterview, runtime: RuntimeDep, request: Request
) -> dict[str, Any] | Response:
    """Call it off: a connected candidate is told and disconnected; the link stops working."""
    if runtime.forwarder is not None and interview.mode in VOICE_MODES:  # its worker tells them
        return await runtime.forwarder.forward(request, interview.id)
    await runtime.cancel(interview.id)
    row = await asyncio.to_thread(runtime.repo.get, interview.id)
    return to_public(row, [])


@router.delete("/{interview_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete_interview(
    interview: ManagedInterview, principal: Recruiter, runtime: RuntimeDep
) -> Response:
    """The interview and everything recorded about it (written to the audit log)."""
    await runtime.delete(interview.id)
    await asyncio.to_thread(
        audit.record, runtime.workspace, principal, "interview.delete", "interview", interview.id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{interview_id}/transcript", response_model=Transcript)
async def get_transcript(interview: ViewedInterview, runtime: RuntimeDep) -> Transcript:
    rows = await asyncio.to_thread(runtime.repo.segments, interview.id)
    return Transcript(
        interview_id=interview.id,
        segments=[TranscriptSegment.model_validate(r, from_attributes=True) for r in rows],
    )


@router.get("/{interview_id}/report")
async def get_report(interview: ViewedInterview, runtime: RuntimeDep) -> dict[str, Any]:
    report = await asyncio.to_thread(runtime.repo.report, interview.id)
    if report is None:
        raise ReportNotReady("the report is written when the interview ends", {"status": interview.status})
    return report


@router.get("/{interview_id}/events")
async def get_events(interview: ViewedInterview, runtime: RuntimeDep) -> dict[str, Any]:
    """Every event of the interview as stored (scores and attention included)."""
    rows = await asyncio.to_thread(runtime.repo.events, interview.id)
    return {"events": [{"type": r.type, "data": r.data, "ts": r.ts.isoformat()} for r in rows]}


@router.get(
    "/{interview_id}/attention.png", response_class=Response, responses={200: {"content": {"image/png": {}}}}
)
async def attention_timeline(interview: ViewedInterview, runtime: RuntimeDep) -> Response:
    """Presence, looking at the screen and faces over the interview, flags shaded."""
    if interview.mode != "video":
        raise NoVideo("only video interviews have an attention timeline", {"mode": interview.mode})
    agent = runtime.agent(interview.id)
    if agent is not None and agent.attention is not None:
        await agent.attention.flush()
    stored = await asyncio.to_thread(runtime.repo.attention_samples, interview.id)
    samples = [AttentionSample(**row) for row in stored]
    png = await asyncio.to_thread(render_png, samples, flags(samples), f"Attention: {interview.role}")
    return Response(png, media_type="image/png")
