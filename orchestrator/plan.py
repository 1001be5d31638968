"""A new interview's plan: sections led by personas, questions from the job's focus areas
and skills first, then the bank; or the recruiter's own questions, verbatim."""

from __future__ import annotations

import hashlib
import random
import re
import secrets
import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from orchestrator.bank import BankQuestion, load_bank, question_count, role_categories
from orchestrator.personas import SECTIONS, Section, personas_for
from store.models import InterviewRow, QuestionRow

LEVELS = ("junior", "middle", "senior")
DEFAULT_SECTIONS: tuple[tuple[Section, float], ...] = (
    ("hr", 0.15),
    ("technical", 0.6),
    ("behavioural", 0.25),
)


def parse_sections(spec: str) -> tuple[tuple[Section, float], ...]:
    """ "hr:15,technical:60,behavioural:25" -> order and shares of time."""
    parts = []
    for item in spec.split(","):
        name, _, share = item.strip().partition(":")
        if name not in SECTIONS:
            raise ValueError(f"unknown section {name!r}; use {', '.join(SECTIONS)}")
        parts.append((name, float(share or 1)))
    total = sum(share for _, share in parts) or 1.0
    return tuple((name, share / total) for name, share in parts)  # type: ignore[misc]


def level_for(level: str, difficulty: str) -> str:
    """easy asks one level below the role's, hard one above; medium and auto start at it."""
    index = LEVELS.index(level) if level in LEVELS else 1
    shift = {"easy": -1, "hard": 1}.get(difficulty, 0)
    return LEVELS[max(0, min(len(LEVELS) - 1, index + shift))]


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
    job_description: str | None = None,
    resume_text: str | None = None,
    personas: list[str] | None = None,
    difficulty: str = "auto",
    questions: list[dict[str, Any]] | None = None,
    memory: bool = False,
    candidate_id: str | None = None,
    job_id: str | None = None,
    analysis: dict[str, Any] | None = None,
    sections: tuple[tuple[Section, float], ...] = DEFAULT_SECTIONS,
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
        job_description=job_description,
        resume_text=resume_text,
        analysis=analysis,
        personas=personas or [],
        difficulty=difficulty,
        memory=memory,
        candidate_id=candidate_id,
        job_id=job_id,
        followup_reasons=[],
        fallbacks=[],
    )
    leads = personas_for(personas)
    if mode == "coding":  # the conversation is about the code (orchestrator.coding_session)
        rows: list[QuestionRow] = []
    elif questions:
        rows = [_custom_row(interview_id, i, q, leads) for i, q in enumerate(questions)]
    else:
        wanted = [
            *(skills or []),
            *((analysis or {}).get("focus_areas", [])),
            *((analysis or {}).get("gaps", [])),
        ]
        picked = pick_plan(
            role, level_for(level, difficulty), wanted, duration_minutes, sections, interview_id
        )
        asked_level = level_for(level, difficulty)
        rows = [
            _bank_row(interview_id, i, q, source, leads, asked_level) for i, (q, source) in enumerate(picked)
        ]
    return row, rows, join_token


def pick_plan(
    role: str,
    level: str,
    wanted: list[str],
    duration_minutes: int,
    sections: tuple[tuple[Section, float], ...],
    seed: str,
) -> list[tuple[BankQuestion, str]]:
    """(question, source) in section order: the opener first, then each section's share."""
    _, bank = load_bank()
    rng = random.Random(seed)
    count = question_count(duration_minutes)
    wanted_words = {w for item in wanted for w in re.findall(r"[a-z0-9+#.]+", item.lower())}
    categories = role_categories(role) or ["general"]
    opener = next(q for q in bank if q.id == "beh-intro")
    available = {name for name, _ in sections if _pool(bank, name, categories, level, opener)}
    shares = [(name, share) for name, share in sections if name in available]
    total = sum(share for _, share in shares) or 1.0
    budget = _allocate(count - 1, [(name, share / total) for name, share in shares])
    plan: list[tuple[BankQuestion, str]] = [(opener, "bank")]
    for name, n in budget:
        pool = _pool(bank, name, categories, level, opener)
        rng.shuffle(pool)
        pool.sort(key=lambda q: -len(wanted_words & _words(q)))
        plan += [(q, "skills" if wanted_words & _words(q) else "bank") for q in pool[:n]]
    return plan


