"""A new interview's plan from the request: the job and the resume are analysed
(workspace) and the plan is built from that analysis (orchestrator)."""

from __future__ import annotations

from typing import Any

from api.schemas import InterviewCreate
from api.settings import Settings
from orchestrator.plan import parse_sections, plan_interview
from store.models import InterviewRow, QuestionRow
from store.repository import InterviewRepository
from workspace.accounts import Principal
from workspace.analysis import analyse, redact_personal


def analysis_for(
    resume_text: str | None, job_description: str | None, role: str, level: str, skills: list[str]
) -> dict[str, Any] | None:
    if not resume_text and not job_description:
        return None
    return analyse(resume_text, job_description, role, level, skills).to_dict()


def new_interview(
    body: InterviewCreate, principal: Principal, settings: Settings
) -> tuple[InterviewRow, list[QuestionRow], str]:
    """The rows and the join token (blocking: the analysis runs here)."""
    fields = body.model_dump()
    resume = redact_personal(body.resume_text) if body.resume_text else None
    fields["resume_text"] = resume
    fields["questions"] = [q.model_dump() for q in body.questions]
    analysis = analysis_for(resume, body.job_description, body.role, body.level, body.skills)
    return plan_interview(
        **fields,
        analysis=analysis,
        org_id=principal.org_id,
        created_by=principal.user_id,
        sections=parse_sections(settings.interview.sections),
    )


def replan_with_resume(
    repo: InterviewRepository, interview: InterviewRow, text: str, settings: Settings
) -> dict[str, Any]:
    """Store the redacted resume and its analysis; rebuild the questions of a scheduled
    interview whose plan came from the bank (a recruiter's own questions stay)."""
    resume = redact_personal(text)
    job = interview.job_description
    analysis = analysis_for(resume, job, interview.role, interview.level, interview.skills)
    assert analysis is not None
    repo.update(interview.id, resume_text=resume, analysis=analysis)
    questions = repo.questions(interview.id)
    if interview.status == "scheduled" and all(q.source != "recruiter" for q in questions):
        _, fresh, _ = plan_interview(
            interview.role,
            interview.level,
            interview.skills,
            interview.mode,
            interview.duration_minutes,
            personas=interview.personas,
            difficulty=interview.difficulty,
            analysis=analysis,
            sections=parse_sections(settings.interview.sections),
        )
        for q in fresh:
            q.interview_id = interview.id
        repo.replace_questions(interview.id, fresh)
    return analysis
