"""Building the interviewer's view of a turn from the session's state."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orchestrator.grading import AnswerSpan, grade
from orchestrator.interviewer import GradeView, QuestionView, TurnContext
from orchestrator.personas import persona
from orchestrator.report import key_points, section_of
from store.models import QuestionRow

if TYPE_CHECKING:
    from orchestrator.session import InterviewSession

# The live grade that drives follow-ups: blocking, so the session runs it in a thread.
Grader = Callable[[QuestionRow, str], GradeView]


def evidence_grader(question: QuestionRow, answer: str) -> GradeView:
    """The same grader as the report (key points by meaning), on the answer so far."""
    g = grade(question.text, key_points(question), [AnswerSpan(answer, 0.0, 0.0)], section_of(question))
    points = len(g.covered) + len(g.missed)
    return GradeView(
        g.score, tuple(g.covered), tuple(g.missed), len(g.covered) / points if points else 1.0, g.feedback
    )


def question_view(q: QuestionRow, index: int, total: int) -> QuestionView:
    return QuestionView(
        id=q.question_id,
        text=q.text,
        section=q.section or "technical",
        key_points=tuple(k["point"] for k in q.key_points),
        followups={"vague": q.followup, **(q.followups or {})},
        persona=persona(q.persona_id) if q.persona_id else None,
        index=index,
        total=total,
    )


def context_for(session: InterviewSession, **overrides: Any) -> TurnContext:
    """Plan, current question, the answer so far, time left: never the candidate's traits."""
    interview = session.interview
    q = session.current
    index = interview.question_index
    view = question_view(q, index + 1, len(session.questions)) if q is not None else None
    analysis = interview.analysis or {}
    base: dict[str, Any] = {
        "role": interview.role,
        "level": interview.level,
        "minutes": interview.duration_minutes,
        "seconds_left": session.time_remaining(),
        "video": interview.mode == "video",
        "question": view,
        "answer": session.answer_so_far(),
        "followups_asked": tuple(interview.followup_reasons or ()),
        "max_followups": session.max_followups,
        "conversation": tuple(session.recent_turns()),
        "job_description": interview.job_description or "",
        "focus_areas": tuple(analysis.get("focus_areas", ())),
        "candidate_name": interview.candidate_name,
        "is_last_question": index >= len(session.questions) - 1,
        "on_fallback": session.record_fallback,
    }
    return TurnContext(**(base | overrides))


def practice_feedback(question: QuestionRow, answer: str) -> str:
    """What a practising candidate hears about their answer (no score)."""
    from orchestrator.coaching import coaching_feedback, spoken_feedback

    section = section_of(question)
    g = grade(question.text, key_points(question), [AnswerSpan(answer, 0.0, 0.0)], section)
    descriptions = {k["point"]: k.get("description", "") for k in question.key_points if k.get("description")}
    return spoken_feedback(coaching_feedback(g, section, descriptions))
