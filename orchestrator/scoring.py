"""First honest scoring: key-point coverage and depth per answer, communication figures.

Every number here can be traced to the transcript: which key points an answer
named, how many words it had, how fast and how fluently the candidate spoke.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from orchestrator.bank import KeyPoint

FILLERS = {"um", "uh", "er", "erm", "hmm", "uhm", "like", "basically", "actually"}
FILLER_PHRASES = ("you know", "i mean", "sort of", "kind of")
DEPTH_WORDS = 90  # an answer of this many words gets the full depth credit


@dataclass(frozen=True)
class AnswerScore:
    score: float  # 0-10
    covered: list[str]
    missed: list[str]
    words: int
    coverage: float  # 0-1
    feedback: str


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def covers(text: str, point: KeyPoint) -> bool:
    """A phrase counts when it starts a word: "priorit" matches "prioritised"."""
    lowered = " ".join(words_of(text))
    return any(re.search(r"\b" + re.escape(p.lower()), lowered) for p in point.phrases)


def score_answer(answer: str, key_points: Sequence[KeyPoint]) -> AnswerScore:
    """0-10: 70 % key-point coverage, 30 % depth (length up to DEPTH_WORDS words)."""
    n_words = len(words_of(answer))
    covered = [k.point for k in key_points if covers(answer, k)]
    missed = [k.point for k in key_points if k.point not in covered]
    coverage = len(covered) / len(key_points) if key_points else 0.0
    depth = min(1.0, n_words / DEPTH_WORDS)
    score = 0.0 if n_words < 3 else round(10 * (0.7 * coverage + 0.3 * depth), 1)
    return AnswerScore(score, covered, missed, n_words, coverage, _feedback(n_words, covered, missed))


def _feedback(n_words: int, covered: list[str], missed: list[str]) -> str:
    if n_words < 3:
        return "No real answer was given."
    parts = []
    if covered:
        parts.append("Covered: " + ", ".join(covered) + ".")
    if missed:
        parts.append("Not mentioned: " + ", ".join(missed) + ".")
    if n_words < 25:
        parts.append("The answer was brief.")
    return " ".join(parts)


def needs_followup(score: AnswerScore, short_words: int = 25) -> bool:
    """Follow up when an answer is short or misses most key points."""
    return score.words < short_words or score.coverage < 0.34


def filler_count(text: str) -> int:
    tokens = words_of(text)
    joined = " ".join(tokens)
    return sum(1 for t in tokens if t in FILLERS) + sum(joined.count(p) for p in FILLER_PHRASES)


@dataclass(frozen=True)
class SpokenSegment:
    text: str
    start: float
    end: float
    words: list[dict]  # [{"word", "start", "end"}] in interview seconds


def communication_figures(segments: Sequence[SpokenSegment]) -> dict[str, float | int | None]:
    """Words per minute while speaking, filler words per word, longest pause inside an answer."""
    total_words = sum(len(words_of(s.text)) for s in segments)
    speaking_s = sum(max(0.0, s.end - s.start) for s in segments)
    fillers = sum(filler_count(s.text) for s in segments)
    longest = 0.0
    for seg in segments:
        for before, after in zip(seg.words, seg.words[1:], strict=False):
            longest = max(longest, float(after["start"]) - float(before["end"]))
    return {
        "words": total_words,
        "speaking_seconds": round(speaking_s, 1),
        "words_per_minute": round(total_words / (speaking_s / 60), 1) if speaking_s > 0 else None,
        "filler_words": fillers,
        "filler_rate": round(fillers / total_words, 3) if total_words else None,
        "longest_pause_seconds": round(longest, 2),
    }
