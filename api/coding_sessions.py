"""A coding interview's live session as the runtime sets it up: the task as the interviewer knows
it (never the hidden tests or the reference), a reader of the latest code, the hint settings and
the grader. The orchestrator needs nothing from `coding`: these are handed to it."""

from __future__ import annotations

import asyncio

from api.settings import CodingSettings
from coding.service import CodingService
from coding.state import latest
from orchestrator.coding_coach import CoachOptions
from orchestrator.coding_session import CodingBrief, CodingSession


async def configure_coding(session: CodingSession, coding: CodingService, settings: CodingSettings) -> None:
    interview = session.interview
    task = await asyncio.to_thread(coding.task, interview.org_id, interview.task_id or "")
    language = interview.code_language or task.languages[0]
    starter = {str(lang): code for lang, code in task.starter.items()}.get(language, "")
    brief = CodingBrief(task.title, task.statement, language, tuple(task.hints), len(starter.encode("utf-8")))
    options = CoachOptions(
        stuck_after_s=settings.hint_after_s, failing_runs_for_hint=settings.hint_after_failing_runs
    )
    session.configure(brief, lambda: latest(coding.repo, interview.id), options)
    session.coding_grader = coding.grade
