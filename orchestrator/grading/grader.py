"""Grade one answer with evidence: per-dimension scores, covered key points and the quotes that show them.

The grader takes the question, its key points, the candidate's timed speech and the section, and
nothing about the candidate: no name, no personal attribute can reach a score.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from orchestrator.bank import KeyPoint
from orchestrator.grading import embeddings
from orchestrator.grading.coverage import Coverage, lexical_coverage, semantic_coverage
from orchestrator.grading.dimensions import WEIGHTS, dimensions_for
from orchestrator.grading.spans import AnswerSpan, clause_times
from orchestrator.grading.text import Clause, clauses_of, is_bare_list, is_non_answer, is_self_intro, words_of

log = logging.getLogger(__name__)

Section = Literal["technical", "behavioural", "hr"]
Status = Literal["scored", "not_answered", "not_asked"]
Method = Literal["embeddings", "lexical", "llm"]


@dataclass(frozen=True)
class Evidence:
    """A covered key point and the candidate's own words that show it, with their interview times."""

    point: str
    quote: str
    start: float
    end: float


@dataclass(frozen=True)
class Grade:
    """One answer's grade; score and dimensions are None/empty unless status is "scored"."""

    status: Status
    score: float | None
    dimensions: dict[str, float]
    covered: list[str]
    missed: list[str]
    evidence: list[Evidence]
    feedback: str
    method: Method
    weights: dict[str, float]
    star_parts: list[str] = field(default_factory=list)  # behavioural: situation/task/action/result found
    keyword_list_share: float = 0.0  # share of the answer's words that were a bare list of terms

    @classmethod
    def not_asked(cls, key_points: Sequence[KeyPoint | str], section: Section) -> Grade:
        """A question the interview never reached: neither a low score nor a missing answer."""
        points = [_as_point(p).point for p in key_points]
        return cls(
            "not_asked",
            None,
            {},
            [],
            points,
            [],
            "This question was not asked.",
            _method(),
            dict(WEIGHTS[section]),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)


def grade(
    question: str,
    key_points: Sequence[KeyPoint | str],
    spans: Sequence[AnswerSpan],
    section: Section,
    *,
    lexical_only: bool = False,
) -> Grade:
    """Score an answer 0-10 over its section's dimensions, citing the clause and time behind each point."""
    points = [_as_point(p) for p in key_points]
    weights = dict(WEIGHTS[section])
    clauses = [c for i, s in enumerate(spans) for c in clauses_of(i, s.text) if not is_self_intro(c.text)]
    if is_non_answer(" ".join(c.text for c in clauses)):  # a greeting with a name is no answer either
        feedback = "No answer was given to this question; it may be worth coming back to it."
        return Grade(
            "not_answered", None, {}, [], [p.point for p in points], [], feedback, _method(), weights
        )
    explained = [c for c in clauses if not is_bare_list(c.text)]
    listed_words = sum(len(words_of(c.text)) for c in clauses if is_bare_list(c.text))
    scorable = [c for c in explained if len(words_of(c.text)) >= 3]
    coverage = _coverage(question, points, scorable, lexical_only)
    dims, star_parts = dimensions_for(section, explained, coverage, listed_words)
    score = round(sum(weights[d] * dims[d] for d in weights) / sum(weights.values()), 1)
    all_words = listed_words + sum(len(words_of(c.text)) for c in explained)
    return Grade(
        status="scored",
        score=score,
        dimensions=dims,
        covered=[m.point for m in coverage.matches if m.covered],
        missed=[m.point for m in coverage.matches if not m.covered],
        evidence=[_evidence(m.point, m.clause, spans) for m in coverage.matches if m.clause is not None],
        feedback=_feedback(section, coverage, dims, star_parts, listed_words, all_words),
        method=coverage.method,  # type: ignore[arg-type]
        weights=weights,
        star_parts=star_parts,
        keyword_list_share=round(listed_words / all_words, 2) if all_words else 0.0,
    )


def _as_point(point: KeyPoint | str) -> KeyPoint:
    return point if isinstance(point, KeyPoint) else KeyPoint(point, ())


def _method() -> Method:
    return "embeddings" if embeddings.available() else "lexical"


def _coverage(question: str, points: list[KeyPoint], clauses: list[Clause], lexical_only: bool) -> Coverage:
    if lexical_only:
        return lexical_coverage(question, points, clauses)
    try:
        return semantic_coverage(question, points, clauses)
    except embeddings.EmbeddingModelMissing as missing:
        # the grade still comes out, marked "lexical", so a recruiter knows paraphrases may be missed
        log.warning("grading by words, not meaning: %s", missing)
        return lexical_coverage(question, points, clauses)


def _evidence(point: str, clause: Clause, spans: Sequence[AnswerSpan]) -> Evidence:
    start, end = clause_times(spans[clause.span_index], clause)
    return Evidence(point, clause.text, start, end)


def _feedback(
    section: str, coverage: Coverage, dims: dict[str, float], star_parts: list[str], listed: int, words: int
) -> str:
    """One or two sentences the candidate may read: what went well, what to add; never the score."""
    covered = [m.point for m in coverage.matches if m.covered]
    missed = [m.point for m in coverage.matches if not m.covered]
    if words and listed / words > 0.5:
        return "The answer listed terms without explaining them; say how each idea works and why it matters."
    if coverage.relevance < 0.3:
        return "The answer did not address the question that was asked; focus on what the question asks for."
    first = f"You explained {_join(covered[:2])}." if covered else "The answer stayed general."
    if section == "behavioural":
        gaps = [p for p in ("situation", "task", "action", "result") if p not in star_parts]
        second = f"Describe the {_join(gaps)} of your story more concretely." if gaps else ""
        if not second and dims.get("measurable_result", 10) < 6:
            second = "Say what changed as a result, with a number if you have one."
    elif missed:
        second = f"To go further, also cover {_join(missed[:2])}, with a reason or an example."
    else:
        second = (
            "Adding an example from your own work would make it stronger."
            if dims.get("depth", 10) < 6
            else ""
        )
    return f"{first} {second}".strip()


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""
