"""A new interview: its record, its join token and its planned questions."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import asdict
from datetime import datetime

from orchestrator.bank import pick_questions
from store.models import InterviewRow, QuestionRow


def plan_interview(
    role: str,
    level: str = "middle",
    skills: list[str] | None = None,
    mode: str = "video",
    duration_minutes: int = 20,
    candidate_name: str | None = None,
    language: str = "en",
    org_id: str | None = None,
    created_by: str | None = None,
    scheduled_at: datetime | None = None,
) -> tuple[InterviewRow, list[QuestionRow], str]:
    """The rows to store for a new interview, and its join token (shown once: only its
    hash is stored). Questions are numbered q1, q2, ..."""
    interview_id = str(uuid.uuid4())
    join_token = secrets.token_urlsafe(24)
    row = InterviewRow(
        id=interview_id,
        org_id=org_id,
        created_by=created_by,
        scheduled_at=scheduled_at,
        role=role,
        level=level,
        skills=skills or [],
        mode=mode,
        duration_minutes=duration_minutes,
        candidate_name=candidate_name,
        language=language,
        join_token_hash=hashlib.sha256(join_token.encode()).hexdigest(),
        status="scheduled",
        phase="intro",
        question_index=0,
        followup_asked=False,
    )
    picked = pick_questions(role, level, skills or [], duration_minutes, seed=interview_id)
    questions = [
        QuestionRow(
            interview_id=interview_id,
            position=i,
            question_id=f"q{i + 1}",
            bank_id=q.id,
            text=q.text,
            followup=q.followup,
            category=q.category,
            key_points=[asdict(k) for k in q.key_points],
        )
        for i, q in enumerate(picked)
    ]
    return row, questions, join_token
