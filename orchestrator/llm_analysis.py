"""The job and resume analysis by an LLM (any OpenAI-compatible endpoint), validated with pydantic.

The same fields as the rules analysis (workspace/analysis.py), which the caller uses whenever the
model fails. The input is the resume with personal lines already redacted by the caller, and the
candidate's name masked here too: nothing about who the candidate is reaches the prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, field_validator

from llm import LlmClient
from orchestrator.llm_interviewer import load_prompt, without_name

MAX_INPUT_CHARS = 12_000
MAX_ITEM_CHARS = 200
LIST_LIMITS = {"skills": 30, "roles": 10, "strengths": 10, "gaps": 10, "focus_areas": 6}
_SENIORITY_WORDS = {"mid": "middle", "mid-level": "middle", "intermediate": "middle", "lead": "senior"}


class AnalysisOut(BaseModel):
    """What the model returns; every field is required, so a reply of another shape is invalid."""

    skills: list[str]
    years_experience: float | None
    roles: list[str]
    seniority_estimate: Literal["junior", "middle", "senior"] | None
    strengths: list[str]
    gaps: list[str]
    focus_areas: list[str]

    @field_validator("seniority_estimate", mode="before")
    @classmethod
    def _seniority(cls, value: Any) -> Any:
        """Common synonyms ("mid", "intermediate") are the same three levels."""
        if isinstance(value, str):
            lowered = value.strip().lower()
            return _SENIORITY_WORDS.get(lowered, lowered) or None
        return value


def cleaned(out: AnalysisOut) -> dict[str, Any]:
    """The analysis dict as the rules produce it, with `method="llm"`: trimmed, bounded, no duplicates."""
    lists = {
        name: list(dict.fromkeys(s.strip()[:MAX_ITEM_CHARS] for s in getattr(out, name) if s.strip()))[:limit]
        for name, limit in LIST_LIMITS.items()
    }
    years = out.years_experience
    years = None if years is None or years < 0 else round(min(years, 60.0), 1)
    return {
        "skills": lists["skills"],
        "years_experience": years,
        "roles": lists["roles"],
        "seniority_estimate": out.seniority_estimate,
        "strengths": lists["strengths"],
        "gaps": lists["gaps"],
        "focus_areas": lists["focus_areas"],
        "method": "llm",
    }


async def llm_analysis(
    client: LlmClient,
    resume_text: str | None,
    job_description: str | None,
    role: str,
    level: str,
    skills: Sequence[str],
    timeout_s: float,
    names: Sequence[str | None] = (),
) -> dict[str, Any]:
    """The analysis from the model; raises LlmError when it fails, times out or answers invalid JSON."""
    resume = resume_text or ""
    for name in names:
        resume = without_name(resume, name)
    prompt = load_prompt("analyse").text.format(
        role=role,
        level=level,
        skills=", ".join(skills) or "none given",
        job_description=(job_description or "(none given)")[:MAX_INPUT_CHARS],
        resume=resume[:MAX_INPUT_CHARS] or "(none given)",
    )
    out = await client.complete_json(
        [{"role": "system", "content": prompt}], AnalysisOut, name="resume_analysis", timeout_s=timeout_s
    )
    return cleaned(out)
