"""The report written when an interview ends: every answer graded with evidence, the
dimensions and weights of the overall score, the recommendation with its reasons, and
separate texts for the recruiter and for the candidate (which never carries a score)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from orchestrator.bank import KeyPoint
from orchestrator.grading import AnswerSpan, Grade, Section, grade
from orchestrator.personas import persona
from orchestrator.report_texts import candidate_feedback, recommendation_reasons, recruiter_summary, roadmap
from orchestrator.scoring import SpokenSegment, communication_figures
from store.models import InterviewRow, QuestionRow, SegmentRow

RECOMMENDATION_THRESHOLDS = ((80, "strong_hire"), (65, "hire"), (45, "maybe"))
# Each report dimension is 0-100; the overall score is their weighted mean over the
# dimensions the interview measured (weights renormalised, and stated in the report).
DIMENSION_WEIGHTS = {
    "technical": 0.45,
    "problem_solving": 0.2,
    "communication": 0.15,
    "behavioural_culture": 0.2,
    "coding": 0.5,  # coding interviews: the final code's score (hidden tests, speed, style)
}
SENIORITY = ((8.0, "senior"), (6.0, "middle"))


def recommendation(overall: float) -> str:
    for threshold, label in RECOMMENDATION_THRESHOLDS:
        if overall >= threshold:
            return label
    return "no_hire"


def key_points(question: QuestionRow) -> list[KeyPoint]:
    return [
        KeyPoint(k["point"], tuple(k.get("phrases", ())), k.get("description", ""))
        for k in question.key_points
    ]


def section_of(question: QuestionRow) -> Section:
    """The question's rubric section (older rows without one are technical)."""
    return question.section if question.section in ("technical", "behavioural", "hr") else "technical"  # type: ignore[return-value]


def answer_spans(question_id: str, segments: Sequence[SegmentRow]) -> list[AnswerSpan]:
    return [
        AnswerSpan(s.text, s.start, s.end, s.words or [])
        for s in segments
        if s.speaker == "candidate" and s.question_id == question_id and (s.kind or "answer") == "answer"
    ]


def asked_question(q: QuestionRow, segments: Sequence[SegmentRow]) -> bool:
    """Whether the interviewer said anything for this question."""
    return any(s.question_id == q.question_id and s.speaker == "interviewer" for s in segments)


def grade_question(q: QuestionRow, segments: Sequence[SegmentRow]) -> tuple[Grade, bool]:
    """The grade of one planned question, and whether it was asked at all."""
    asked = asked_question(q, segments)
    spans = answer_spans(q.question_id, segments)
    section = section_of(q)
    if not asked and not spans:
        return Grade.not_asked(key_points(q), section), False
    return grade(q.text, key_points(q), spans, section), True


