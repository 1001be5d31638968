"""Two-pass transcription on the record: the accurate pass's text replaces the fast one's
in the store, the grading text and the report, and listeners are told (fake transcripts)."""

import asyncio

import pytest

from orchestrator.interviewer import RulesInterviewer
from orchestrator.plan import plan_interview
from orchestrator.session import InterviewSession
from store.bus import InProcessBus
from store.db import make_session_factory
from store.repository import InterviewRepository
from stt.whisper import Transcript, Word

FAST = "I would add an index on the email column and check the quarry plan."
ACCURATE = "I would add an index on the email column and check the query plan."


@pytest.fixture
def repo(tmp_path):
    return InterviewRepository(make_session_factory(f"sqlite:///{tmp_path}/s.db"))


async def started(repo, bus):
    row, questions, _ = plan_interview("Backend Engineer", "middle", ["python"], duration_minutes=8)
    repo.create(row, questions)
    session = await InterviewSession.load(row.id, repo, bus, RulesInterviewer())
    session.live_stt_model = "tiny.en"
    await (await session.start()).full_text()
    return session


def accurate(text=ACCURATE):
    words = [Word(w, 0.3 * i, 0.3 * i + 0.25, 0.9) for i, w in enumerate(text.split())]
    return Transcript(text=text, words=words)


async def answered(session):
    await session.answer(FAST, 12.0, 16.0, [{"word": "I", "start": 12.0, "end": 12.2, "probability": 0.9}])
    return session.last_answer


async def test_revise_replaces_the_stored_text_words_and_model_and_tells_listeners(repo):
    bus = InProcessBus()
    session = await started(repo, bus)
    sub = bus.subscribe(session.id, "candidate")
    segment = await answered(session)
    assert segment.stt_model == "tiny.en"
    assert await session.revise(segment, accurate(), "base")
    stored = next(s for s in repo.segments(session.id) if s.id == segment.id)
    assert (stored.text, stored.stt_model) == (ACCURATE, "base")
    assert stored.words[1] == {"word": "would", "start": 12.3, "end": 12.55, "probability": 0.9}
    events = [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]
    finals = [e.data for e in events if e.type == "transcript" and e.data["speaker"] == "candidate"]
    assert finals[0]["text"] == FAST and "revised" not in finals[0]
    assert finals[-1]["revised"] is True and finals[-1]["text"] == ACCURATE
    assert finals[-1]["segment_id"] == finals[0]["segment_id"] == segment.id
    assert finals[-1]["start"] == 12.0 and finals[-1]["question_id"] == "q1"


async def test_the_revised_text_is_what_later_grading_reads(repo):
    session = await started(repo, InProcessBus())
    session.interview.followup_asked = True  # keep the question open for a second answer
    segment = await answered(session)
    await session.revise(segment, accurate(), "base")
    assert ACCURATE in session._answers["q1"]  # the live grader's view of the answer
    assert FAST not in session._answers["q1"]


async def test_finish_waits_for_a_pending_revision_and_the_report_reads_it(repo):
    session = await started(repo, InProcessBus())
    segment = await answered(session)

    async def slow_transcript():
        await asyncio.sleep(0.3)
        return accurate()

    session.revise_later(segment, slow_transcript(), "base")
    await session.finish()
    stored = next(s for s in repo.segments(session.id) if s.id == segment.id)
    assert stored.text == ACCURATE
    report = repo.report(session.id)
    assert "quarry" not in str(report) and report is not None


async def test_finish_does_not_wait_forever(repo):
    session = await started(repo, InProcessBus())
    session.revision_wait_s = 0.2
    segment = await answered(session)
    never = asyncio.get_running_loop().create_future()
    session.revise_later(segment, never, "base")
    await asyncio.wait_for(session.finish(), 5)
    never.set_result(accurate())  # too late: the report is written, the transcript agrees with it
    await asyncio.sleep(0.05)
    assert next(s for s in repo.segments(session.id) if s.id == segment.id).text == FAST


async def test_a_failed_or_empty_accurate_pass_keeps_the_fast_text(repo):
    session = await started(repo, InProcessBus())
    segment = await answered(session)

    async def broken():
        raise RuntimeError("engine crashed")

    session.revise_later(segment, broken(), "base")
    await asyncio.sleep(0.05)
    assert not await session.revise(segment, Transcript(text=""), "base")
    stored = next(s for s in repo.segments(session.id) if s.id == segment.id)
    assert (stored.text, stored.stt_model) == (FAST, "tiny.en")
