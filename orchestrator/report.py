"""The report written when an interview ends (shape fixed by API.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from orchestrator.bank import KeyPoint
from orchestrator.scoring import SpokenSegment, communication_figures, score_answer
from store.models import InterviewRow, QuestionRow, SegmentRow

RECOMMENDATION_THRESHOLDS = ((80, "strong_hire"), (65, "hire"), (45, "maybe"))


def recommendation(overall: float) -> str:
    for threshold, label in RECOMMENDATION_THRESHOLDS:
        if overall >= threshold:
            return label
    return "no_hire"


def key_points(question: QuestionRow) -> list[KeyPoint]:
    return [KeyPoint(k["point"], tuple(k["phrases"])) for k in question.key_points]


def answer_text(question_id: str, segments: Sequence[SegmentRow]) -> str:
    return " ".join(
        s.text for s in segments if s.speaker == "candidate" and s.question_id == question_id
    ).strip()


def build_report(
    interview: InterviewRow,
    questions: Sequence[QuestionRow],
    segments: Sequence[SegmentRow],
    attention: dict[str, Any] | None = None,
    use_attention: bool = False,
) -> dict[str, Any]:
    """Score every planned question (unanswered ones score 0) and sum up.

    Attention stays out of the overall score unless `use_attention` (an operator's
    choice): then it is 10 % of it."""
    per_question: list[dict[str, Any]] = []
    for q in questions:
        answer = answer_text(q.question_id, segments)
        scored = score_answer(answer, key_points(q))
        per_question.append(
            {
                "id": q.question_id,
                "text": q.text,
                "category": q.category,
                "answer": answer,
                "score": scored.score,
                "feedback": scored.feedback,
                "key_points_covered": scored.covered,
                "key_points_missed": scored.missed,
                "asked": any(s.question_id == q.question_id for s in segments),
            }
        )
    answered = [p for p in per_question if p["answer"]]
    answers = (
        round(sum(p["score"] for p in per_question) / len(per_question) * 10, 1) if per_question else 0.0
    )
    attention_score = _attention_score(attention)
    overall = answers
    if use_attention and attention_score is not None:
        overall = round(0.9 * answers + 0.1 * attention_score, 1)
    candidate = [SpokenSegment(s.text, s.start, s.end, s.words) for s in segments if s.speaker == "candidate"]
    return {
        "interview_id": interview.id,
        "status": "completed",
        "overall_score": overall,
        "recommendation": recommendation(overall),
        "scores": {
            "answers": answers,
            "attention": attention_score,
            "attention_in_overall": use_attention and attention_score is not None,
            "questions_answered": len(answered),
            "questions_planned": len(per_question),
            "key_point_coverage": _coverage(per_question),
        },
        "questions": per_question,
        "communication": communication_figures(candidate),
        "attention": attention,
        "strengths": [f"{p['text']} ({p['score']}/10)" for p in per_question if p["score"] >= 7],
        "weaknesses": [f"{p['text']} ({p['score']}/10)" for p in per_question if p["score"] < 4],
        "summary": _summary(interview, overall, len(answered), len(per_question)),
        "scoring_method": (
            "Each answer: 70% share of the question's key points named, 30% depth "
            "(words, up to 90). Overall: mean over planned questions x 10"
            + (
                "; attention 10 %."
                if use_attention and attention_score is not None
                else "; attention signals are not part of it."
            )
        ),
    }


def _attention_score(attention: dict[str, Any] | None) -> float | None:
    """0-100: half time present, half time looking at the screen."""
    if not attention or not attention.get("video_seconds"):
        return None
    return round(50 * attention["present_share"] + 50 * attention["looking_at_screen_share"], 1)


def _coverage(per_question: list[dict[str, Any]]) -> float:
    covered = sum(len(p["key_points_covered"]) for p in per_question)
    total = covered + sum(len(p["key_points_missed"]) for p in per_question)
    return round(covered / total, 3) if total else 0.0


def _summary(interview: InterviewRow, overall: float, answered: int, planned: int) -> str:
    who = interview.candidate_name or "The candidate"
    return (
        f"{who} answered {answered} of {planned} planned questions for the {interview.level} "
        f"{interview.role} role, with an overall score of {overall:.0f}/100 "
        f"({recommendation(overall).replace('_', ' ')})."
    )