def build_report(
    interview: InterviewRow,
    questions: Sequence[QuestionRow],
    segments: Sequence[SegmentRow],
    attention: dict[str, Any] | None = None,
    use_attention: bool = False,
    grades: dict[str, Grade] | None = None,
    coding: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Grade every planned question and sum up; `grades` (by question id, e.g. an LLM's) replace
    the rules grade of those questions. Attention stays out of the overall score unless
    `use_attention` (an operator's choice): then it is 10 % of it. `coding` (a coding
    interview's section, coding.grading) adds the `coding` dimension."""
    per_question = [_question_entry(q, segments, (grades or {}).get(q.question_id)) for q in questions]
    candidate = [SpokenSegment(s.text, s.start, s.end, s.words) for s in segments if s.speaker == "candidate"]
    communication = communication_figures(candidate)
    dims = _dimensions(per_question)
    if coding is not None and coding.get("score") is not None:
        dims["coding"] = coding["score"]
    talked = (coding or {}).get("soft_skills") or {}
    if coding is not None and not questions and talked.get("score") is not None:
        dims["communication"] = talked["score"]  # a coding interview's conversation about the code
    measured = {d: v for d, v in dims.items() if v is not None}
    weights = {d: w for d, w in DIMENSION_WEIGHTS.items() if d in measured}
    total = sum(weights.values()) or 1.0
    answers = round(sum(measured[d] * w for d, w in weights.items()) / total, 1) if weights else 0.0
    attention_score = _attention_score(attention)
    overall = answers
    if use_attention and attention_score is not None:
        overall = round(0.9 * answers + 0.1 * attention_score, 1)
    graded = [p for p in per_question if p["status"] == "scored"]
    answered = [p for p in per_question if p["answer"]]
    label = recommendation(overall)
    report: dict[str, Any] = {
        "interview_id": interview.id,
        "status": "completed",
        "overall_score": overall,
        "recommendation": label,
        "recommendation_reasoning": recommendation_reasons(overall, label, per_question, dims),
        "weights": {d: round(w / total, 3) for d, w in weights.items()},
        "dimensions": dims,
        "scores": {
            "answers": answers,
            "attention": attention_score,
            "attention_in_overall": use_attention and attention_score is not None,
            "questions_answered": len(answered),
            "questions_planned": len(per_question),
            "questions_graded": len(graded),
            "key_point_coverage": _coverage(per_question),
        },
        "questions": per_question,
        "personas": _personas(per_question),
        "communication": communication,
        "attention": attention,
        "strengths": _strengths(per_question),
        "weaknesses": _weaknesses(per_question),
        "seniority_estimate": _seniority(interview, per_question),
        "roadmap": roadmap(per_question),
        "summary": recruiter_summary(interview, overall, label, per_question),
        "scoring_method": _method(per_question, use_attention and attention_score is not None),
        "inputs_used": ["the candidate's answers (transcript)", "each question's key points and section"]
        + (["attention signals (operator setting)"] if use_attention and attention_score is not None else []),
        "fallbacks": list(interview.fallbacks or []),
        "coding": coding,
    }
    report["candidate_feedback"] = candidate_feedback(per_question)
    if coding is not None and not questions:  # a coding interview: the conversation was about the code
        who = interview.candidate_name or "The candidate"
        report["summary"] = (
            f"{who} worked on a coding task for the {interview.level} {interview.role} role, with an overall "
            f"score of {overall:.0f}/100 ({label.replace('_', ' ')})."
        )
        report["candidate_feedback"] = ""
        report["inputs_used"] = ["the conversation about the code (transcript)"]
        report["scoring_method"] = (
            "The overall score is the weighted mean of the coding dimension and, when the candidate talked "
            "with the interviewer, communication (see `weights`)."
        )
    if coding is not None:
        report["inputs_used"].append("the final code: hidden tests, CPU time against the reference, a linter")
        report["summary"] += " " + coding["feedback"]["recruiter"]
        words = report["candidate_feedback"] + " " + coding["feedback"]["candidate"]
        report["candidate_feedback"] = words.strip()
        report["scoring_method"] += (
            " Coding: the final code's score is 60 % hidden tests passed, 25 % speed on the large "
            "inputs against the reference solution, 15 % linter findings (see coding.weights); the "
            "integrity timeline is for review and not part of any score."
        )
        if dims.get("communication") is not None and not questions:
            report["scoring_method"] += " Communication: " + coding["soft_skills"]["method"] + "."
    report["recruiter_summary"] = report["summary"]
    return report


def _question_entry(
    q: QuestionRow, segments: Sequence[SegmentRow], given: Grade | None = None
) -> dict[str, Any]:
    g, asked = (given, asked_question(q, segments)) if given is not None else grade_question(q, segments)
    status = "skipped" if q.skipped else g.status
    return {
        "id": q.question_id,
        "text": q.text,
        "category": q.category,
        "section": q.section,
        "persona": q.persona_id,
        "source": q.source,
        "asked": asked,
        "status": status,
        "answer": " ".join(s.text for s in answer_spans(q.question_id, segments)).strip(),
        "score": g.score if status == "scored" else (0.0 if status == "not_answered" else None),
        "dimensions": g.dimensions,
        "feedback": g.feedback,
        "key_points_covered": g.covered,
        "key_points_missed": g.missed,
        "evidence": [
            {"point": e.point, "quote": e.quote, "start": e.start, "end": e.end} for e in g.evidence
        ],
        "star_parts": g.star_parts,
        "grading_method": g.method,
    }


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _dimensions(per_question: list[dict[str, Any]]) -> dict[str, float | None]:
    """0-100 per report dimension; None where the interview measured nothing for it.
    Unanswered asked questions count 0; questions not asked or skipped do not count."""
    counted = [p for p in per_question if p["status"] in ("scored", "not_answered")]
    technical = [p for p in counted if p["section"] == "technical"]
    people = [p for p in counted if p["section"] in ("behavioural", "hr")]

    def dim(items: list[dict[str, Any]], name: str) -> list[float]:
        return [p["dimensions"].get(name, 0.0) if p["status"] == "scored" else 0.0 for p in items]

    def scaled(value: float | None) -> float | None:
        return None if value is None else round(value * 10, 1)

    solving = [
        (a + b) / 2 for a, b in zip(dim(technical, "depth"), dim(technical, "correctness"), strict=True)
    ]
    return {
        "technical": scaled(_mean([p["score"] for p in technical])),
        "problem_solving": scaled(_mean(solving)),
        "communication": scaled(_mean(dim([p for p in counted if p["status"] == "scored"], "clarity"))),
        "behavioural_culture": scaled(_mean([p["score"] for p in people])),
    }


def _personas(per_question: list[dict[str, Any]]) -> dict[str, Any]:
    """Each interviewer's view of the questions they led."""
    out: dict[str, Any] = {}
    for persona_id in dict.fromkeys(p["persona"] for p in per_question if p["persona"]):
        led = [p for p in per_question if p["persona"] == persona_id]
        scored = [p["score"] for p in led if p["status"] == "scored"]
        who = persona(persona_id)
        best = max((p for p in led if p["status"] == "scored"), key=lambda p: p["score"], default=None)
        out[persona_id] = {
            "name": who.name,
            "title": who.title,
            "section": who.section,
            "questions": len(led),
            "mean_score": _mean(scored),
            "feedback": (
                f"{who.name} ({who.title}) asked {len(led)} question(s); "
                + (f"the strongest answer was to: {best['text']} " if best else "no answer could be graded. ")
                + (best["feedback"] if best else "")
            ).strip(),
        }
    return out


def _strengths(per_question: list[dict[str, Any]]) -> list[dict[str, Any]]:
    strong = [p for p in per_question if p["status"] == "scored" and p["score"] >= 7 and p["evidence"]]
    return [
        {
            "text": f"{p['text']} ({p['score']}/10): {', '.join(p['key_points_covered'])}",
            "evidence": p["evidence"][:2],
        }
        for p in sorted(strong, key=lambda p: -p["score"])[:4]
    ]


def _weaknesses(per_question: list[dict[str, Any]]) -> list[dict[str, Any]]:
    weak = [p for p in per_question if p["status"] in ("scored", "not_answered") and (p["score"] or 0) < 5]
    out = []
    for p in weak[:4]:
        missed = ", ".join(p["key_points_missed"]) or "depth"
        quote = p["answer"][:200] or "(no answer)"
        out.append(
            {
                "text": f"{p['text']}: not covered: {missed}",
                "evidence": [{"quote": quote, "start": None, "end": None}],
            }
        )
    return out


def _seniority(interview: InterviewRow, per_question: list[dict[str, Any]]) -> dict[str, Any]:
    technical = [
        p["score"] or 0.0
        for p in per_question
        if p["section"] == "technical" and p["status"] in ("scored", "not_answered")
    ]
    mean = _mean(technical)
    estimate = None if mean is None else next((label for bar, label in SENIORITY if mean >= bar), "junior")
    return {
        "estimate": estimate,
        "asked_level": interview.level,
        "from_resume": (interview.analysis or {}).get("seniority_estimate"),
        "basis": "the mean score of the technical answers (8+ senior, 6+ middle)",
    }


def _coverage(per_question: list[dict[str, Any]]) -> float:
    counted = [p for p in per_question if p["status"] in ("scored", "not_answered")]
    covered = sum(len(p["key_points_covered"]) for p in counted)
    total = covered + sum(len(p["key_points_missed"]) for p in counted)
    return round(covered / total, 3) if total else 0.0


def _attention_score(attention: dict[str, Any] | None) -> float | None:
    """0-100: half time present, half time looking at the screen."""
    if not attention or not attention.get("video_seconds"):
        return None
    return round(50 * attention["present_share"] + 50 * attention["looking_at_screen_share"], 1)


def _method(per_question: list[dict[str, Any]], attention: bool) -> str:
    scored = [p for p in per_question if p["status"] == "scored"]
    by_llm = [p["id"] for p in scored if p["grading_method"] == "llm"]
    methods = sorted({p["grading_method"] for p in scored if p["grading_method"] != "llm"}) or ["none"]
    if by_llm:
        by_rules = [p["id"] for p in scored if p["grading_method"] != "llm"]
        return (
            f"Graded by the LLM: {', '.join(by_llm)}; graded by rules ({', '.join(methods)}): "
            f"{', '.join(by_rules) or 'none'}. The LLM scored each answer's rubric dimensions 0-10 "
            "(technical: correctness, key-point coverage, depth, clarity; behavioural: STAR completeness, "
            "ownership, measurable result, coverage, clarity; hr: relevance, specificity, clarity); a key "
            "point counts as covered only where the model quoted the candidate's words verbatim (checked "
            "against the transcript, with their time), coverage is the share of such points, and the "
            "answer's score is the weighted mean of its dimensions with the rules grader's weights, not the "
            "model's own total. Answers the LLM could not grade (see `fallbacks`) were graded by rules. "
            "The overall score is the weighted mean of the report dimensions (see `weights`); questions not "
            "asked or skipped do not count, asked questions left unanswered count 0."
            + (" Attention counts for 10 %." if attention else " Attention signals are not part of it.")
        )
    return (
        "Each answer is graded 0-10 over its section's rubric (technical: correctness, key-point coverage, "
        "depth, clarity; behavioural: STAR completeness, ownership, measurable result, coverage, clarity; "
        "hr: relevance, specificity, clarity). Key points are judged by meaning "
        f"({', '.join(methods)}), and every covered point cites the candidate's words and their time. "
        "The overall score is the weighted mean of the report dimensions (see `weights`); questions not "
        "asked or skipped do not count, asked questions left unanswered count 0."
        + (" Attention counts for 10 %." if attention else " Attention signals are not part of it.")
    )
