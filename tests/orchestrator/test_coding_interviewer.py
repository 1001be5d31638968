"""The coding interviewer: the coach's rules on a fake clock with scripted saves, runs and words
(explain the approach, complexity after a pass, a hint when stuck, never the solution), the
session over the real store, and the LLM's wording checked for code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from coding.tasks import bank
from core.events import event
from llm import LlmClient, LlmOptions
from orchestrator.coding_coach import PROBES, CoachOptions, CodingCoach, RunSeen
from orchestrator.coding_session import CodingBrief, CodingSession
from orchestrator.coding_words import CodingView, reveals_code, rules_text
from orchestrator.interviewer import RulesInterviewer, Say, TurnContext
from orchestrator.llm_interviewer import FallbackInterviewer, LlmInterviewer
from orchestrator.plan import plan_interview
from store.bus import InProcessBus
from store.db import make_session_factory
from store.repository import InterviewRepository
from tests.fakes.openai_server import FakeOpenAIServer

TASK = bank()["balanced-brackets"]
HINTS = tuple(TASK.hints)
FAILED = RunSeen("failed", 2, 3, ("wrong kind",))
PASSED = RunSeen("passed", 3, 3)


def coach(**options: Any) -> CodingCoach:
    c = CodingCoach(HINTS, starter_chars=50, options=CoachOptions(**options))
    assert c.opened(0.0).move == "opening"
    return c


def moves_until(c: CodingCoach, start: float, end: float, seconds_left: float = 1200.0) -> list[tuple]:
    """Every step the coach takes at each second's pause from `start` to `end`."""
    said = []
    for now in range(int(start), int(end)):
        step = c.tick(float(now), seconds_left - now)
        if step is not None:
            said.append((now, step.move))
    return said


def test_thinking_aloud_gets_no_reply_and_code_with_a_pause_asks_for_the_approach():
    c = coach()
    assert c.heard(5, "okay so I think I'll loop over the characters") is None
    c.code_saved(30, 60)  # barely past the starter: not yet
    assert moves_until(c, 31, 60) == []
    c.code_saved(60, 200)
    assert moves_until(c, 61, 79) == []  # still typing, or just stopped
    assert moves_until(c, 80, 120) == [(80, "approach")]  # a 20 s pause after real code
    assert c.heard(95, "I push opening brackets and pop when a closing one comes").move == "ack"
    assert moves_until(c, 96, 170) == []  # asked once


def test_a_failing_run_asks_what_fails_and_repeated_failures_bring_a_hint():
    c = coach()
    c.code_saved(40, 200)
    c.run_finished(41, FAILED)
    step = c.tick(42, 1000)
    assert step is not None and step.move == "failing" and step.run == FAILED
    text = rules_text(context(), view("failing", run=FAILED))
    assert "2 of 3 visible tests pass" in text and "wrong kind" in text and "?" in text
    assert c.heard(50, "I think I compare the wrong pairs").move == "ack"
    c.run_finished(70, FAILED)  # again soon after: not asked twice in a row
    assert c.tick(71, 1000) is None
    c.run_finished(90, FAILED)  # the third failure in a row: the first hint
    step = c.tick(91, 1000)
    assert step is not None and step.move == "hint" and step.hint == HINTS[0]


def test_after_a_pass_complexity_then_edge_cases_then_quiet():
    c = coach()
    c.code_saved(40, 200)
    assert c.tick(60, 1000).move == "approach"
    c.heard(70, "I use a stack")
    c.run_finished(100, PASSED)
    step = c.tick(101, 1000)
    assert step.move == "complexity" and step.run == PASSED
    chained = c.heard(110, "It's linear time, O of n, and linear extra memory for the stack")
    assert chained.move == "edge_cases"  # asked next, in the same reply
    assert c.heard(125, "An empty string, and only closing brackets").move == "ack"
    c.run_finished(200, PASSED)
    assert moves_until(c, 201, 900) == []  # everything asked, passing: never "stuck"
    assert set(PROBES) <= set(c.asked)


def test_a_hint_when_stuck_for_long_gentlest_first_and_never_more_than_the_bank_has():
    c = coach(stuck_after_s=180)
    assert moves_until(c, 1, 179) == []
    said = moves_until(c, 180, 1200, seconds_left=5000)
    assert [move for _, move in said] == ["hint"] * len(HINTS)
    assert [now for now, _ in said] == [180, 360, 540]  # each after another quiet stretch
    assert c.heard(1300, "could I get another hint?").move == "no_hints"


def test_asking_for_a_hint_time_or_a_repeat_and_questions_about_the_task():
    c = coach()
    step = c.heard(10, "I'm a bit stuck, can I have a hint?")
    assert step.move == "hint" and step.hint == HINTS[0]
    assert c.heard(20, "how much time is left?").move == "time_left"
    assert c.heard(30, "sorry, could you repeat that").move == "repeat"
    assert c.heard(40, "Can the string contain letters?").move == "clarify"
    assert c.heard(50, "I'm done").move == "done"  # not passing yet: no probes, never ends by itself


