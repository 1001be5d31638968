"""The LLM interviewer (any OpenAI-compatible endpoint): JSON-schema follow-up decisions
and streamed phrasing; and the wrapper that falls back to rules per step, so the
candidate never waits on a slow or broken model.

Prompts live in orchestrator/prompts/*.md with a version line. They carry the question,
the answer and the job; never the candidate's name or anything about who they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from llm import LlmClient, LlmError
from orchestrator.coding_words import llm_task, reveals_code
from orchestrator.followups import FollowupChoice, FollowupReason
from orchestrator.interviewer import Decision, Interviewer, RulesInterviewer, Say, TurnContext

log = logging.getLogger(__name__)
PROMPTS = Path(__file__).with_name("prompts")
REASON_HELP = {
    "vague": "the answer stayed general: ask for a concrete example from their own work",
    "missing_point": "the answer did not touch an important aspect: ask about it without giving it away",
    "probe_claim": "the candidate made a claim worth checking: ask what exactly they did and how they knew",
    "star_incomplete": "the story misses a part (situation, task, action or result): ask for that part",
    "clarify": "the answer was too short or unclear to follow: ask them to say more",
}


@dataclass(frozen=True)
class Prompt:
    version: str
    text: str


@lru_cache(maxsize=8)
def load_prompt(name: str) -> Prompt:
    raw = (PROMPTS / f"{name}.md").read_text()
    header, _, body = raw.partition("\n---\n")
    return Prompt(header.removeprefix("version:").strip(), body.strip())


def name_pattern(names: Sequence[str | None]) -> re.Pattern[str] | None:
    """Whole words of the candidate's name, any case; None when there is no name."""
    tokens = {t for name in names if name for t in re.findall(r"[^\W\d_][\w'’-]*", name) if len(t) >= 2}
    if not tokens:
        return None
    alternation = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.I)


def without_name(text: str, name: str | None) -> str:
    """The text with the candidate's name masked: a prompt never carries who the candidate is."""
    pattern = name_pattern([name])
    return pattern.sub("[name]", text) if pattern else text


class FollowupDecisionOut(BaseModel):
    action: Literal["followup", "next", "close"]
    reason: FollowupReason | None = None
    point: str | None = Field(None, max_length=300)
    claim: str | None = Field(None, max_length=300)
    say: str | None = Field(None, max_length=600)


class LlmInterviewer:
    """Decides with JSON, speaks with streamed text; plain phrases (greeting, repeat,
    closing) stay with rules, which say them just as well and at once."""

    name = "llm"

    def __init__(self, client: LlmClient, rules: RulesInterviewer | None = None) -> None:
        self.client = client
        self.rules = rules or RulesInterviewer()

    async def decide(self, ctx: TurnContext) -> Decision:
        q = ctx.question
        if q is None or ctx.seconds_left <= 0:
            return await self.rules.decide(ctx)
        grade = ctx.grade
        answer = without_name(ctx.answer, ctx.candidate_name)
        prompt = load_prompt("decide").text.format(
            role=ctx.role,
            level=ctx.level,
            section=q.section,
            question=q.text,
            key_points=", ".join(q.key_points) or "none given",
            covered=", ".join(grade.covered) if grade else "unknown",
            missed=", ".join(grade.missed) if grade else "unknown",
            asked=", ".join(ctx.followups_asked) or "none",
            followups_left=ctx.max_followups - len(ctx.followups_asked),
            seconds_left=round(ctx.seconds_left),
            is_last="yes" if ctx.is_last_question else "no",
            answer=answer[-4000:],
            persona=_who(ctx),
        )
        out = await self.client.complete_json(
            [{"role": "system", "content": prompt}], FollowupDecisionOut, name="followup_decision"
        )
        return self._checked(ctx, out)

    def _checked(self, ctx: TurnContext, out: FollowupDecisionOut) -> Decision:
        """The model proposes; the interview's own limits dispose (budget, time, no repeats)."""
        allowed = ctx.max_followups > len(ctx.followups_asked) and ctx.seconds_left >= 60
        words = (out.say or "").strip() or None
        if out.action == "followup" and out.reason and allowed and out.reason not in ctx.followups_asked:
            point = out.point if out.reason == "missing_point" else None
            choice = FollowupChoice(out.reason, point=point, claim=out.claim, part="result")
            return Decision("followup", choice, source="llm", words=words)
        kind: Literal["next", "close"] = "close" if ctx.is_last_question else "next"
        return Decision(kind, source="llm", words=words if kind == "next" and out.action == "next" else None)

    async def say(self, ctx: TurnContext, what: Say) -> AsyncIterator[str]:
        if what.kind == "coding":
            async for piece in self._say_coding(ctx, what):
                yield piece
            return
        decision = what.decision
        if decision is not None and decision.source == "llm" and decision.words:
            # worded with the decision, in the same call: no second wait for the model
            yield decision.words
            if what.kind == "question" and ctx.question:
                yield " " + self._verbatim(ctx)
            return
        rules_decided = decision is not None and decision.source != "llm"
        task = None if rules_decided else self._task(ctx, what)
        if task is None:
            async for piece in self.rules.say(ctx, what):
                yield piece
            return
        persona = ctx.question.persona if ctx.question else None
        system = load_prompt("say").text.format(
            persona_name=persona.name if persona else "the interviewer",
            persona_title=persona.title if persona else "interviewer",
            persona_style=persona.style if persona else "friendly and clear",
            persona_focus=persona.focus if persona else "the candidate's experience",
            role=ctx.role,
            level=ctx.level,
            task=task,
        )
        async with contextlib.aclosing(
            self.client.stream_text([{"role": "system", "content": system}], max_tokens=120)
        ) as stream:
            async for piece in stream:
                yield piece
        if what.kind == "question" and ctx.question:  # the question itself is read verbatim
            yield " " + self._verbatim(ctx)

    async def _say_coding(self, ctx: TurnContext, what: Say) -> AsyncIterator[str]:
        """A coding move worded around the candidate's code, checked whole before it is said: a
        line that looks like code (the model is told never to write any) raises, and rules say it."""
        view = ctx.coding
        task = llm_task(ctx, view) if view is not None else None
        if task is None:
            async for piece in self.rules.say(ctx, what):
                yield piece
            return
        system = load_prompt("coding").text.format(
            role=ctx.role, level=ctx.level, task=without_name(task, ctx.candidate_name)
        )
        parts: list[str] = []
        async with contextlib.aclosing(
            self.client.stream_text([{"role": "system", "content": system}], max_tokens=120)
        ) as stream:
            async for piece in stream:
                parts.append(piece)
        words = "".join(parts).strip()
        if not words or reveals_code(words):
            raise ValueError("the model's words were empty or looked like code")
        yield words

    def _verbatim(self, ctx: TurnContext) -> str:
        """The hand-over (when the persona changes) and the planned question, word for word."""
        return self.rules.text(ctx, Say("move_on")).removeprefix("Let's move on. ")

    def _task(self, ctx: TurnContext, what: Say) -> str | None:
        q = ctx.question
        answer = without_name(ctx.answer, ctx.candidate_name)
        if what.kind == "followup" and what.decision and what.decision.followup and q:
            choice = what.decision.followup
            detail = {
                "missing_point": f" The aspect to ask about: {choice.point}." if choice.point else "",
                "probe_claim": f' The claim: "{choice.claim}".' if choice.claim else "",
            }.get(choice.reason, "")
            return (
                f"Ask one short follow-up question. Why: {REASON_HELP[choice.reason]}.{detail} "
                f'The question was: "{q.text}". The candidate answered: "{answer[-1500:]}"'
            )
        if what.kind == "question" and q:
            return (
                "Acknowledge the candidate's last answer in one short, neutral sentence, without judging it "
                f'and without asking anything. Their answer was: "{answer[-800:] or "(none)"}"'
            )
        if what.kind == "answer_ask" and q and ctx.ask == "about_role":
            return (
                f'The candidate asked: "{answer}". Answer briefly using only this job description (if it '
                "does not say, tell them the recruiting team can answer after the interview), then invite "
                f'them back to the question "{q.text}". Job description: """{ctx.job_description[:3000]}"""'
            )
        if what.kind == "answer_ask" and q and ctx.ask == "clarify":
            return f'Rephrase this interview question more simply, without hinting at the answer: "{q.text}"'
        return None


