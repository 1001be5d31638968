"""What the candidate said, as timed spans, and the time of a quote inside them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from orchestrator.grading.text import Clause


@dataclass(frozen=True)
class AnswerSpan:
    """One stretch of the candidate's speech: its text and interview times in seconds."""

    text: str
    start: float
    end: float
    words: list[dict[str, Any]] = field(default_factory=list)  # [{"word", "start", "end"}], optional


def clause_times(span: AnswerSpan, clause: Clause) -> tuple[float, float]:
    """Start and end of a clause: from word timestamps when given, else by its position in the text."""
    if span.words:
        timed = _word_positions(span)
        inside = [(s, e) for pos, s, e in timed if clause.start_char <= pos < clause.end_char]
        if inside:
            return round(inside[0][0], 2), round(inside[-1][1], 2)
    # no usable timestamps: assume an even speaking rate across the span
    length = max(1, len(span.text))
    duration = max(0.0, span.end - span.start)
    start = span.start + duration * clause.start_char / length
    end = span.start + duration * clause.end_char / length
    return round(start, 2), round(min(span.end, end), 2)


def _word_positions(span: AnswerSpan) -> list[tuple[int, float, float]]:
    """Each timed word's character position in the span text, found left to right."""
    lowered, cursor, out = span.text.lower(), 0, []
    for word in span.words:
        token = re.sub(r"[^\w'\-]", "", str(word.get("word", "")).lower())
        if not token:
            continue
        found = lowered.find(token, cursor)
        if found < 0:  # a word Whisper and the text disagree on: keep the cursor, skip the word
            continue
        out.append((found, float(word["start"]), float(word["end"])))
        cursor = found + len(token)
    return out