def test_the_time_warning_and_the_closing():
    c = coach(stuck_after_s=5000)
    assert c.tick(900, 301) is None
    assert c.tick(901, 300).move == "time_warning"
    assert c.tick(950, 250) is None
    closing = c.tick(1201, 0)
    assert closing.move == "closing" and closing.ends_interview
    assert c.tick(1202, 0) is None
    short = coach()
    assert short.tick(10, 290) is None  # a five-minute interview gets no "five minutes left"


def test_a_reaction_to_a_run_not_said_in_time_is_dropped():
    c = coach()
    c.run_finished(10, FAILED)
    assert c.tick(60, 1000) is None  # 50 s later the candidate has moved on


# -- the words ----------------------------------------------------------------------------------
def context(**overrides: Any) -> TurnContext:
    base = dict(
        role="Backend Engineer", level="middle", minutes=30, seconds_left=1200.0, video=False, question=None
    )
    return TurnContext(**(base | overrides))


def view(move: str, **fields: Any) -> CodingView:
    return CodingView(move, TASK.title, TASK.statement, "python", **fields)  # type: ignore[arg-type]


MOVES = (
    "opening", "resume", "approach", "failing", "complexity", "edge_cases", "hint", "no_hints", "ack",
    "clarify", "time_left", "time_warning", "done", "repeat", "closing",
)  # fmt: skip


@pytest.mark.parametrize("task", list(bank().values()), ids=lambda t: t.id)
def test_nothing_the_rules_say_carries_code_or_the_reference(task):
    lines = {line.strip() for code in task.reference.values() for line in code.splitlines()}
    lines = {line for line in lines if len(line) >= 12}
    said = []
    for move in MOVES:
        for hint in task.hints or [None]:
            for run in (None, FAILED, PASSED, RunSeen("timeout", 0, 3)):
                v = CodingView(
                    move, task.title, task.statement, "python", run=run, hint=hint, last_said="Hi."
                )
                said.append(rules_text(context(candidate_name="Ada"), v))
    for text in said:
        assert text and not reveals_code(text), text
        assert not any(line in text for line in lines), text
        assert "hidden" not in text.lower() and "score" not in text.lower()


def test_code_in_words_is_caught():
    for code in (
        "Try `stack.append(ch)` there.",
        "def is_balanced(s):",
        "You could write const seen = new Set() first.",
        "Use pairs[ch] = True for each one.",
        "return not stack",
        "nums.map(x => x * 2)",
    ):
        assert reveals_code(code), code
    for words in (
        "What should you return when the string is empty?",
        "Think about what you need to remember while you read the string.",
        "Two of three visible tests pass. What do you think goes wrong?",
    ):
        assert not reveals_code(words), words


async def test_the_llm_words_a_hint_and_code_in_its_words_falls_back_to_rules():
    with FakeOpenAIServer(replies=["Think about what must be closed first, given your loop."]) as server:
        client = LlmClient(LlmOptions(server.base_url, "fake"))
        interviewer = FallbackInterviewer(LlmInterviewer(client), RulesInterviewer())
        ctx = context(coding=view("hint", hint=HINTS[1], code="def is_balanced(s):\n    pass\n"))
        said = "".join([piece async for piece in interviewer.say(ctx, Say("coding"))])
        assert said == "Think about what must be closed first, given your loop."
        prompt = server.sent_text()
        assert HINTS[1] in prompt and "Never reveal the solution" in prompt and "def is_balanced" in prompt
        assert TASK.reference["python"].strip() not in prompt  # it never sees the reference
        server.reply("Just write `stack.append(ch)` and `return not stack`.")
        said = "".join([piece async for piece in interviewer.say(ctx, Say("coding"))])
        assert said == rules_text(ctx, ctx.coding) and interviewer.fallbacks == 1


# -- the session over the real store ------------------------------------------------------------
@dataclass
class Snapshot:
    language: str = "python"
    code: str = ""
    version: int = 1
    saved_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    last_run: dict[str, Any] | None = None


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self, mono: float | None = None) -> float:
        return self.now


@pytest.fixture
def repo(tmp_path):
    return InterviewRepository(make_session_factory(f"sqlite:///{tmp_path}/c.db"))


async def coding_session(repo, snapshot: Snapshot, clock: Clock) -> CodingSession:
    row, questions, _ = plan_interview(
        "Backend Engineer", "middle", ["python"], mode="coding", candidate_name="Ada"
    )
    assert questions == []  # no ordinary question plan: nothing shows as "not asked"
    row.task_id, row.code_language = TASK.id, "python"
    repo.create(row, questions)
    session = await CodingSession.load(row.id, repo, InProcessBus(), RulesInterviewer())

    async def reader() -> Snapshot:
        return snapshot

    brief = CodingBrief(TASK.title, TASK.statement, "python", HINTS, len(TASK.starter["python"]))
    session.configure(brief, reader)
    session.elapsed = clock  # type: ignore[method-assign]
    return session


