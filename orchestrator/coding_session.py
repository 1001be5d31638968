"""A coding interview's conversation: no question plan, an interviewer that watches the code.

`CodingSession` replaces the planned questions of `InterviewSession` with the coach
(orchestrator.coding_coach): the opening introduces the task, the code's saves and runs (the
`code_update` and `code_run` events) tell it what changed, and what it decides is worded by the
interviewer provider with the latest code and run in view (`CodingView`). The runtime hands it the
task's brief and a reader of the latest code, so this module needs nothing from `coding`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.errors import InterviewEnded
from core.events import Event
from orchestrator.coding_coach import CoachOptions, CodingCoach, RunSeen, Step
from orchestrator.coding_words import CodingView
from orchestrator.interviewer import Say
from orchestrator.replies import Reply, ReplyKind
from orchestrator.session import InterviewSession
from store.models import SegmentRow

TASK_ID = "task"  # the question id of everything said in a coding interview (there is one task)
REPLY_KINDS: dict[str, ReplyKind] = {
    "ack": "answer",
    "clarify": "answer",
    "time_left": "answer",
    "done": "answer",
    "repeat": "repeat",
    "closing": "closing",
}


class CodeSnapshot(Protocol):
    """The latest code and run (coding.state.CodeState has these)."""

    @property
    def language(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def saved_at(self) -> datetime: ...
    @property
    def last_run(self) -> dict[str, Any] | None: ...


CodeReader = Callable[[], Awaitable[CodeSnapshot | None]]


@dataclass(frozen=True)
class CodingBrief:
    """What the interviewer knows of the task: never its hidden tests or reference solution."""

    title: str
    statement: str
    language: str
    hints: tuple[str, ...]
    starter_chars: int = 0


def run_seen(result: dict[str, Any]) -> RunSeen:
    """A run's answer (`POST .../run`, visible tests only) as the coach sees it."""
    tests = result.get("tests") or []
    failing = tuple(str(t.get("name")) for t in tests if not t.get("passed"))
    passed = sum(1 for t in tests if t.get("passed"))
    return RunSeen(str(result.get("status", "error")), passed, len(tests), failing)


class CodingSession(InterviewSession):
    """Drives a coding interview's conversation. Load with `InterviewSession.load`, then `configure`."""

    brief: CodingBrief
    coach: CodingCoach

    def configure(self, brief: CodingBrief, reader: CodeReader, options: CoachOptions | None = None) -> None:
        self.brief, self.reader = brief, reader
        self.coach = CodingCoach(brief.hints, brief.starter_chars, options or CoachOptions())
        self._last_said = ""
        self._last_heard = ""

    # -- the flow ----------------------------------------------------------------------------
    async def start(self) -> Reply:
        """The opening, or "welcome back" when the interviewer has spoken before (a reconnect)."""
        if self.finished:
            raise InterviewEnded("this interview has already ended", {"status": self.status})
        await self.begin("coding")  # the candidate may have opened the task first: then a no-op
        spoken = await asyncio.to_thread(self.repo.segments, self.id)
        resumed = any(s.speaker == "interviewer" for s in spoken)
        await self._catch_up()
        await self.emit(self.time_event())
        return await self._words(self.coach.opened(self.elapsed(), resumed))

    async def answer(
        self, text: str, start: float | None = None, end: float | None = None, words: list[dict] | None = None
    ) -> Reply:
        """Store the candidate's words, then reply, or stay quiet while they think aloud."""
        if self.finished:
            raise InterviewEnded("this interview has already ended", {"status": self.status})
        now = self.elapsed()
        start, end = now if start is None else start, now if end is None else end
        await self.record("candidate", text, start, end, TASK_ID, words=words or [])
        self._last_heard = text
        step = self.coach.heard(self.elapsed(), text)
        return await self._words(step) if step is not None else Reply("answer", TASK_ID, text="")

    async def nudge(self) -> Reply | None:
        """At a pause: the reaction to a run, a hint when stuck, the time; None: nothing to say."""
        if self.finished or self.interview.started_at is None:
            return None
        step = self.coach.tick(self.elapsed(), self.time_remaining())
        return await self._words(step) if step is not None else None

    async def observe(self, ev: Event) -> None:
        """A `code_update` or `code_run` event: what changed in the editor."""
        now = self.elapsed()
        if ev.type == "code_update":
            self.coach.code_saved(now, int(ev.data.get("size") or 0))
        elif ev.type == "code_run":
            state = await self.reader()
            if state is not None and state.last_run is not None:
                self.coach.run_finished(now, run_seen(state.last_run))

    async def _catch_up(self) -> None:
        """The coach learns the code saved before it was listening (the page saves from the start)."""
        state = await self.reader()
        if state is None:
            return
        self.coach.code_chars = len(state.code.encode("utf-8"))
        if state.last_run is not None:
            run = run_seen(state.last_run)
            self.coach.last_run, self.coach.passed_ever = run, run.status == "passed"

    # -- words -------------------------------------------------------------------------------
    async def _words(self, step: Step) -> Reply:
        view = await self._view(step)
        ctx = self.context(coding=view)
        stream = self.interviewer.say(ctx, Say("coding", extras={"move": step.move}))
        kind = REPLY_KINDS.get(step.move, "question")
        reply = Reply(kind, TASK_ID, stream=stream, ends_interview=step.ends_interview)
        return reply.remembering(self._remember) if step.move != "repeat" else reply

    async def _view(self, step: Step) -> CodingView:
        state = await self.reader() if step.move not in ("opening", "repeat", "closing") else None
        return CodingView(
            move=step.move,
            title=self.brief.title,
            statement=self.brief.statement,
            language=state.language if state is not None else self.brief.language,
            code=state.code if state is not None else "",
            run=step.run,
            hint=step.hint,
            after=step.after,
            last_words=self._last_heard,
            last_said=self._last_said,
        )

    def _remember(self, text: str) -> None:
        self._last_said = text

    # -- the voice loop's other calls ------------------------------------------------------------
    def prepare(self, text: str) -> None:
        """Nothing to grade ahead: a coding interview's answers are not scored one by one."""

    async def reopen_answer(self) -> bool:
        return False

    async def skip(self) -> Reply:
        return Reply("prompt", TASK_ID, text="")

    def prompt(self) -> Reply:
        return Reply("prompt", TASK_ID, text="")

    def repeat(self) -> Reply:
        brief = self.brief
        view = CodingView("repeat", brief.title, brief.statement, brief.language, last_said=self._last_said)
        return Reply("repeat", TASK_ID, stream=self.interviewer.say(self.context(coding=view), Say("coding")))

    async def request_next(self) -> Reply:
        """There is one task: "next" means the candidate thinks they are done."""
        return await self._words(self.coach.heard(self.elapsed(), "I'm done") or Step("done"))

    async def record(
        self,
        speaker: str,
        text: str,
        start: float,
        end: float,
        question_id: str | None,
        words: list[dict] | None = None,
        kind: str = "answer",
        interrupted: bool = False,
    ) -> SegmentRow:
        row = await super().record(speaker, text, start, end, question_id, words, kind, interrupted)
        self.coach.spoke(self.elapsed())
        return row
