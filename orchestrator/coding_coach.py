"""When the coding interviewer speaks, and about what: a deterministic policy over what it sees
(saves, runs, the candidate's words, the clock). Times are seconds from the interview's start,
passed in, so tests drive it with a fake clock. What it decides is put into words by the
interviewer provider (orchestrator.coding_words); this module never words anything.

The policy: the opening introduces the task; once there is code and a pause, the candidate is
asked to explain the approach; after a failing run, what they think fails (never the fix); after
a passing run, the time complexity, then the edge cases; a hint from the task's own list when the
candidate is stuck (no change for a while, or several failing runs in a row) or asks for one.
Thinking aloud gets no reply: the candidate is left to work."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Move = Literal[
    "opening",
    "resume",
    "approach",  # walk me through your approach
    "failing",  # a run failed: what do you think goes wrong?
    "complexity",  # after a pass: time and memory
    "edge_cases",  # after complexity: which cases would you test?
    "hint",  # one of the task's hints
    "no_hints",  # asked for a hint when none is left
    "ack",  # a short acknowledgement of an answer to one of the above
    "clarify",  # a question about the task: the statement is all there is
    "time_left",
    "time_warning",
    "done",  # the candidate says they are done
    "repeat",
    "closing",  # time is up: ends the interview
]
PROBES: tuple[Move, ...] = ("approach", "complexity", "edge_cases")  # asked once each, in this order
ANSWERED_BY: dict[Move, Move | None] = {"approach": "complexity", "complexity": "edge_cases"}

HINT_WORDS = re.compile(r"\b(hint|clue|nudge|stuck|help me|some help)\b", re.I)
TIME_WORDS = re.compile(r"\b(how (much|long)\b.*\b(time|left)|time (is )?left|minutes left)\b", re.I)
REPEAT_WORDS = re.compile(r"\b(repeat|say (that|it) again|pardon|come again)\b", re.I)
DONE_WORDS = re.compile(
    r"\b(i'?m|i am|i think i'?m) (done|finished)\b|\bthat'?s my (solution|answer|final)\b|\bi'?ve finished\b",
    re.I,
)
QUESTION_START = re.compile(r"^(what|how|can|could|should|is|are|does|do|may|will|would|which|why)\b", re.I)


@dataclass(frozen=True)
class CoachOptions:
    stuck_after_s: float = 180.0  # no change to the code for this long (and not passing): a hint
    failing_runs_for_hint: int = 3  # this many failing runs in a row: a hint
    hint_gap_s: float = 90.0  # at least this long between two hints the candidate did not ask for
    approach_after_s: float = 20.0  # code written, then a pause this long: "walk me through it"
    approach_min_chars: int = 60  # ...once the code has grown this much past the starter
    failing_gap_s: float = 150.0  # ask about a failing run at most this often
    run_reply_within_s: float = 45.0  # a reaction to a run not said by then is dropped
    quiet_after_words_s: float = 20.0  # nothing unprompted this soon after anyone spoke
    time_warning_s: float = 300.0  # "about five minutes left", once


@dataclass(frozen=True)
class RunSeen:
    """A run of the visible tests as the coach sees it (names of visible tests only)."""

    status: str  # passed | failed | error | timeout | memory_limit
    passed: int
    total: int
    failing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """What to say now: a move, and what it needs."""

    move: Move
    hint: str | None = None
    run: RunSeen | None = None
    after: Move | None = None  # for ack: what the candidate was answering
    ends_interview: bool = False


@dataclass
class CodingCoach:
    hints: tuple[str, ...]
    starter_chars: int = 0
    options: CoachOptions = field(default_factory=CoachOptions)
    asked: dict[Move, float] = field(default_factory=dict)  # move -> when it was last said
    awaiting: Move | None = None  # the question the candidate's next words answer
    hints_given: int = 0
    last_change: float = 0.0  # the code last changed
    last_words: float = float("-inf")  # anyone last spoke
    last_hint: float = float("-inf")
    failing_streak: int = 0
    passed_ever: bool = False
    last_run: RunSeen | None = None
    code_chars: int = 0
    closed: bool = False
    _pending: tuple[float, Step] | None = None  # a reaction to a run, said at the next pause

    # -- what happened -------------------------------------------------------------------------
    def opened(self, now: float, resumed: bool = False) -> Step:
        self.last_change = max(self.last_change, now)  # the stuck clock starts when we start talking
        return self._say(now, Step("resume" if resumed else "opening"))

    def spoke(self, now: float) -> None:
        """Anyone's words (the interviewer's or the candidate's) were heard."""
        self.last_words = now

    def code_saved(self, now: float, chars: int) -> None:
        if chars != self.code_chars:
            self.last_change = now
        self.code_chars = chars

    def run_finished(self, now: float, run: RunSeen) -> None:
        """Decide the reaction now; it is said at the next pause (`tick`)."""
        self.last_run = run
        self.last_change = max(self.last_change, now)  # pressing Run is working, not being stuck
        if run.status == "passed":
            self.failing_streak, self.passed_ever = 0, True
            probe = self._next_probe()
            self._pending = (now, Step(probe, run=run)) if probe else None
            return
        self.failing_streak += 1
        if self.failing_streak >= self.options.failing_runs_for_hint and self._hint_due(now):
            self._pending = (now, self._hint_step())
        elif now - self.asked.get("failing", float("-inf")) >= self.options.failing_gap_s:
            self._pending = (now, Step("failing", run=run))
        else:
            self._pending = None

    # -- what to say ---------------------------------------------------------------------------
    def heard(self, now: float, text: str) -> Step | None:
        """The candidate's words: a reply, or None (thinking aloud: leave them to work)."""
        self.spoke(now)
        words = text.strip()
        awaiting, self.awaiting = self.awaiting, None
        if HINT_WORDS.search(words):
            return self._say(now, self._hint_step() if self._hints_left() else Step("no_hints"))
        if TIME_WORDS.search(words):
            return self._say(now, Step("time_left"))
        if REPEAT_WORDS.search(words):
            return Step("repeat")
        if DONE_WORDS.search(words):
            probe = self._next_probe() if self.passed_ever else None
            return self._say(now, Step(probe) if probe else Step("done"))
        if awaiting is not None and awaiting != "hint":
            chained = ANSWERED_BY.get(awaiting)
            if chained is not None and self.passed_ever and chained not in self.asked:
                return self._say(now, Step(chained, run=self.last_run))
            return self._say(now, Step("ack", after=awaiting))
        if words.endswith("?") or QUESTION_START.match(words):
            return self._say(now, Step("clarify"))
        return None

    def tick(self, now: float, seconds_left: float) -> Step | None:
        """A pause (nobody speaking, nothing pending in the voice loop): anything to say?"""
        if self.closed:
            return None
        if seconds_left <= 0:
            self.closed = True
            return self._say(now, Step("closing", ends_interview=True))
        pending = self._take_pending(now)
        if pending is not None:
            return self._say(now, pending)
        if seconds_left <= self.options.time_warning_s and "time_warning" not in self.asked:
            self.asked["time_warning"] = now  # said once, or never when the interview is short
            if now > self.options.time_warning_s:
                return self._say(now, Step("time_warning"))
        if now - self.last_words < self.options.quiet_after_words_s:
            return None
        stuck = not (self.last_run and self.last_run.status == "passed")
        since = now - max(self.last_change, self.last_hint)
        if stuck and since >= self.options.stuck_after_s and self._hints_left():
            return self._say(now, self._hint_step())
        grown = self.code_chars - self.starter_chars >= self.options.approach_min_chars
        paused = now - self.last_change >= self.options.approach_after_s
        if "approach" not in self.asked and grown and paused:
            return self._say(now, Step("approach", run=self.last_run))
        return None

    # -- bookkeeping ---------------------------------------------------------------------------
    def _say(self, now: float, step: Step) -> Step:
        self.asked[step.move] = now
        if step.move in (*PROBES, "failing", "hint"):
            self.awaiting = step.move
        if step.move == "hint":
            self.hints_given += 1
            self.last_hint = now
        self.last_words = now
        return step

    def _next_probe(self) -> Move | None:
        return next((probe for probe in PROBES if probe not in self.asked), None)

    def _hints_left(self) -> bool:
        return self.hints_given < len(self.hints)

    def _hint_due(self, now: float) -> bool:
        return self._hints_left() and now - self.last_hint >= self.options.hint_gap_s

    def _hint_step(self) -> Step:
        return Step("hint", hint=self.hints[self.hints_given], run=self.last_run)

    def _take_pending(self, now: float) -> Step | None:
        pending, self._pending = self._pending, None
        if pending is None or now - pending[0] > self.options.run_reply_within_s:
            return None
        step = pending[1]
        if step.move == "hint":  # taken from the list now, in case one was asked for meanwhile
            return self._hint_step() if self._hints_left() else None
        if step.move in PROBES and step.move in self.asked:
            return None
        return step
