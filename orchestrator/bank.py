"""The question bank shipped with Intervox, and how an interview's plan is picked."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BANK_PATH = Path(__file__).with_name("questions.json")


@dataclass(frozen=True)
class KeyPoint:
    point: str  # what a good answer covers, e.g. "rollback"
    phrases: tuple[str, ...]  # words or word stems that show it was covered
    description: str = ""  # one sentence a good answer would say (scored by meaning)


@dataclass(frozen=True)
class BankQuestion:
    id: str
    category: str  # behavioural, general, backend, frontend, ...
    levels: tuple[str, ...]
    skills: tuple[str, ...]
    text: str
    followup: str
    key_points: tuple[KeyPoint, ...]
    section: str = "technical"  # technical | behavioural | hr
    followups: tuple[tuple[str, str], ...] = ()  # (reason, phrasing)


@lru_cache(maxsize=1)
def load_bank() -> tuple[dict[str, list[str]], tuple[BankQuestion, ...]]:
    raw = json.loads(BANK_PATH.read_text())
    questions = tuple(
        BankQuestion(
            id=q["id"],
            category=q["category"],
            levels=tuple(q["levels"]),
            skills=tuple(s.lower() for s in q["skills"]),
            text=q["text"],
            followup=q["followup"],
            key_points=tuple(
                KeyPoint(k["point"], tuple(k["phrases"]), k.get("description", "")) for k in q["key_points"]
            ),
            section=q.get("section") or _section_of(q["category"]),
            followups=tuple((q.get("followups") or {}).items()),
        )
        for q in raw["questions"]
    )
    return raw["roles"], questions


def _section_of(category: str) -> str:
    return category if category in ("behavioural", "hr") else "technical"


def role_categories(role: str) -> list[str]:
    """Bank categories that fit a free-text role ("Senior Backend Engineer" -> backend)."""
    roles, _ = load_bank()
    lowered = role.lower()
    tokens = set(re.findall(r"[a-z]+", lowered))

    def mentions(word: str) -> bool:  # short words ("go", "ai") must stand alone
        return word in tokens if len(word) <= 3 else word in lowered

    return [cat for cat, words in roles.items() if any(mentions(w) for w in words)]


def question_count(duration_minutes: int) -> int:
    """About four minutes per question, two at least, eight at most."""
    return max(2, min(8, round(duration_minutes / 4)))


def pick_questions(
    role: str, level: str, skills: list[str], duration_minutes: int, seed: str
) -> list[BankQuestion]:
    """An opener, technical questions for the role (skills first), one behavioural."""
    _, bank = load_bank()
    rng = random.Random(seed)
    count = question_count(duration_minutes)
    wanted_skills = {s.lower() for s in skills}
    categories = role_categories(role) or ["general"]

    def candidates(cats: list[str]) -> list[BankQuestion]:
        pool = [q for q in bank if q.category in cats and level in q.levels and q.id != "beh-intro"]
        rng.shuffle(pool)
        return sorted(pool, key=lambda q: -len(wanted_skills & set(q.skills)))

    opener = next(q for q in bank if q.id == "beh-intro")
    technical = candidates(categories)
    if "general" not in categories:
        technical += candidates(["general"])
    behavioural = candidates(["behavioural"])
    plan = [opener]
    plan += technical[: max(0, count - 2)]
    plan += behavioural[:1]
    for extra in technical[count - 2 :] + behavioural[1:]:  # short of role questions
        if len(plan) >= count:
            break
        plan.insert(-1, extra)
    return plan[:count]
