"""A new interview's plan from the request: the job and the resume are analysed
(by the LLM when one is configured, else or on its failure by the rules in workspace)
and the plan is built from that analysis (orchestrator)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from api.schemas import InterviewCreate
from api.settings import Settings
from llm import LlmClient, LlmError
from orchestrator.llm_analysis import llm_analysis
from orchestrator.plan import parse_sections, plan_interview
from store.models import InterviewRow, QuestionRow
from store.repository import InterviewRepository
from workspace.accounts import Principal
from workspace.analysis import analyse, redact_personal

log = logging.getLogger(__name__)


def analysis_for(
    resume_text: str | None, job_description: str | None, role: str, level: str, skills: list[str]
) -> dict[str, Any] | None:
    if not resume_text and not job_description:
        return None
    return analyse(resume_text, job_description, role, level, skills).to_dict()


async def analysis_with_llm(
    llm: LlmClient,
    resume_text: str | None,
    job_description: str | None,
    role: str,
    level: str,
    skills: list[str],
    timeout_s: float,
    names: Sequence[str | None] = (),
) -> dict[str, Any] | None:
    """The LLM's analysis of the redacted resume and the job; the rules analysis, marked with the
    fallback's reason, when the model fails, times out or answers invalid JSON."""
    if not resume_text and not job_description:
        return None
    resume = redact_personal(resume_text) if resume_text else None
    try:
        return await llm_analysis(llm, resume, job_description, role, level, skills, timeout_s, names)
    except (LlmError, ValidationError, ValueError, KeyError) as exc:
        reason = f"{type(exc).__name__}: {exc}"[:200]
        log.warning("resume analysis fell back to rules (%s)", reason)
        rules = await asyncio.to_thread(analysis_for, resume, job_description, role, level, skills)
        return None if rules is None else {**rules, "method": "rules", "fallback": reason}


def with_memory(
    repo: InterviewRepository, org_id: str, candidate_id: str, analysis: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Practice memory (opted into on both sessions): start from the key points the
    candidate's last practice missed. Without opt-in nothing carries over."""
    last = repo.last_practice(org_id, candidate_id)
    if last is None:
        return analysis
    previous, report = last
    weak = [
        point
        for q in report.get("questions", [])
        if q.get("status") in ("scored", "not_answered") and (q.get("score") or 0) < 7
        for point in q.get("key_points_missed", [])
    ]
    merged = dict(analysis or {})
    merged["focus_areas"] = list(dict.fromkeys(weak + list(merged.get("focus_areas", []))))[:8]
    merged["memory_from"] = previous.id
    return merged


def new_interview(
    body: InterviewCreate,
    principal: Principal,
    settings: Settings,
    analysis: dict[str, Any] | None = None,
    repo: InterviewRepository | None = None,
) -> tuple[InterviewRow, list[QuestionRow], str]:
    """The rows and the join token (blocking: the rules analysis runs here unless `analysis` is given)."""
    fields = body.model_dump(exclude={"task_id", "code_language"})  # a coding task is chosen apart
    resume = redact_personal(body.resume_text) if body.resume_text else None
    fields["resume_text"] = resume
    fields["questions"] = [q.model_dump() for q in body.questions]
    if analysis is None:
        analysis = analysis_for(resume, body.job_description, body.role, body.level, body.skills)
    if body.mode == "practice" and body.memory and body.candidate_id and repo is not None:
        analysis = with_memory(repo, principal.org_id, body.candidate_id, analysis)
    row, questions, token = plan_interview(
        **fields,
        analysis=analysis,
        org_id=principal.org_id,
        created_by=principal.user_id,
        sections=parse_sections(settings.interview.sections),
    )
    if analysis and analysis.get("fallback"):  # the report lists every step rules took over
        row.fallbacks = [{"step": "analyse", "reason": analysis["fallback"], "at": 0.0}]
    return row, questions, token


def replan_with_resume(
    repo: InterviewRepository,
    interview: InterviewRow,
    text: str,
    settings: Settings,
    analysis: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Store the redacted resume and its analysis (the rules' unless one is given); rebuild the
    questions of a scheduled interview whose plan came from the bank (a recruiter's own stay)."""
    resume = redact_personal(text)
    job = interview.job_description
    if analysis is None:
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
