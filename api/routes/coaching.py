"""Coaching for practice: feedback on an answer, and practice questions with guidance."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field, StringConstraints

from api.auth import Recruiter
from orchestrator.bank import KeyPoint
from orchestrator.coaching import coaching_feedback, practice_question
from orchestrator.grading import AnswerSpan, grade
from orchestrator.plan import level_for

router = APIRouter(prefix="/api/v1/coaching", tags=["coaching"])
Point = Annotated[str, StringConstraints(min_length=1, max_length=300)]


class FeedbackIn(BaseModel):
    question: str = Field(min_length=3, max_length=2000)
    answer: str = Field(max_length=10_000)
    section: Literal["technical", "behavioural", "hr"] = "technical"
    key_points: list[Point] = Field(default_factory=list, max_length=20)


class PracticeIn(BaseModel):
    role: str = Field(min_length=1, max_length=200)
    skill: str | None = Field(None, max_length=60)
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    level: Literal["junior", "middle", "senior"] = "middle"


@router.post("/feedback")
async def feedback(body: FeedbackIn, principal: Recruiter) -> dict[str, Any]:
    """What the answer covered, what to add, and a better structure (no hiring verdict)."""
    points = [KeyPoint(p, ()) for p in body.key_points]
    g = await asyncio.to_thread(
        grade, body.question, points, [AnswerSpan(body.answer, 0.0, 0.0)], body.section
    )
    return coaching_feedback(g, body.section)


@router.post("/practice-questions")
async def practice_questions(body: PracticeIn, principal: Recruiter) -> dict[str, Any]:
    """A question to practise with, and what a good answer explains."""
    q = practice_question(body.role, body.skill, level_for(body.level, body.difficulty))
    return {
        "question": q.text,
        "section": q.section,
        "level": level_for(body.level, body.difficulty),
        "skills": list(q.skills),
        "guidance": [k.description or k.point for k in q.key_points],
        "followup": q.followup,
    }
