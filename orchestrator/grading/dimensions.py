"""Rubric dimensions, each 0-10, computed from the answer's clauses and its key-point coverage."""

from __future__ import annotations

import re
from collections.abc import Sequence

from orchestrator.grading.coverage import Coverage
from orchestrator.grading.text import (
    CLICHES,
    HEDGES,
    NUMBER,
    Clause,
    explanation_markers,
    filler_count,
    words_of,
)

WEIGHTS: dict[str, dict[str, float]] = {
    "technical": {"correctness": 0.3, "coverage": 0.3, "depth": 0.25, "clarity": 0.15},
    "behavioural": {
        "star": 0.3,
        "ownership": 0.2,
        "measurable_result": 0.15,
        "coverage": 0.2,
        "clarity": 0.15,
    },
    "hr": {"relevance": 0.45, "specificity": 0.35, "clarity": 0.2},
}
DEPTH_WORDS = 90  # explained words for full length credit
STAR_MARKERS: dict[str, re.Pattern[str]] = {
    "situation": re.compile(
        r"\b(last year|at my (previous|last|current)|when i was|while (working|i was)|on an? \w+( \w+)? "
        r"(project|system|team)|we had|our team|at the time|in my (previous|last) (job|role))\b"
    ),
    "task": re.compile(
        r"\b(my (task|job|goal|role|responsibility) was|i was (responsible|asked|tasked)|i (needed|had) to|"
        r"we (needed|had) to|the goal was|responsible for|my task)\b"
    ),
    "action": re.compile(
        r"\bi (\w+ed|built|wrote|set up|ran|made|led|took|spoke|proposed|suggested|booked|met|heard|"
        r"brought|began|chose|drew|sat|went|put|got)\b"
    ),
    "result": re.compile(
        r"\b(as a result|in the end|result|shipped|launched|delivered|went live|on time|on schedule|"
        r"dropped|fell|rose|reduced|increased|improved|saved|cut|learned|what stayed with me)\b"
    ),
}


def _clip(value: float) -> float:
    return round(min(10.0, max(0.0, value)), 1)


def clarity(clauses: Sequence[Clause], listed_words: int) -> float:
    """Complete sentences of a readable length, few fillers, not rambling, not a bare list."""
    words = sum(len(words_of(c.text)) for c in clauses) + listed_words
    if words == 0:
        return 0.0
    fillers = sum(filler_count(c.text) for c in clauses)
    score = 10.0
    score -= 30.0 * fillers / words  # one filler in ten words costs three points
    score -= 8.0 * listed_words / words  # a list of terms is not a structured answer
    score -= 3.0 if words < 15 else 0.0  # too short to have a structure
    score -= min(3.0, max(0.0, (words - 350) / 100))  # rambling past ~350 words
    long_runs = sum(1 for c in clauses if len(words_of(c.text)) > 45)
    score -= min(2.0, long_runs * 0.5)
    return _clip(score)


def depth(clauses: Sequence[Clause], coverage: Coverage) -> float:
    """Reasons, examples, steps and numbers in explained clauses, with enough substance."""
    markers = sum(explanation_markers(c.text) for c in clauses)
    words = sum(len(words_of(c.text)) for c in clauses)
    hedges = sum(len(HEDGES.findall(c.text)) for c in clauses)
    raw = 0.45 * min(1.0, markers / 6) + 0.35 * min(1.0, words / DEPTH_WORDS) + 0.2 * coverage.fraction
    return _clip(10 * raw * coverage.relevance - 0.5 * hedges)


def correctness(coverage: Coverage) -> float:
    """Agreement with the key points the question expects, on topic (there is no answer key beyond them)."""
    if not coverage.matches:
        return _clip(10 * coverage.relevance)
    return _clip(10 * coverage.relevance * (0.3 + 0.7 * coverage.fraction))


def star(clauses: Sequence[Clause], coverage: Coverage) -> tuple[float, list[str]]:
    """Which of situation, task, action and result the story has."""
    text = " ".join(c.text.lower() for c in clauses)
    found = [part for part, pattern in STAR_MARKERS.items() if pattern.search(text)]
    return _clip(10 * len(found) / 4 * coverage.relevance), found


def ownership(clauses: Sequence[Clause], coverage: Coverage) -> float:
    """What the candidate did themselves: first-person actions, and "I" rather than only "we"."""
    text = " ".join(c.text.lower() for c in clauses)
    actions = len(STAR_MARKERS["action"].findall(text))
    singular = len(re.findall(r"\b(i|my|me)\b", text))
    plural = len(re.findall(r"\b(we|our|us)\b", text))
    share = singular / (singular + plural) if singular + plural else 0.0
    return _clip(10 * min(1.0, actions / 3) * (0.5 + 0.5 * share) * coverage.relevance)


def measurable_result(clauses: Sequence[Clause], coverage: Coverage) -> float:
    """An outcome with a number beats an outcome without one, which beats none."""
    outcome = [c for c in clauses if STAR_MARKERS["result"].search(c.text.lower())]
    numbered_outcome = any(NUMBER.search(c.text) for c in outcome)
    numbers = any(NUMBER.search(c.text) for c in clauses)
    if numbered_outcome:
        raw = 10.0
    elif outcome:
        raw = 6.0 if numbers else 4.0
    else:
        raw = 2.0 if numbers else 0.0
    return _clip(raw * coverage.relevance)


def relevance(coverage: Coverage) -> float:
    """On topic and touching what the question asks about."""
    return _clip(10 * coverage.relevance * (0.5 + 0.5 * coverage.fraction))


def specificity(clauses: Sequence[Clause], coverage: Coverage) -> float:
    """Concrete reasons, examples and figures rather than general claims."""
    markers = sum(explanation_markers(c.text) for c in clauses)
    words = sum(len(words_of(c.text)) for c in clauses)
    numbers = any(NUMBER.search(c.text) for c in clauses)
    hedges = sum(len(HEDGES.findall(c.text)) + len(CLICHES.findall(c.text)) for c in clauses)
    raw = 0.4 * min(1.0, markers / 4) + 0.3 * min(1.0, words / 60) + 0.3 * float(numbers)
    return _clip(10 * raw * coverage.relevance - 0.5 * hedges)


def dimensions_for(
    section: str, clauses: Sequence[Clause], coverage: Coverage, listed_words: int
) -> tuple[dict[str, float], list[str]]:
    """The section's dimensions (0-10) and, for behavioural answers, the STAR parts found."""
    clear = clarity(clauses, listed_words)
    if section == "behavioural":
        star_score, parts = star(clauses, coverage)
        dims = {
            "star": star_score,
            "ownership": ownership(clauses, coverage),
            "measurable_result": measurable_result(clauses, coverage),
            "coverage": _clip(10 * coverage.fraction),
            "clarity": clear,
        }
        return dims, parts
    if section == "hr":
        return {
            "relevance": relevance(coverage),
            "specificity": specificity(clauses, coverage),
            "clarity": clear,
        }, []
    dims = {
        "correctness": correctness(coverage),
        "coverage": _clip(10 * coverage.fraction),
        "depth": depth(clauses, coverage),
        "clarity": clear,
    }
    return dims, []
