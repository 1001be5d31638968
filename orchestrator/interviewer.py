"""The interviewer seam: given a typed turn context, decide what to do and say it as a
stream of text (speech starts on the first sentence). All interviewer phrasing goes
through a provider; the session hard-codes none.

Providers: `RulesInterviewer` (deterministic, offline, the default and the fallback),
`orchestrator.llm_interviewer.LlmInterviewer` (any OpenAI-compatible endpoint), and
`FallbackInterviewer`, which tries the LLM and falls back to rules per step.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from orchestrator.candidate_turns import CandidateAsk, answer_about_role
from orchestrator.coding_words import CodingView, rules_text
from orchestrator.followups import FollowupChoice, FollowupReason, choose_followup
from orchestrator.personas import Persona

CAMERA_DISCLOSURE = (
    "Your camera is only used to note whether you are present and looking at the screen; "
    "nothing about your emotions or personality is judged."
)
ACKNOWLEDGEMENTS = ("Thank you.", "Thanks, that's helpful.", "Okay, thank you.", "Got it, thanks.")

SayKind = Literal[
    "opening",
    "resume",
    "question",
    "followup",
    "move_on",
    "repeat",
    "prompt",
    "closing",
    "goodbye_for_now",
    "answer_ask",
    "practice_feedback",
    "coding",  # a coding interview's move (TurnContext.coding says which)
]


@dataclass(frozen=True)
class QuestionView:
    """A planned question as the interviewer sees it (key points by label only)."""

    id: str
    text: str
    section: str
    key_points: tuple[str, ...]
    followups: dict[str, str]  # reason -> phrasing from the bank; "{point}" is filled in
    persona: Persona | None
    index: int  # 1-based
    total: int


@dataclass(frozen=True)
class GradeView:
    score: float | None
    covered: tuple[str, ...]
    missed: tuple[str, ...]
    coverage: float
    feedback: str = ""


@dataclass(frozen=True)
class TurnContext:
    """Everything a provider may use for one turn. The candidate's name is only for the
    greeting; no provider decides anything from it."""

    role: str
    level: str
    minutes: int
    seconds_left: float
    video: bool
    question: QuestionView | None  # the current one
    answer: str = ""  # everything said for the current question so far
    grade: GradeView | None = None
    followups_asked: tuple[str, ...] = ()  # reasons already used for this question
    max_followups: int = 2
    conversation: tuple[tuple[str, str], ...] = ()  # (speaker, text), the last turns
    job_description: str = ""
    focus_areas: tuple[str, ...] = ()
    candidate_name: str | None = None
    previous_persona: Persona | None = None  # set when the next question changes hands
    ask: CandidateAsk | None = None  # what the candidate asked, for "answer_ask"
    is_last_question: bool = False
    coding: CodingView | None = None  # coding interviews: the move, the task, the code and its last run
    # told when a provider step fell back to rules: (step, reason)
    on_fallback: Callable[[str, str], None] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Decision:
    kind: Literal["followup", "next", "close"]
    followup: FollowupChoice | None = None
    source: str = "rules"
    words: str | None = None  # what to say for it, when the provider decided and worded it at once


@dataclass(frozen=True)
class Say:
    """What to put into words: a kind, and the decision behind it when there is one."""

    kind: SayKind
    decision: Decision | None = None
    extras: dict[str, str] = field(default_factory=dict)


class Interviewer(Protocol):
    name: str

    async def decide(self, ctx: TurnContext) -> Decision: ...

    def say(self, ctx: TurnContext, what: Say) -> AsyncIterator[str]: ...


class RulesInterviewer:
    """Deterministic: asks the plan in order, follows up for a stated reason, answers the
    candidate's own questions from the job description."""

    name = "rules"

    async def decide(self, ctx: TurnContext) -> Decision:
        if ctx.seconds_left <= 0:
            return Decision("close")
        grade = ctx.grade
        choice = choose_followup(
            ctx.answer,
            ctx.question.text if ctx.question else "",
            ctx.question.section if ctx.question else "technical",
            grade.missed if grade else (),
            grade.coverage if grade else 1.0,
            ctx.followups_asked,
            ctx.max_followups - len(ctx.followups_asked),
            ctx.seconds_left,
        )
        if choice is not None:
            return Decision("followup", choice)
        return Decision("close" if ctx.is_last_question else "next")

    async def say(self, ctx: TurnContext, what: Say) -> AsyncIterator[str]:
        yield self.text(ctx, what)

    def text(self, ctx: TurnContext, what: Say) -> str:  # noqa: C901 - one phrase per kind
        q = ctx.question
        asked = q.text if q else ""
        if what.kind == "opening":
            return self._opening(ctx)
        if what.kind == "resume":
            return f"Welcome back. Let's continue where we left off. {what.extras.get('asked', asked)}"
        if what.kind == "question":
            ack = ACKNOWLEDGEMENTS[(q.index if q else 0) % len(ACKNOWLEDGEMENTS)]
            return f"{ack} {self._handover(ctx)}Next question. {asked}"
        if what.kind == "move_on":
            return f"Let's move on. {self._handover(ctx)}{asked}"
        if what.kind == "followup":
            assert what.decision is not None and what.decision.followup is not None
            return followup_text(ctx, what.decision.followup)
        if what.kind == "repeat":
            return f"Of course. {what.extras.get('asked', asked)}"
        if what.kind == "prompt":
            return "Take your time. Whenever you're ready, go ahead."
        if what.kind == "closing":
            name = f", {ctx.candidate_name}" if ctx.candidate_name else ""
            return (
                f"Thank you{name}, that's all my questions. The recruiting team will review "
                "the interview and get back to you. Goodbye!"
            )
        if what.kind == "goodbye_for_now":
            return (
                "I haven't heard from you for a while, so I'll end the call here. Call back with the "
                "same link or number to continue where we left off. Goodbye."
            )
        if what.kind == "answer_ask":
            return self._answer_ask(ctx)
        if what.kind == "practice_feedback":
            return what.extras.get("feedback", "")
        if what.kind == "coding" and ctx.coding is not None:
            return rules_text(ctx, ctx.coding)
        raise ValueError(f"nothing to say for {what.kind}")

    def _opening(self, ctx: TurnContext) -> str:
        hello = f"Hi {ctx.candidate_name}." if ctx.candidate_name else "Hi there."
        camera = f"{CAMERA_DISCLOSURE} " if ctx.video else ""
        lead = ctx.question.persona if ctx.question else None
        me = f"I'm {lead.name}, the {lead.title}, and I'll start. " if lead else ""
        return (
            f"{hello} Thanks for joining this interview for the {ctx.role} role. "
            f"It will take about {ctx.minutes} minutes. {camera}{me}Take your time with each answer, "
            f"and tell me when you're done. {ctx.question.text if ctx.question else ''}"
        ).strip()

    def _handover(self, ctx: TurnContext) -> str:
        new = ctx.question.persona if ctx.question else None
        old = ctx.previous_persona
        if new is None or old is None or new.id == old.id:
            return ""
        return f"Thank you, {old.name}. Hello, I'm {new.name}, the {new.title}, and I'll take it from here. "

    def _answer_ask(self, ctx: TurnContext) -> str:
        asked = ctx.question.text if ctx.question else ""
        if ctx.ask == "time_left":
            minutes = max(1, round(ctx.seconds_left / 60))
            unit = "minute" if minutes == 1 else "minutes"
            return f"We have about {minutes} {unit} left. Take your time with this one."
        if ctx.ask == "clarify" and ctx.question:
            other = ctx.question.followups.get("clarify") or ctx.question.followups.get("vague")
            return f"Sure, let me put it another way. {other or asked}"
        if ctx.ask == "about_role":
            return answer_about_role(ctx.answer, ctx.job_description) + f" Now, back to the question. {asked}"
        return f"Let me repeat the question. {asked}"


