"""Jobs: an organisation's openings, and a job description written from a title, a level and skills
when no LLM is configured (or it fails). Blocking; the API calls it through `asyncio.to_thread`."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from core.errors import Conflict, NotFound
from core.events import utc_now
from store.models import JobRow
from store.workspace import Page, WorkspaceRepository
from workspace.accounts import Principal

JobStatus = Literal["open", "archived"]
EDITABLE = ("title", "level", "skills", "description", "status")


class JobNotFound(NotFound):
    code = "JOB_NOT_FOUND"


class JobArchived(Conflict):
    """An archived job takes no new interviews (open it again with PATCH status=open)."""

    code = "JOB_ARCHIVED"


class JobService:
    def __init__(self, repo: WorkspaceRepository) -> None:
        self.repo = repo

    def create(self, caller: Principal, fields: dict[str, Any]) -> JobRow:
        row = JobRow(id=str(uuid.uuid4()), org_id=caller.org_id, created_by=caller.user_id, **fields)
        row.updated_at = row.created_at = utc_now()
        self.repo.add(row)
        return row

    def get(self, org_id: str, job_id: str) -> JobRow:
        """The job, or 404 when it is missing or another organisation's."""
        row = self.repo.job(org_id, job_id)
        if row is None:
            raise JobNotFound(f"no job {job_id}", {"id": job_id})
        return row

    def page(self, page: Page) -> tuple[list[JobRow], int]:
        return self.repo.jobs(page)

    def update(self, org_id: str, job_id: str, fields: dict[str, Any]) -> JobRow:
        self.get(org_id, job_id)
        changes = {name: value for name, value in fields.items() if name in EDITABLE}
        if changes:
            self.repo.update_job(job_id, **changes)
        return self.get(org_id, job_id)

    def delete(self, org_id: str, job_id: str) -> int:
        """The job; its interviews stay. Returns how many interviews it was detached from."""
        self.get(org_id, job_id)
        return self.repo.delete_job(job_id)


# -- descriptions without an LLM ------------------------------------------------------------------

_LEVEL_TEXT = {
    "junior": (
        "This is an early-career role: you will learn from experienced colleagues, work on well-scoped "
        "tasks and grow your ownership step by step.",
        [
            "Solid fundamentals and the curiosity to learn what you do not know yet",
            "Clear written and spoken communication, and asking for help early",
        ],
    ),
    "middle": (
        "You will own features from design to production, work independently on most tasks and help "
        "the team make sound technical choices.",
        [
            "A few years of hands-on experience shipping and running software",
            "Good judgement about trade-offs, testing and maintainability",
        ],
    ),
    "senior": (
        "You will lead the technical direction of larger pieces of work, mentor colleagues and raise "
        "the quality bar of the whole team.",
        [
            "Extensive experience designing, shipping and operating systems at scale",
            "A track record of mentoring others and leading technical decisions",
        ],
    ),
}


def template_description(title: str, level: str, skills: list[str]) -> str:
    """A plain, editable job description in three parts: the role, what you will do, what we look for."""
    intro, asks = _LEVEL_TEXT.get(level, _LEVEL_TEXT["middle"])
    level_word = {"middle": "mid-level"}.get(level, level)
    stack = ", ".join(skills[:-1]) + f" and {skills[-1]}" if len(skills) > 1 else "".join(skills)
    doing = [
        f"Build and improve our products as a {title}" + (f", mainly with {stack}" if stack else ""),
        "Work closely with product, design and your fellow engineers on what to build and why",
        "Review code, write tests and keep what you build reliable in production",
    ]
    looking = [f"Practical experience with {skill}" for skill in skills[:8]] + asks
    lines = [
        f"{title} ({level_word})",
        "",
        f"We are looking for a {level_word} {title} to join our team. {intro}",
        "",
        "What you will do:",
        *(f"- {item}" for item in doing),
        "",
        "What we look for:",
        *(f"- {item}" for item in looking),
        "",
        "The process starts with a short structured interview; every candidate is asked about the "
        "same skills and scored against the same criteria.",
    ]
    return "\n".join(lines)
