"""Interviews: create, read, end, transcript, report, chat messages."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response, status

from api.deps import InterviewDep, RuntimeDep, SettingsDep
from api.schemas import (
    InterviewCreate,
    InterviewCreated,
    InterviewPublic,
    MessageIn,
    MessageOut,
    QuestionPublic,
    Transcript,
    TranscriptSegment,
)
from core.errors import InterviewEnded, NoVideo, ReportNotReady
from orchestrator.plan import plan_interview
from store.models import InterviewRow, QuestionRow
from vision.attention import AttentionSample, flags
from vision.timeline import render_png

router = APIRouter(prefix="/api/v1/interviews", tags=["interviews"])


def to_public(row: InterviewRow, questions: list[QuestionRow]) -> dict[str, Any]:
    current = None
    if row.status == "in_progress" and 0 <= row.question_index < len(questions):
        q = questions[row.question_index]
        current = QuestionPublic(
            id=q.question_id, text=q.text, index=row.question_index + 1, total=len(questions)
        )
    fields = {name: getattr(row, name) for name in InterviewPublic.model_fields if name != "current_question"}
    return {**fields, "current_question": current}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=InterviewCreated)
async def create_interview(
    body: InterviewCreate, runtime: RuntimeDep, settings: SettingsDep, request: Request
) -> dict[str, Any]:
    row, questions = plan_interview(**body.model_dump())
    await asyncio.to_thread(runtime.repo.create, row, questions)
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    return {
        **to_public(row, questions),
        "join_token": row.join_token,
        "join_url": f"{base}/interview/{row.id}?token={row.join_token}",
    }


@router.get("/{interview_id}", response_model=InterviewPublic)
async def get_interview(interview: InterviewDep, runtime: RuntimeDep) -> dict[str, Any]:
    questions = await asyncio.to_thread(runtime.repo.questions, interview.id)
    return to_public(interview, questions)


@router.post("/{interview_id}/end")
async def end_interview(interview: InterviewDep, runtime: RuntimeDep) -> dict[str, Any]:
    if interview.status == "scheduled":
        raise InterviewEnded("this interview has not started", {"status": interview.status})
    return await runtime.end(interview.id)


@router.get("/{interview_id}/transcript", response_model=Transcript)
async def get_transcript(interview: InterviewDep, runtime: RuntimeDep) -> Transcript:
    rows = await asyncio.to_thread(runtime.repo.segments, interview.id)
    return Transcript(
        interview_id=interview.id,
        segments=[TranscriptSegment.model_validate(r, from_attributes=True) for r in rows],
    )


@router.get("/{interview_id}/report")
async def get_report(interview: InterviewDep, runtime: RuntimeDep) -> dict[str, Any]:
    report = await asyncio.to_thread(runtime.repo.report, interview.id)
    if report is None:
        raise ReportNotReady("the report is written when the interview ends", {"status": interview.status})
    return report


@router.post("/{interview_id}/messages", response_model=MessageOut)
async def post_message(body: MessageIn, interview: InterviewDep, runtime: RuntimeDep) -> MessageOut:
    """Chat mode, or answering without media: the interviewer's reply as text."""
    reply, report = await runtime.text_turn(interview.id, body.text)
    session = await runtime.session(interview.id)
    return MessageOut(
        reply=reply.text,
        kind=reply.kind,
        question_id=reply.question_id,
        status=session.status,
        phase=session.interview.phase,
        report=report,
    )


@router.get(
    "/{interview_id}/attention.png", response_class=Response, responses={200: {"content": {"image/png": {}}}}
)
async def attention_timeline(interview: InterviewDep, runtime: RuntimeDep) -> Response:
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
