"""The interview state machine against the real SQLite store and the in-process bus."""

from datetime import timedelta

import pytest

from core.errors import InterviewEnded
from orchestrator.interviewer import RulesInterviewer
from orchestrator.plan import plan_interview
from orchestrator.session import InterviewSession
from store.bus import InProcessBus
from store.db import make_session_factory
from store.repository import InterviewRepository

FULL_ANSWER = (
    "I have six years of experience. I built and designed payment APIs in Python and I enjoy it "
    "because clean interfaces help teams. I led the migration project, implemented the retries, "
    "and studied the failure modes carefully so the service stayed reliable for customers. "
) * 2


@pytest.fixture
def repo(tmp_path):
    return InterviewRepository(make_session_factory(f"sqlite:///{tmp_path}/s.db"))


async def new_session(repo, bus=None, minutes=8, **kw):
    row, questions, _ = plan_interview(
        "Backend Engineer", "middle", ["python"], duration_minutes=minutes, **kw
    )
    repo.create(row, questions)
    return await InterviewSession.load(row.id, repo, bus or InProcessBus(), RulesInterviewer())


async def test_start_greets_and_asks_the_first_question(repo):
    bus = InProcessBus()
    s = await new_session(repo, bus, candidate_name="Ada")
    sub = bus.subscribe(s.id, "recruiter")
    reply = await s.start()
    assert reply.text.startswith("Hi Ada.") and reply.text.endswith(s.questions[0].text)
    assert reply.question_id == "q1"
    assert repo.get(s.id).status == "in_progress"
    types = [sub.queue.get_nowait().type for _ in range(sub.queue.qsize())]
    assert types == ["phase_update", "phase_update", "question", "time_remaining"]


async def test_thin_answer_gets_one_followup_then_moves_on(repo):
    s = await new_session(repo)
    await s.start()
    first = await s.answer("I like computers.")
    assert first.kind == "followup" and first.text == s.questions[0].followup
    second = await s.answer("Still computers.")
    assert second.kind == "question" and second.question_id == "q2"
    assert second.text.endswith(s.questions[1].text)
    answers = [seg for seg in repo.segments(s.id) if seg.speaker == "candidate"]
    assert [(a.text, a.question_id) for a in answers] == [
        ("I like computers.", "q1"),
        ("Still computers.", "q1"),
    ]


async def test_full_answer_moves_on_without_followup(repo):
    s = await new_session(repo)
    await s.start()
    reply = await s.answer(FULL_ANSWER)
    assert reply.kind == "question" and reply.question_id == "q2"


async def test_last_answer_closes_and_finish_writes_the_report(repo):
    s = await new_session(repo, minutes=8)  # two questions
    await s.start()
    assert (await s.answer(FULL_ANSWER)).question_id == "q2"
    assert (await s.answer("Not sure.")).kind == "followup"
    closing = await s.answer("Still not sure.")
    assert closing.kind == "closing" and closing.ends_interview
    report = await s.finish()
    assert repo.get(s.id).status == "completed"
    assert repo.report(s.id) == report
    assert [q["id"] for q in report["questions"]] == ["q1", "q2"]
    assert report["questions"][0]["score"] > 5
    with pytest.raises(InterviewEnded):
        await s.answer("more")


async def test_a_reloaded_session_resumes_at_the_same_question(repo):
    s = await new_session(repo)
    await s.start()
    await s.answer(FULL_ANSWER)
    again = await InterviewSession.load(s.id, repo, InProcessBus(), RulesInterviewer())
    reply = await again.start()
    assert reply.text.startswith("Welcome back") and reply.text.endswith(s.questions[1].text)
    assert again.elapsed() >= s.elapsed() - 0.1  # the clock carries on from the stored start


async def test_repeat_request_repeats_without_advancing(repo):
    s = await new_session(repo)
    await s.start()
    reply = await s.answer("Sorry, could you repeat the question?")
    assert reply.kind == "repeat" and reply.text.endswith(s.questions[0].text)
    assert s.interview.question_index == 0


async def test_time_budget_ends_the_interview(repo):
    s = await new_session(repo, minutes=20)
    await s.start()
    s._t0_mono -= timedelta(minutes=21).total_seconds()  # the clock ran out
    assert s.time_remaining() == 0
    assert (await s.answer("I like computers.")).kind == "closing"


async def test_silence_skips_to_the_next_question_then_closes(repo):
    s = await new_session(repo, minutes=8)
    await s.start()
    assert s.prompt().kind == "prompt"
    moved = await s.skip()
    assert moved.text.startswith("Let's move on.") and moved.question_id == "q2"
    assert (await s.skip()).kind == "closing"
    report = await s.finish()
    assert report["overall_score"] == 0 and report["recommendation"] == "no_hire"


async def test_reopened_answer_joins_the_same_question(repo):
    s = await new_session(repo)
    await s.start()
    assert (await s.answer("I like computers.")).kind == "followup"
    assert await s.reopen_answer()  # the candidate went on talking over the follow-up
    assert s.interview.question_index == 0 and not s.interview.followup_asked
    assert repo.get(s.id).followup_asked is False
    reply = await s.answer(FULL_ANSWER)
    assert reply.question_id == "q2"  # both parts together were a full answer
    assert [seg.question_id for seg in repo.segments(s.id) if seg.speaker == "candidate"] == ["q1", "q1"]
    assert await s.reopen_answer() and s.interview.question_index == 0
    assert not await s.reopen_answer()  # only the last decision can be undone