async def test_a_coding_session_talks_about_the_code(repo):
    snapshot, clock = Snapshot(code=TASK.starter["python"]), Clock()
    s = await coding_session(repo, snapshot, clock)
    opening = await (await s.start()).full_text()
    assert opening.startswith("Hi Ada.") and TASK.title in opening and "hint" in opening
    assert repo.get(s.id).status == "in_progress" and s.current is None
    silent = await s.answer("hmm, let me think about the brackets first")
    assert await silent.full_text() == ""
    clock.now = 40.0
    snapshot.code = TASK.starter["python"] + "    stack = []\n" * 10
    await s.observe(event("code_update", version=2, language="python", size=len(snapshot.code)))
    result = {
        "status": "failed",
        "tests": [{"name": "nested", "passed": True}, {"name": "wrong kind", "passed": False}],
    }
    snapshot.last_run = result
    await s.observe(event("code_run", version=2, status="failed", passed=1, total=2, wall_ms=80))
    clock.now = 41.0
    reply = await s.nudge()
    assert reply is not None and "wrong kind" in await reply.full_text()
    await s.record("interviewer", reply.text, 41.0, 44.0, "task")
    assert await s.nudge() is None  # nothing more to say right now
    repeat = await s.repeat().full_text()
    assert repeat == f"Of course. {reply.text}"
    said = [seg.text for seg in repo.segments(s.id)]
    assert said[-1] == reply.text and all(TASK.reference["python"].strip() not in t for t in said)
    report = await s.finish()
    assert report["questions"] == [] and report["scores"]["questions_planned"] == 0


def test_soft_skills_come_from_the_conversation():
    from coding.grading import soft_skills

    assert soft_skills([])["score"] is None  # no conversation: not measured, not zero
    said = [
        ("interviewer", "Could you walk me through your approach?", 10.0, 12.0),
        ("candidate", "I keep a stack of the opening brackets and pop one for every closing bracket, "
         "checking that the kinds match, and at the end the stack has to be empty for the string "
         "to be balanced.", 13.0, 25.0),
        ("candidate", "That is linear time and linear memory in the worst case.", 40.0, 44.0),
        ("candidate", "Edge cases: an empty string, and a closing bracket first.", 60.0, 64.0),
    ]  # fmt: skip
    skills = soft_skills(said)
    assert skills["explained_approach"] and skills["discussed_complexity"] and skills["discussed_edge_cases"]
    assert skills["engaged"] and skills["score"] == 100.0
    quiet = soft_skills([("candidate", "Okay.", 1.0, 2.0)])
    assert quiet["score"] == 0.0 and not quiet["explained_approach"]


async def test_the_voice_loop_hears_runs_on_the_bus_and_speaks_at_a_pause(repo):
    """CodingVoiceAgent: code events reach the session from the bus (recruiter audience), and a
    pause (not the usual "take your time" prompt) is when the coach speaks."""
    import asyncio
    from types import SimpleNamespace

    from orchestrator.coding_voice import CodingVoiceAgent

    snapshot, clock = Snapshot(code=TASK.starter["python"]), Clock()
    s = await coding_session(repo, snapshot, clock)
    await (await s.start()).full_text()
    transport: Any = SimpleNamespace(has_video=False, output=SimpleNamespace(), kind="webrtc")
    agent = CodingVoiceAgent(s, transport, stt=None, tts=None)  # type: ignore[arg-type]
    spoken: list[Any] = []
    agent._speak = lambda reply, speech_end=None: spoken.append(reply)  # type: ignore[method-assign]
    watcher = asyncio.ensure_future(agent._watch_code(s.bus.subscribe(s.id, "recruiter")))
    await asyncio.sleep(0)
    clock.now = 30.0
    snapshot.last_run = {"status": "failed", "tests": [{"name": "wrong kind", "passed": False}]}
    await s.emit(event("code_run", version=1, status="failed", passed=0, total=1, wall_ms=50))
    for _ in range(5):
        await asyncio.sleep(0)
    agent._playback = object()  # type: ignore[assignment]  # the interviewer is speaking: not now
    await agent._check_silence(0.0)
    assert spoken == []
    agent._playback = None
    await agent._check_silence(0.0)
    assert len(spoken) == 1 and "wrong kind" in await spoken[0].full_text()
    clock.now = 100.0  # a long silence is the candidate working: no prompt, no moving on
    await agent._check_silence(0.0)
    assert len(spoken) == 1
    watcher.cancel()
