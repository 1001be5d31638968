"""A job description from a title, a level and skills: by the LLM when one is configured, else (or
when it fails, times out or answers nonsense) by the template in workspace/jobs.py."""

from __future__ import annotations

import logging

from pydantic import BaseModel, Field, ValidationError

from llm import LlmClient, LlmError
from workspace.jobs import template_description

log = logging.getLogger(__name__)
PROMPT = """You write job descriptions for a hiring team. Write one for this opening.

Title: {title}
Level: {level}
Skills: {skills}

Plain text, 150 to 300 words, in three short parts: what the role is, what the person will do,
what we look for. Mention the skills named. No salary, no invented company facts, nothing about
age, gender, nationality or family. Answer as JSON: {{"description": "..."}}"""
MAX_CHARS = 6_000


class DescriptionReply(BaseModel):
    description: str = Field(min_length=80)


async def describe(
    llm: LlmClient | None, title: str, level: str, skills: list[str], timeout_s: float
) -> tuple[str, str, str | None]:
    """(description, method "llm" or "template", the fallback's reason when the LLM failed)."""
    if llm is None:
        return template_description(title, level, skills), "template", None
    prompt = PROMPT.format(title=title, level=level, skills=", ".join(skills) or "none given")
    try:
        reply = await llm.complete_json(
            [{"role": "system", "content": prompt}],
            DescriptionReply,
            name="job_description",
            max_tokens=800,
            timeout_s=timeout_s,
        )
    except (LlmError, ValidationError, ValueError) as exc:
        reason = f"{type(exc).__name__}: {exc}"[:200]
        log.warning("job description fell back to the template (%s)", reason)
        return template_description(title, level, skills), "template", reason
    return reply.description.strip()[:MAX_CHARS], "llm", None
