"""Practice and coaching: feedback a candidate can use after each answer (what was missing,
a better structure), and practice questions with guidance. Never a hiring verdict."""

from __future__ import annotations

import random
from typing import Any

from orchestrator.bank import BankQuestion, load_bank, role_categories
from orchestrator.grading import Grade

STRUCTURE = {
    "technical": "A strong structure: say what you would do, why (the trade-off), and one example "
    "from your own work; then how you would check that it worked.",
    "behavioural": "A strong structure is STAR: the situation in one sentence, your task, what you did "
    "yourself, and the result, with a number if you have one.",
    "hr": "A strong structure: a direct answer first, then one concrete example that shows it.",
}
STAR_ASK = {
    "situation": "set the scene",
    "task": "say what you were responsible for",
    "action": "say what you did yourself",
    "result": "finish with the result",
}


def coaching_feedback(
    grade: Grade, section: str, descriptions: dict[str, str] | None = None
) -> dict[str, Any]:
    """Feedback on one practice answer: what worked, what to add, how to structure it."""
    descriptions = descriptions or {}
    tips: list[str] = []
    if section == "behavioural":
        missing = [part for part in STAR_ASK if part not in grade.star_parts]
        if missing:
            tips.append("Next time, " + ", ".join(STAR_ASK[p] for p in missing) + ".")
    for point in grade.missed[:3]:
        tips.append(
            f"You could also cover {point}" + (f": {descriptions[point]}" if point in descriptions else ".")
        )
    return {
        "feedback": grade.feedback,
        "covered": grade.covered,
        "missed": grade.missed,
        "star_parts": grade.star_parts,
        "tips": tips,
        "better_structure": STRUCTURE.get(section, STRUCTURE["technical"]),
    }


def spoken_feedback(coaching: dict[str, Any]) -> str:
    """The same, said aloud in a practice interview before the next question."""
    parts = ["Here is some feedback on that answer.", coaching["feedback"], *coaching["tips"][:2]]
    parts.append(coaching["better_structure"])
    return " ".join(p.strip() for p in parts if p and p.strip())


def practice_question(role: str, skill: str | None, level: str, seed: str | None = None) -> BankQuestion:
    """A bank question for the role and level, the skill's first."""
    _, bank = load_bank()
    categories = role_categories(role) or ["general"]
    pool = [q for q in bank if q.category in categories and level in q.levels] or [
        q for q in bank if level in q.levels and q.section == "technical"
    ]
    random.Random(seed).shuffle(pool)
    wanted = (skill or "").lower()
    pool.sort(key=lambda q: 0 if wanted and (wanted in q.skills or wanted in q.text.lower()) else 1)
    return pool[0]