def _pool(
    bank: tuple[BankQuestion, ...], section: str, categories: list[str], level: str, opener: BankQuestion
) -> list[BankQuestion]:
    if section == "technical":
        cats = categories + ([] if "general" in categories else ["general"])
        return [q for q in bank if q.section == "technical" and q.category in cats and level in q.levels]
    return [q for q in bank if q.section == section and q is not opener and level in q.levels]


def _allocate(count: int, shares: list[tuple[Section, float]]) -> list[tuple[Section, int]]:
    """Whole questions per section by largest remainder, summing to `count`."""
    exact = [share * count for _, share in shares]
    counts = [int(n) for n in exact]
    for i in sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True):
        if sum(counts) >= count:
            break
        counts[i] += 1
    return [(name, n) for (name, _), n in zip(shares, counts, strict=True)]


def _words(q: BankQuestion) -> set[str]:
    return set(q.skills) | set(re.findall(r"[a-z0-9+#.]+", q.text.lower()))


def _bank_row(  # type: ignore[type-arg]
    interview_id: str, i: int, q: BankQuestion, source: str, leads: dict, level: str | None = None
) -> QuestionRow:
    lead = leads.get(q.section)
    return QuestionRow(
        interview_id=interview_id,
        position=i,
        question_id=f"q{i + 1}",
        bank_id=q.id,
        text=q.text,
        followup=q.followup,
        category=q.category,
        key_points=[asdict(k) for k in q.key_points],
        section=q.section,
        persona_id=lead.id if lead else None,
        source=source,
        level=level,
        followups=dict(q.followups),
        skipped=False,
    )


def _custom_row(interview_id: str, i: int, q: dict[str, Any], leads: dict) -> QuestionRow:  # type: ignore[type-arg]
    section = q.get("section") or "technical"
    lead = leads.get(section)
    points = [
        {
            "point": p,
            "phrases": [w for w in re.findall(r"[a-z0-9+#]+", p.lower()) if len(w) > 2][:4],
            "description": p,
        }
        for p in q.get("key_points", [])
    ]
    return QuestionRow(
        interview_id=interview_id,
        position=i,
        question_id=f"q{i + 1}",
        bank_id="recruiter",
        text=q["text"],
        followup="Could you give me a concrete example from your own work?",
        category=section,
        key_points=points,
        section=section,
        persona_id=lead.id if lead else None,
        source="recruiter",
        level=None,
        followups={},
        skipped=False,
    )


def harder_or_easier(question: QuestionRow, planned: list[QuestionRow], target: str) -> BankQuestion | None:
    """For `difficulty: auto`: a bank question of `question`'s category at the `target`
    level, not already in the plan."""
    if question.source == "recruiter" or question.section != "technical" or not question.level:
        return None
    _, bank = load_bank()
    used = {q.bank_id for q in planned}
    pool = [b for b in bank if b.category == question.category and target in b.levels and b.id not in used]
    pool = [b for b in pool if question.level not in b.levels] or pool  # prefer a real change of level
    return random.Random(question.question_id + target).choice(pool) if pool else None


def retarget(question: QuestionRow, replacement: BankQuestion, level: str) -> dict[str, Any]:
    """The fields that make `question` ask `replacement` instead."""
    return {
        "bank_id": replacement.id,
        "text": replacement.text,
        "followup": replacement.followup,
        "key_points": [asdict(k) for k in replacement.key_points],
        "followups": dict(replacement.followups),
        "level": level,
    }
