"""End-of-turn policy: reply fast when an answer is clearly finished, wait while
the candidate is thinking.

Whisper's own punctuation is the cheap cue: a transcript that ends a sentence
after a pause is probably a finished answer; one that stops mid-clause
("...and", "so um") is probably a thinking pause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# A transcript ending on one of these stopped mid-clause, whatever punctuation
# Whisper gave it ("...so that a spike does not." is a thinking pause).
TRAILING_WORDS = set(
    """and but or because although though unless whether while until since if
    the a an to of with for in on at by from into about over under between through than as
    that which whose where my our your their his her its
    i we they he she is are was were be been being will would can could should might must not
    then very um uh er erm hmm like basically actually""".split()
)
DONE_PHRASES = ("that's it", "that's all", "that is all", "that's about it", "i'm done", "done")
FILLER_ONLY = re.compile(r"^(?:\s*(?:um+|uh+|er+|erm|hmm+|mm+|ah+)[\s,.!?]*)+$", re.IGNORECASE)


Ending = Literal["complete", "unsure", "incomplete"]


@dataclass(frozen=True)
class TurnOptions:
    """How long a silence must last before the interviewer takes the turn."""

    complete_silence_ms: int = 400  # after a finished-sounding answer
    short_answer_silence_ms: int = 900  # finished, but only a few words: room to go on
    unsure_silence_ms: int = 1000  # no closing punctuation, but no dangling word either
    incomplete_silence_ms: int = 2500  # after an answer that trails off mid-clause
    short_answer_words: int = 4
    barge_in_min_speech_ms: int = 200  # candidate speech needed to stop the interviewer


def ending(text: str) -> Ending:
    """How a (speculative) transcript ends: a finished sentence, a dangling clause,
    or no clear sign either way."""
    stripped = text.strip()
    if not stripped or FILLER_ONLY.match(stripped):
        return "incomplete"
    lowered = stripped.lower().rstrip(".!? ")
    if lowered.endswith(DONE_PHRASES):
        return "complete"
    words = re.findall(r"[a-z']+", lowered)
    if not words or words[-1] in TRAILING_WORDS or stripped.endswith(("...", "…", "-", ",")):
        return "incomplete"
    return "complete" if stripped.endswith((".", "!", "?")) else "unsure"


def looks_complete(text: str) -> bool:
    """Does this transcript read like a finished answer?"""
    return ending(text) == "complete"


def required_silence_ms(text: str, options: TurnOptions) -> int:
    """The silence after which this (speculative) transcript ends the turn."""
    kind = ending(text)
    if kind == "incomplete":
        return options.incomplete_silence_ms
    if kind == "unsure":
        return options.unsure_silence_ms
    if len(text.split()) <= options.short_answer_words:
        return options.short_answer_silence_ms
    return options.complete_silence_ms