def followup_text(ctx: TurnContext, choice: FollowupChoice) -> str:
    """The follow-up for a reason, in the bank's words when it has them."""
    bank = ctx.question.followups if ctx.question else {}
    reason: FollowupReason = choice.reason
    if reason == "missing_point" and choice.point:
        template = bank.get("missing_point") or "Could you also talk about {point}?"
        return template.replace("{point}", choice.point)
    if reason == "probe_claim" and choice.claim:
        return bank.get("probe_claim") or (
            f'You said "{choice.claim}". What exactly was your part in that, and how did you measure it?'
        )
    if reason == "star_incomplete":
        by_part = {
            "situation": "Could you set the scene first: where was this, and what was going on?",
            "task": "What exactly were you responsible for in that situation?",
            "action": "What did you yourself do, step by step?",
            "result": "And what was the result? How did it turn out, and how did you know?",
        }
        return by_part.get(choice.part or "result", by_part["result"])
    if reason == "clarify":
        return "Could you say a bit more about what you mean?"
    return bank.get("vague") or "Could you give me a concrete example from your own work?"


def make_interviewer(name: str, llm: object | None = None) -> Interviewer:
    """`rules`, or `llm` (an `llm.LlmOptions`): the LLM with a per-step fallback to rules."""
    if name == "rules":
        return RulesInterviewer()
    if name == "llm":
        from llm import LlmClient, LlmOptions
        from orchestrator.llm_interviewer import FallbackInterviewer, LlmInterviewer

        if not isinstance(llm, LlmOptions) or not llm.base_url:
            raise ValueError("the llm interviewer needs INTERVOX_LLM__BASE_URL and INTERVOX_LLM__MODEL")
        return FallbackInterviewer(LlmInterviewer(LlmClient(llm)), RulesInterviewer())
    raise ValueError(f"unknown interviewer {name!r}")