def _who(ctx: TurnContext) -> str:
    lead = ctx.question.persona if ctx.question else None
    return f"{lead.name}, the {lead.title} ({lead.style})" if lead else "the interviewer"


FallbackListener = Callable[[str, str], None]  # (step, reason)


class FallbackInterviewer:
    """Tries the primary provider per step; on an error, a timeout or invalid output, the
    rules provider answers that step (logged, counted, and noted in the report)."""

    def __init__(
        self,
        primary: Interviewer,
        fallback: Interviewer,
        decide_timeout_s: float = 1.5,
        first_words_timeout_s: float = 0.8,
    ) -> None:
        self.primary, self.fallback = primary, fallback
        self.name = f"{primary.name}+{fallback.name}"
        self.decide_timeout_s, self.first_words_timeout_s = decide_timeout_s, first_words_timeout_s
        self.coding_words_timeout_s = 4.0  # a coding interviewer's remark: nobody is waiting on a turn
        self.fallbacks = 0

    async def decide(self, ctx: TurnContext) -> Decision:
        try:
            return await asyncio.wait_for(self.primary.decide(ctx), self.decide_timeout_s)
        except (LlmError, TimeoutError, ValidationError, ValueError, KeyError) as exc:
            self._fell_back(ctx, "decide", exc)
            return await self.fallback.decide(ctx)

    async def say(self, ctx: TurnContext, what: Say) -> AsyncIterator[str]:
        stream = self.primary.say(ctx, what)
        # a coding line is checked whole before it is said, so its first words are its last
        timeout = self.coding_words_timeout_s if what.kind == "coding" else self.first_words_timeout_s
        try:
            first = await asyncio.wait_for(anext(stream), timeout)
        except StopAsyncIteration:
            first = ""
        except (LlmError, TimeoutError, ValueError, KeyError) as exc:
            await _close(stream)
            self._fell_back(ctx, f"say:{what.kind}", exc)
            async for piece in self.fallback.say(ctx, what):
                yield piece
            return
        yield first
        try:
            async for piece in stream:
                yield piece
        except LlmError as exc:  # mid-sentence: what was said stays said
            self._fell_back(ctx, f"say:{what.kind}", exc)
        finally:
            await _close(stream)

    def _fell_back(self, ctx: TurnContext, step: str, exc: BaseException) -> None:
        self.fallbacks += 1
        reason = f"{type(exc).__name__}: {exc}"[:200]
        log.warning("interviewer fell back to %s for %s (%s)", self.fallback.name, step, reason)
        if ctx.on_fallback is not None:
            ctx.on_fallback(step, reason)


async def _close(stream: AsyncIterator[str]) -> None:
    closer = getattr(stream, "aclose", None)
    if closer is not None:
        with contextlib.suppress(Exception):
            await closer()
