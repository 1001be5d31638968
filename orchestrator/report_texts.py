"""The report's words: the recommendation's reasons, the recruiter's summary, and for the
candidate a roadmap and feedback that never carry a score."""

from __future__ import annotations

from typing import Any

from store.models import InterviewRow


def recommendation_reasons(
    overall: float, label: str, per_question: list[dict[str, Any]], dims: dict[str, float | None]
) -> str:
    measured = {k: v for k, v in dims.items() if v is not None}
    best = max(measured, key=lambda k: measured[k], default=None)
    worst = min(measured, key=lambda k: measured[k], default=None)
    skipped = sum(1 for p in per_question if p["status"] == "skipped")
    unanswered = sum(1 for p in per_question if p["status"] == "not_answered")
    parts = [
        f"Overall {overall:.0f}/100 -> {label.replace('_', ' ')} (80+ strong hire, 65+ hire, 45+ maybe)."
    ]
    if best and worst and best != worst:
        parts.append(
            f"Strongest: {best.replace('_', ' ')} ({measured[best]:.0f}); weakest: "
            f"{worst.replace('_', ' ')} ({measured[worst]:.0f})."
        )
    if unanswered:
        parts.append(f"{unanswered} asked question(s) got no real answer.")
    if skipped:
        parts.append(f"The candidate skipped {skipped} question(s).")
    parts.append("A first screen for a person to review, not a decision.")
    return " ".join(parts)


def recruiter_summary(
    interview: InterviewRow, overall: float, label: str, per_question: list[dict[str, Any]]
) -> str:
    who = interview.candidate_name or "The candidate"
    answered = sum(1 for p in per_question if p["answer"])
    return (
        f"{who} answered {answered} of {len(per_question)} planned questions for the {interview.level} "
        f"{interview.role} role, with an overall score of {overall:.0f}/100 ({label.replace('_', ' ')})."
    )


def roadmap(per_question: list[dict[str, Any]]) -> list[str]:
    """What to learn next, from the key points the answers missed (most important first)."""
    steps: list[str] = []
    for p in sorted(per_question, key=lambda p: p["score"] if p["score"] is not None else 10):
        if p["status"] not in ("scored", "not_answered"):
            continue
        for point in p["key_points_missed"][:2]:
            step = f"Practise explaining {point} (from: {p['text']})"
            if step not in steps:
                steps.append(step)
    return steps[:6]


def candidate_feedback(per_question: list[dict[str, Any]]) -> str:
    """Kind, specific, and without scores or a verdict."""
    good = [p for p in per_question if p["status"] == "scored" and (p["score"] or 0) >= 7]
    grow = roadmap(per_question)[:3]
    parts = ["Thank you for your time."]
    if good:
        parts.append("You explained these well: " + "; ".join(p["text"] for p in good[:2]))
    if grow:
        parts.append("To grow further: " + "; ".join(step.split(" (from:")[0] for step in grow) + ".")
    return " ".join(parts)
