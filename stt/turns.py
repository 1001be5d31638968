"""End-of-turn policy: reply fast when an answer is clearly finished, wait while
the candidate is thinking.

Whisper's own punctuation is the cheap cue: a transcript that ends a sentence
after a pause is probably a finished answer; one that stops mid-clause
("...and", "so um") is probably a thinking pause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TRAILING_WORDS = {
    "and",
    "but",
    "or",
    "so",
    "because",
    "um",
    "uh",
    "er",
    "erm",
    "like",
    "the",
    "a",
    "an",
    "to",
    "of",
    "with",
    "for",
    "in",
    "on",
    "that",
    "which",
    "then",
    "also",
    "if",
    "when",
    "my",
    "our",
    "we",
    "i",
    "is",
    "was",
    "were",
    "are",
    "be",
    "it's",
    "its",
    "basically",
}
DONE_PHRASES = ("that's it", "that's all", "that is all", "that's about it", "i'm done", "done")
FILLER_ONLY = re.compile(r"^(?:\s*(?:um+|uh+|er+|erm|hmm+|mm+|ah+)[\s,.!?]*)+$", re.IGNORECASE)


@dataclass(frozen=True)
class TurnOptions:
    """How long a silence must last before the interviewer takes the turn."""

    complete_silence_ms: int = 400  # after a finished-sounding answer
    short_answer_silence_ms: int = 900  # finished, but only a few words: room to go on
    incomplete_silence_ms: int = 2500  # after an answer that trails off mid-clause
    short_answer_words: int = 4
    barge_in_min_speech_ms: int = 200  # candidate speech needed to stop the interviewer


def looks_complete(text: str) -> bool:
    """Does this transcript read like a finished answer?"""
    stripped = text.strip()
    if not stripped or FILLER_ONLY.match(stripped):
        return False
    lowered = stripped.lower().rstrip(".!? ")
    if lowered.endswith(DONE_PHRASES):
        return True
    if not stripped.endswith((".", "!", "?")) or stripped.endswith(("...", "…")):
        return False
    words = re.findall(r"[a-z']+", lowered)
    return bool(words) and words[-1] not in TRAILING_WORDS


def required_silence_ms(text: str, options: TurnOptions) -> int:
    """The silence after which this (speculative) transcript ends the turn."""
    if not looks_complete(text):
        return options.incomplete_silence_ms
    if len(text.split()) <= options.short_answer_words:
        return options.short_answer_silence_ms
    return options.complete_silence_ms
