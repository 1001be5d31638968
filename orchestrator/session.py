"""One interview's state machine: phases, questions, follow-ups, time budget.

Text in, text out: the voice agent (orchestrator.voice) and the chat route
both drive it. Every candidate answer is committed to the store before the
session decides anything, so a crash loses nothing that was said.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Literal

from core.errors import InterviewEnded
from core.events import event, utc_now
from orchestrator.candidate_turns import classify
from orchestrator.interviewer import Decision, GradeView, Interviewer, Say, SayKind, TurnContext
from orchestrator.personas import Persona, persona
from orchestrator.plan import LEVELS, harder_or_easier, retarget
from orchestrator.record import InterviewRecord
from orchestrator.replies import Reply, ReplyKind
from orchestrator.turn_context import Grader, context_for, evidence_grader, practice_feedback
from store.bus import EventBus
from store.models import InterviewRow, QuestionRow
from store.repository import InterviewRepository

log = logging.getLogger(__name__)


class InterviewSession(InterviewRecord):
    """Drives one interview's conversation. Create with `await InterviewSession.load(...)`."""

    def __init__(
        self,
        interview: InterviewRow,
        questions: list[QuestionRow],
        repo: InterviewRepository,
        bus: EventBus,
        interviewer: Interviewer,
        use_attention: bool = False,
        answers: dict[str, list[str]] | None = None,
        max_followups: int = 2,
        grader: Grader = evidence_grader,
    ) -> None:
        super().__init__(interview, questions, repo, bus, use_attention, answers)
        self.interviewer = interviewer
        self.max_followups = max_followups
        self.grader = grader
        self.lock = asyncio.Lock()  # one turn at a time, whichever channel it comes from
        self._last_asked: str | None = None  # the follow-up's words, for "repeat"
        self._last_grade: GradeView | None = None
        self._before_last_decision: dict[str, Any] | None = None
        # a grade computed while the candidate was still silent, for the answer it names
        self._prepared: tuple[tuple[str, str], asyncio.Future[GradeView]] | None = None

    @classmethod
    async def load(
        cls,
        interview_id: str,
        repo: InterviewRepository,
        bus: EventBus,
        interviewer: Interviewer,
        use_attention: bool = False,
        max_followups: int = 2,
        grader: Grader = evidence_grader,
    ) -> InterviewSession:
        interview = await asyncio.to_thread(repo.get, interview_id)
        questions = await asyncio.to_thread(repo.questions, interview_id)
        answers: dict[str, list[str]] = {}
        for segment in await asyncio.to_thread(repo.segments, interview_id):
            if segment.speaker == "candidate" and segment.question_id and segment.kind == "answer":
                answers.setdefault(segment.question_id, []).append(segment.text)
        return cls(
            interview, questions, repo, bus, interviewer, use_attention, answers, max_followups, grader
        )

    async def _announce_question(
        self, kind: Literal["question", "followup"], reason: str | None = None
    ) -> None:
        q = self.current
        assert q is not None
        if kind == "question":
            await self.emit(
                event(
                    "question",
                    id=q.question_id,
                    text=q.text,
                    index=self.interview.question_index + 1,
                    total=len(self.questions),
                    category=q.category,
                    section=q.section,
                    persona=q.persona_id,
                )
            )
        else:
            await self.emit(event("followup", question_id=q.question_id, reason=reason))
        await self.emit(self.time_event())

    def lead(self, q: QuestionRow | None) -> Persona | None:
        return persona(q.persona_id) if q is not None and q.persona_id else None

    def context(self, **overrides: Any) -> TurnContext:
        """The turn as the interviewer provider sees it."""
        return context_for(self, **overrides)

    def _reply(self, say: SayKind, kind: ReplyKind, ctx: TurnContext, **flags: Any) -> Reply:
        """A reply whose words come from the interviewer provider, streamed."""
        decision = flags.pop("decision", None)
        extras = flags.pop("extras", {})
        q = ctx.question
        stream = self.interviewer.say(ctx, Say(say, decision, extras))
        voice = q.persona.voice if q and q.persona else None  # each persona speaks with its own voice
        return Reply(kind, q.id if q and kind != "closing" else None, stream=stream, voice=voice, **flags)

    # -- the flow ---------------------------------------------------------
    async def start(self) -> Reply:
        """Open (or resume) the interview: the greeting and the current question."""
        if self.finished:
            raise InterviewEnded("this interview has already ended", {"status": self.status})
        q = self.current
        assert q is not None
        if self.interview.status == "scheduled":
            video = self.interview.mode == "video"
            await self.update(
                status="in_progress",
                phase="questions",
                started_at=self.start_time(),
                attention_disclosed_at=utc_now() if video else None,
            )
            self._sync_clock()
            await self.announce("interview.started")
            await self.emit(event("phase_update", phase="intro"))
            await self.emit(event("phase_update", phase="questions"))
            await self._announce_persona(q)
            await self._announce_question("question")
            return self._reply("opening", "question", self.context())
        if self.interview.phase == "wrap_up":
            return await self._close()
        await self._announce_persona(q)
        await self._announce_question("followup" if self.interview.followup_asked else "question")
        return self._reply("resume", "question", self.context(), extras={"asked": self._asked(q)})

    def _asked(self, q: QuestionRow) -> str:
        """What the candidate was last asked: the follow-up, or the question."""
        if self.interview.followup_asked:
            return self._last_asked or q.followup
        return q.text

    async def answer(
        self, text: str, start: float | None = None, end: float | None = None, words: list[dict] | None = None
    ) -> Reply:
        """Commit the candidate's words, then decide what the interviewer says next."""
        if self.finished:
            raise InterviewEnded("this interview has already ended", {"status": self.status})
        q = self.current
        assert q is not None
        now = self.elapsed()
        ask = classify(text)
        await self.record(
            "candidate",
            text,
            now if start is None else start,
            now if end is None else end,
            q.question_id,
            words=words or [],
            kind="answer" if ask is None else "request",
        )
        self._before_last_decision = {
            "question_index": self.interview.question_index,
            "followup_asked": self.interview.followup_asked,
            "followup_reasons": list(self.interview.followup_reasons or []),
            "phase": self.interview.phase,
        }
        if ask == "repeat":
            return self.repeat()
        if ask == "skip":
            return await self.request_next()
        if ask is not None:  # answered, not scored: the question stays open
            return self._reply("answer_ask", "answer", self.context(ask=ask, answer=text))
        # grading runs off the event loop: no answer, however long, stalls other interviews
        ctx = self.context()
        grade = await self._graded(q, ctx.answer)
        self._last_grade = grade
        ctx = self.context(grade=grade)
        await self.emit(
            event(
                "score_update",
                question_id=q.question_id,
                score=grade.score,
                key_points_covered=list(grade.covered),
            )
        )
        decision = await self.interviewer.decide(ctx)
        if decision.kind == "followup" and decision.followup is not None:
            reasons = [*(self.interview.followup_reasons or []), decision.followup.reason]
            await self.update(followup_asked=True, followup_reasons=reasons)
            await self._announce_question("followup", decision.followup.reason)
            reply = self._reply("followup", "followup", ctx, decision=decision)
            return reply.remembering(self._remember_followup)
        reply = await self._close() if decision.kind == "close" else await self._advance("question", decision)
        if self.interview.mode == "practice":  # coaching after each answer, before what comes next
            reply = reply.prefixed(await asyncio.to_thread(practice_feedback, q, ctx.answer))
        return reply

    def prepare(self, text: str) -> None:
        """Speculation: the voice loop guesses that `text` ends the answer. Grade the answer
        as it would then stand, now, so the reply starts sooner if the turn ends with exactly
        these words. Nothing is stored or announced; a wrong guess is simply dropped."""
        q = self.current
        if q is None or self.finished or not text.strip() or classify(text) is not None:
            return
        answer = " ".join([*self._answers.get(q.question_id, []), text])
        key = (q.question_id, answer)
        if self._prepared is not None and self._prepared[0] == key:
            return
        self._prepared = (key, asyncio.ensure_future(asyncio.to_thread(self.grader, q, answer)))

    async def _graded(self, q: QuestionRow, answer: str) -> GradeView:
        """The grade of `answer`: the prepared one when it was made for these words."""
        prepared, self._prepared = self._prepared, None
        if prepared is not None and prepared[0] == (q.question_id, answer):
            try:
                return await prepared[1]
            except Exception:  # the guess failed: grade again, the answer is what counts
                log.warning("prepared grade failed; grading again", exc_info=True)
        elif prepared is not None:
            prepared[1].cancel()
        return await asyncio.to_thread(self.grader, q, answer)

    def _remember_followup(self, text: str) -> None:
        self._last_asked = text

    async def request_next(self) -> Reply:
        """The candidate asks to move on: the question is recorded as skipped, not as a weak answer."""
        q = self.current
        assert q is not None
        q.skipped = True
        await asyncio.to_thread(self.repo.mark_skipped, q.id, self.fence)
        await self.emit(event("phase_update", phase="questions", skipped=q.question_id))
        if self.interview.question_index >= len(self.questions) - 1 or self.time_remaining() <= 0:
            return await self._close()
        return await self._advance("move_on")

    async def reopen_answer(self) -> bool:
        """The candidate went on talking after the interviewer took the turn: undo the
        last decision, so what they say next joins the same answer."""
        state, self._before_last_decision = self._before_last_decision, None
        if state is None or self.finished:
            return False
        await self.update(**state)
        q = self.current
        assert q is not None
        await self.emit(event("phase_update", phase=state["phase"], reopened=True))
        await self.emit(
            event(
                "question",
                id=q.question_id,
                text=q.text,
                index=state["question_index"] + 1,
                total=len(self.questions),
                category=q.category,
                section=q.section,
                reopened=True,
            )
        )
        return True

    async def skip(self) -> Reply:
        """Move on after a long silence (no answer)."""
        if self.interview.question_index >= len(self.questions) - 1 or self.time_remaining() <= 0:
            return await self._close()
        return await self._advance("move_on")

    def repeat(self) -> Reply:
        """Say the current question (or follow-up) again."""
        q = self.current
        if q is None:
            return Reply("repeat", None, text="")
        return self._reply("repeat", "repeat", self.context(), extras={"asked": self._asked(q)})

    def goodbye_for_now(self) -> Reply:
        """A phone caller who has gone silent: end the call politely, keep the interview open."""
        return self._reply("goodbye_for_now", "closing", self.context(), hangs_up=True)

    def prompt(self) -> Reply:
        return self._reply("prompt", "prompt", self.context())

    async def _adapt_next(self) -> None:
        """difficulty auto: after a strong answer (7.5+) the next bank question is one level
        harder, after a weak one (4 or less) one level easier."""
        grade, self._last_grade = self._last_grade, None
        nxt = self.interview.question_index + 1
        if (
            self.interview.difficulty != "auto"
            or grade is None
            or grade.score is None
            or nxt >= len(self.questions)
        ):
            return
        step = 1 if grade.score >= 7.5 else -1 if grade.score <= 4 else 0
        answered, q = self.current, self.questions[nxt]
        base = (answered.level if answered is not None else None) or q.level  # the level just asked
        if not step or base not in LEVELS or q.level is None:
            return
        level = LEVELS[max(0, min(len(LEVELS) - 1, LEVELS.index(base) + step))]
        replacement = harder_or_easier(q, self.questions, level) if level != q.level else None
        if replacement is None:
            return
        fields = retarget(q, replacement, level)
        for name, value in fields.items():
            setattr(q, name, value)
        await asyncio.to_thread(self.repo.update_question, q.id, self.fence, **fields)

    async def _advance(self, say: SayKind, decision: Decision | None = None) -> Reply:
        await self._adapt_next()
        before = self.lead(self.current)
        await self.update(
            question_index=self.interview.question_index + 1, followup_asked=False, followup_reasons=[]
        )
        self._last_asked = None
        q = self.current
        assert q is not None
        if self.lead(q) != before:
            await self._announce_persona(q)
        await self._announce_question("question")
        return self._reply(say, "question", self.context(previous_persona=before), decision=decision)

    async def _announce_persona(self, q: QuestionRow) -> None:
        lead = self.lead(q)
        if lead is not None:
            await self.emit(event("interviewer_changed", persona=lead.public()))

    async def _close(self) -> Reply:
        await self.update(phase="wrap_up")
        await self.emit(event("phase_update", phase="wrap_up"))
        return self._reply("closing", "closing", self.context(), ends_interview=True)
