"""Interviewer providers. `rules` is deterministic, offline, the default and the fallback."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

from orchestrator.scoring import AnswerScore, needs_followup

REPEAT_REQUEST = re.compile(
    r"\b(repeat (the|that)|say (that|it) again|could you repeat|can you repeat|pardon|"
    r"didn'?t (catch|hear)|one more time)\b",
    re.IGNORECASE,
)
CAMERA_DISCLOSURE = (
    "Your camera is only used to note whether you are present and looking at the screen; "
    "nothing about your emotions or personality is judged."
)
ACKNOWLEDGEMENTS = ("Thank you.", "Thanks, that's helpful.", "Okay, thank you.", "Got it, thanks.")


@dataclass(frozen=True)
class Decision:
    kind: Literal["followup", "next", "close"]


@dataclass(frozen=True)
class AnswerContext:
    score: AnswerScore  # of everything said for the current question so far
    followup_asked: bool
    seconds_left: float
    is_last_question: bool


class Interviewer(Protocol):
    """What the session asks of an interviewer provider."""

    name: str

    def decide(self, ctx: AnswerContext) -> Decision: ...
    def opening(
        self, candidate_name: str | None, role: str, minutes: int, first_question: str, video: bool = False
    ) -> str: ...
    def transition(self, index: int, question: str) -> str: ...
    def followup(self, followup_text: str, score: AnswerScore) -> str: ...
    def closing(self, candidate_name: str | None) -> str: ...


class RulesInterviewer:
    """Asks the planned questions in order, one follow-up when an answer is thin."""

    name = "rules"

    def decide(self, ctx: AnswerContext) -> Decision:
        if ctx.seconds_left <= 0:
            return Decision("close")
        if not ctx.followup_asked and ctx.seconds_left > 60 and needs_followup(ctx.score):
            return Decision("followup")
        return Decision("close" if ctx.is_last_question else "next")

    def opening(
        self, candidate_name: str | None, role: str, minutes: int, first_question: str, video: bool = False
    ) -> str:
        hello = f"Hi {candidate_name}." if candidate_name else "Hi there."
        camera = f"{CAMERA_DISCLOSURE} " if video else ""
        return (
            f"{hello} Thanks for joining this interview for the {role} role. "
            f"It will take about {minutes} minutes. {camera}Take your time with each answer, "
            f"and tell me when you're done. {first_question}"
        )

    def transition(self, index: int, question: str) -> str:
        return f"{ACKNOWLEDGEMENTS[index % len(ACKNOWLEDGEMENTS)]} Next question. {question}"

    def followup(self, followup_text: str, score: AnswerScore) -> str:
        return followup_text

    def closing(self, candidate_name: str | None) -> str:
        name = f", {candidate_name}" if candidate_name else ""
        return (
            f"Thank you{name}, that's all my questions. The recruiting team will review "
            "the interview and get back to you. Goodbye!"
        )

    @staticmethod
    def resume(question: str) -> str:
        return f"Welcome back. Let's continue where we left off. {question}"

    @staticmethod
    def silence_prompt() -> str:
        return "Take your time. Whenever you're ready, go ahead."

    @staticmethod
    def move_on(question: str) -> str:
        return f"Let's move on. {question}"

    @staticmethod
    def repeat(question: str) -> str:
        return f"Of course. {question}"

    @staticmethod
    def is_repeat_request(text: str) -> bool:
        return len(text.split()) <= 12 and bool(REPEAT_REQUEST.search(text))


def make_interviewer(name: str) -> RulesInterviewer:
    if name == "rules":
        return RulesInterviewer()
    raise ValueError(f"unknown interviewer {name!r}")
