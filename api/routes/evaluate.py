"""Grade one answer outside an interview, with the scorer the interview uses (recruiter credential)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field, StringConstraints

from api.auth import Recruiter
from orchestrator.grading import AnswerSpan, Grade, grade

router = APIRouter(prefix="/api/v1", tags=["evaluate"])

KeyPointText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class EvaluateRequest(BaseModel):
    """A question, the key points a good answer covers, the answer text and the rubric section."""

    question: str = Field(min_length=1, max_length=2000)
    key_points: list[KeyPointText] = Field(default_factory=list, max_length=20)
    answer: str = Field(max_length=10000)
    section: Literal["technical", "behavioural", "hr"] = "technical"


class EvidenceOut(BaseModel):
    """A covered key point and the quoted words behind it (times are null for pasted text)."""

    point: str
    quote: str
    start: float | None = None
    end: float | None = None


class EvaluateResponse(BaseModel):
    """The grade: score is null when the answer said nothing (status "not_answered")."""

    status: Literal["scored", "not_answered", "not_asked"]
    score: float | None
    dimensions: dict[str, float]
    covered: list[str]
    missed: list[str]
    evidence: list[EvidenceOut]
    feedback: str
    method: Literal["embeddings", "lexical"]
    weights: dict[str, float]


@router.post("/evaluate", response_model=EvaluateResponse)
async def evaluate(body: EvaluateRequest, principal: Recruiter) -> EvaluateResponse:
    """Score an answer 0-10 with per-dimension scores and quoted evidence for each covered key point."""
    # pasted text has no interview clock; the grader needs a span, so it gets one at 0 s, and the
    # times it derives are withheld below rather than reported as if they were real
    span = AnswerSpan(body.answer, 0.0, 0.0)
    result: Grade = await asyncio.to_thread(grade, body.question, body.key_points, [span], body.section)
    return EvaluateResponse(
        status=result.status,
        score=result.score,
        dimensions=result.dimensions,
        covered=result.covered,
        missed=result.missed,
        evidence=[EvidenceOut(point=e.point, quote=e.quote) for e in result.evidence],
        feedback=result.feedback,
        method=result.method,
        weights=result.weights,
    )
