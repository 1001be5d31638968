"""End-of-turn policy: reply fast when an answer is clearly finished, wait while
the candidate is thinking.

Two cues, combined. Whisper's text: a transcript ending on a dangling word
("...and", "so um", "did") is a thinking pause whatever its punctuation; one
ending a sentence may be finished. Smart Turn v3.2 (`stt.smart_turn`), which
hears intonation and rhythm: the probability that the speaker has finished.
Measured on recorded human speech (`python -m bench.turn_calibration`, 43 true
ends, 279 mid-clause cuts, 100 ms after the last word): text complete and
probability >= 0.7 at 70 % of true ends but only 6 % of mid-clause cuts; the
text alone reads complete at 43 % of mid-clause cuts, so it never decides fast
on its own. Smart Turn is asked once, at the first silent window: after 0.6 s
of silence it calls 64 % of mid-clause cuts finished (silence itself sways it).
Each cue's silence below is the wait after the candidate's last voiced window;
the patient wait rides out a 2.0 s thinking pause.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

# A transcript ending on one of these stopped mid-clause, whatever punctuation
# Whisper gave it ("...so that a spike does not." is a thinking pause).
TRAILING_WORDS = set(
    """and but or because although though unless whether while until since if
    the a an to of with for in on at by from into about over under between through than as
    that which whose where my our your their his her its this these those some any each every
    i we they he she be been being not
    how what why when who
    then very um uh er erm hmm like basically actually""".split()
)
# Dangling unless a subject comes right before ("I did.", "than he was." end a sentence;
# "...the numbers did." and "the main problem is." do not).
AUXILIARIES = set(
    "do does did have has had am is are was were will would can could should might must".split()
)
SUBJECTS = {"i", "you", "we", "they", "he", "she", "it", "that", "so", "yes", "no"}
DONE_PHRASES = ("that's it", "that's all", "that is all", "that's about it", "i'm done", "done")
FILLER_ONLY = re.compile(r"^(?:\s*(?:um+|uh+|er+|erm|hmm+|mm+|ah+)[\s,.!?]*)+$", re.IGNORECASE)


Ending = Literal["complete", "unsure", "incomplete"]
Reason = Literal["agree", "short", "done", "disagree", "unlikely", "dangling", "text_only", "max_length"]


@dataclass(frozen=True)
class TurnOptions:
    """How long a silence must last before the interviewer takes the turn."""

    # 200-300 is the aim; the Piper candidate of the e2e tests pauses 190-320 ms inside its
    # answers where both cues say finished, and 300 split its answers in 2 of 3 runs
    confident_silence_ms: int = 400  # text complete and Smart Turn agrees
    disagree_silence_ms: int = 800  # one cue says finished, the other is not sure
    incomplete_silence_ms: int = 2500  # dangling word, or Smart Turn hears an unfinished turn
    confident_probability: float = 0.7  # Smart Turn at or above: finished
    short_answer_probability: float = 0.5  # enough for "Yes." and "No, never."
    unlikely_probability: float = 0.3  # below: unfinished, whatever the text says
    # Without Smart Turn (model missing, or its answer not in yet): the text alone.
    complete_silence_ms: int = 400  # after a finished-sounding answer
    short_answer_silence_ms: int = 900  # finished, but only a few words: room to go on
    unsure_silence_ms: int = 1000  # no closing punctuation, but no dangling word either
    short_answer_words: int = 4
    max_answer_s: float = 120.0  # past this, the next pause ends the answer
    barge_in_min_speech_ms: int = 200  # candidate speech needed to stop the interviewer


@dataclass(frozen=True)
class TurnDecision:
    required_silence_ms: int
    text_ending: Ending
    reason: Reason


def ending(text: str) -> Ending:
    """How a (speculative) transcript ends: a finished sentence, a dangling clause,
    or no clear sign either way."""
    stripped = text.strip()
    if not stripped or FILLER_ONLY.match(stripped):
        return "incomplete"
    lowered = stripped.lower().rstrip(".!? ")
    if said_done(stripped):
        return "complete"
    words = re.findall(r"[a-z']+", lowered)
    if not words or words[-1] in TRAILING_WORDS or stripped.endswith(("...", "…", "-", ",")):
        return "incomplete"
    if words[-1] in AUXILIARIES and (len(words) < 2 or words[-2] not in SUBJECTS):
        return "incomplete"
    return "complete" if stripped.endswith((".", "!", "?")) else "unsure"


def said_done(text: str) -> bool:
    """The answer closes on "that's it", "that's all", "I'm done"..."""
    return text.strip().lower().rstrip(".!? ").endswith(DONE_PHRASES)


def looks_complete(text: str) -> bool:
    """Does this transcript read like a finished answer?"""
    return ending(text) == "complete"


def decide(text: str, probability: float | None, options: TurnOptions) -> TurnDecision:
    """The silence after which this transcript (and Smart Turn's probability, if any) ends the turn."""
    kind = ending(text)
    short = len(text.split()) <= options.short_answer_words
    if kind == "incomplete":
        return TurnDecision(options.incomplete_silence_ms, kind, "dangling")
    if probability is None:
        silence = options.unsure_silence_ms
        if kind == "complete":
            silence = options.short_answer_silence_ms if short else options.complete_silence_ms
        return TurnDecision(silence, kind, "text_only")
    if said_done(text):  # "That's it." is the candidate handing the turn over, whatever the tone
        return TurnDecision(options.confident_silence_ms, kind, "done")
    if probability < options.unlikely_probability:
        return TurnDecision(options.incomplete_silence_ms, kind, "unlikely")
    if kind == "complete" and probability >= options.confident_probability:
        return TurnDecision(options.confident_silence_ms, kind, "agree")
    if (
        short
        and probability >= options.short_answer_probability
        and (kind == "complete" or probability >= options.confident_probability)
    ):  # Whisper often leaves "Yes" without a full stop
        return TurnDecision(options.confident_silence_ms, kind, "short")
    return TurnDecision(options.disagree_silence_ms, kind, "disagree")


def required_silence_ms(text: str, options: TurnOptions, probability: float | None = None) -> int:
    """The silence after which this (speculative) transcript ends the turn."""
    return decide(text, probability, options).required_silence_ms


class EndOfTurn:
    """One candidate's end-of-turn state, fed with what the voice loop sees.

    Speech starts, pauses and resumes (VAD); the transcript and Smart Turn's
    probability for the current pause arrive later, in any order; `should_end`
    is asked on every audio chunk. Results for an earlier pause are the caller's
    to discard (speech resumed: `resumed` forgets them). The clock is injected
    (the voice loop passes audio time), so tests script whole conversations.
    """

    def __init__(
        self, options: TurnOptions, clock: Callable[[], float] = time.monotonic, use_model: bool = True
    ) -> None:
        self.options, self._clock, self.use_model = options, clock, use_model
        self.started_at: float | None = None
        self.paused_at: float | None = None
        self.text: str | None = None
        self.probability: float | None = None

    def started(self) -> None:
        self.started_at, self.paused_at = self._clock(), None
        self.text = self.probability = None

    def paused(self, silent_ms: float = 0.0) -> None:
        """Speech paused `silent_ms` ago (the VAD's window that noticed it)."""
        self.paused_at = self._clock() - silent_ms / 1000
        self.text = self.probability = None

    def resumed(self) -> None:
        self.paused_at = None
        self.text = self.probability = None

    def heard(self, text: str) -> None:
        self.text = text

    def scored(self, probability: float) -> None:
        self.probability = probability

    @property
    def silence_ms(self) -> float:
        return 0.0 if self.paused_at is None else (self._clock() - self.paused_at) * 1000

    def decision(self) -> TurnDecision | None:
        """None until the transcript of this pause is in."""
        if self.text is None:
            return None
        started = self.started_at if self.started_at is not None else self._clock()
        if self._clock() - started >= self.options.max_answer_s:
            return TurnDecision(0, ending(self.text), "max_length")
        if not self.use_model:
            return decide(self.text, None, self.options)
        verdict = decide(self.text, self.probability, self.options)
        if self.probability is None:  # the model is late (a busy machine): no fast reply without it
            silence = max(verdict.required_silence_ms, self.options.disagree_silence_ms)
            return TurnDecision(silence, verdict.text_ending, verdict.reason)
        return verdict

    def end_now(self) -> TurnDecision | None:
        """The decision that ends the turn now: the candidate is silent, and has been for as
        long as the cues ask; None while the turn goes on."""
        verdict = self.decision()
        if self.paused_at is None or verdict is None or self.silence_ms < verdict.required_silence_ms:
            return None
        return verdict

    def should_end(self) -> bool:
        return self.end_now() is not None
