"""Two-pass transcription through the durable `refine` queue (fake accurate engine): the
accurate pass's text replaces the fast one's in the store, the grading text and the report,
and listeners are told; the report waits for it a while and the transcript stays as the report
read it; a job whose worker died is done by another worker, in-process and on a real Redis."""

import asyncio
import contextlib
import threading

import numpy as np
import pytest

from orchestrator.interviewer import RulesInterviewer
from orchestrator.plan import plan_interview
from orchestrator.refine_jobs import QUEUE, RefineJob, RefineJobs
from orchestrator.session import InterviewSession
from store.backends import make_backends
from store.db import make_session_factory
from store.queue import QueueOptions
from store.repository import InterviewRepository
from stt.refine import Refiner
from stt.whisper import Transcript, Word

FAST = "I would add an index on the email column and check the quarry plan."
ACCURATE = "I would add an index on the email column and check the query plan."
AUDIO = np.zeros(16000 * 4, dtype=np.int16)


def accurate(text=ACCURATE):
    words = [Word(w, 0.3 * i, 0.3 * i + 0.25, 0.9) for i, w in enumerate(text.split())]
    return Transcript(text=text, words=words)


class Engine:
    """The accurate model's stand-in: answers `result` once `gate` opens (at once without one)."""

    def __init__(self, result=None, gate: threading.Event | None = None, error: Exception | None = None):
        self.result, self.gate, self.error = result or accurate(), gate, error

    def transcribe(self, audio, beam_size=None):
        if self.gate is not None:
            self.gate.wait(10)
        if self.error is not None:
            raise self.error
        return self.result


@pytest.fixture
def repo(tmp_path):
    return InterviewRepository(make_session_factory(f"sqlite:///{tmp_path}/s.db"))


class Pass:
    """One process's accurate pass: its backends, its queue of jobs, its worker."""

    def __init__(self, repo, backends, engine, worker="w1", **options):
        self.backends = backends
        queue = backends.queue(QUEUE, QueueOptions(**options))
        self.jobs = RefineJobs(queue, repo, backends.bus, worker)
        self.refiner = Refiner(lambda: engine, "base")
        self.task = None

    def start(self):
        self.task = asyncio.ensure_future(self.jobs.run(self.refiner, wait_s=0.1))
        return self

    async def stop(self):
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        self.refiner.close()


@contextlib.asynccontextmanager
async def accurate_pass(repo, engine=None, **options):
    running = Pass(repo, make_backends(), engine or Engine(), **options).start()
    try:
        yield running
    finally:
        await running.stop()


async def started(repo, bus):
    row, questions, _ = plan_interview("Backend Engineer", "middle", ["python"], duration_minutes=8)
    repo.create(row, questions)
    session = await InterviewSession.load(row.id, repo, bus, RulesInterviewer())
    session.live_stt_model = "tiny.en"
    await (await session.start()).full_text()
    return session


async def answered_and_queued(session, jobs: RefineJobs):
    """What the voice loop does with an answer: store it, then hand it to the accurate pass."""
    await session.answer(FAST, 12.0, 16.0, [{"word": "I", "start": 12.0, "end": 12.2, "probability": 0.9}])
    segment = session.last_answer
    session.expect_revision(segment)
    await jobs.submit(RefineJob(session.id, segment.id, segment.start, 5, AUDIO))
    return segment


def stored(repo, session, segment):
    return next(s for s in repo.segments(session.id) if s.id == segment.id)


async def test_the_accurate_text_replaces_the_stored_one_and_listeners_are_told(repo):
    async with accurate_pass(repo) as running:
        session = await started(repo, running.backends.bus)
        sub = running.backends.bus.subscribe(session.id, "candidate")
        segment = await answered_and_queued(session, running.jobs)
        assert segment.stt_model == "tiny.en"
        assert await session.revisions.wait(5) == 0
    row = stored(repo, session, segment)
    assert (row.text, row.stt_model) == (ACCURATE, "base")
    assert row.words[1] == {"word": "would", "start": 12.3, "end": 12.55, "probability": 0.9}
    assert (segment.text, segment.stt_model) == (ACCURATE, "base")  # the session's copy too
    events = [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]
    finals = [e.data for e in events if e.type == "transcript" and e.data["speaker"] == "candidate"]
    assert finals[0]["text"] == FAST and "revised" not in finals[0]
    assert finals[-1]["revised"] is True and finals[-1]["text"] == ACCURATE
    assert finals[-1]["segment_id"] == finals[0]["segment_id"] == segment.id
    assert finals[-1]["start"] == 12.0 and finals[-1]["question_id"] == "q1"
    assert "revised" in str([e.data for e in repo.events(session.id) if e.type == "transcript"])


async def test_the_revised_text_is_what_later_grading_reads(repo):
    async with accurate_pass(repo) as running:
        session = await started(repo, running.backends.bus)
        session.interview.followup_asked = True  # keep the question open for a second answer
        await answered_and_queued(session, running.jobs)
        await session.revisions.wait(5)
    assert ACCURATE in session._answers["q1"]  # the live grader's view of the answer
    assert FAST not in session._answers["q1"]


async def test_finish_waits_for_a_pending_revision_and_the_report_reads_it(repo):
    gate = threading.Event()
    async with accurate_pass(repo, Engine(gate=gate)) as running:
        session = await started(repo, running.backends.bus)
        segment = await answered_and_queued(session, running.jobs)
        asyncio.get_running_loop().call_later(0.3, gate.set)
        await session.finish()
    assert stored(repo, session, segment).text == ACCURATE
    report = repo.report(session.id)
    assert report is not None and "quarry" not in str(report)


async def test_finish_does_not_wait_forever_and_a_late_revision_is_not_stored(repo):
    gate = threading.Event()
    async with accurate_pass(repo, Engine(gate=gate)) as running:
        session = await started(repo, running.backends.bus)
        session.revision_wait_s = 0.2
        segment = await answered_and_queued(session, running.jobs)
        await asyncio.wait_for(session.finish(), 5)
        gate.set()  # too late: the report is written, the transcript agrees with it
        for _ in range(50):
            if await running.jobs.queue.size() == 0:
                break
            await asyncio.sleep(0.05)
    assert await running.jobs.queue.size() == 0  # done with, not retried
    assert stored(repo, session, segment).text == FAST and "quarry" in str(repo.report(session.id))


@pytest.mark.parametrize(
    "engine", [Engine(error=RuntimeError("engine crashed")), Engine(result=Transcript(text=""))]
)
async def test_a_failed_or_empty_accurate_pass_keeps_the_fast_text_and_nobody_waits(repo, engine):
    async with accurate_pass(repo, engine) as running:
        session = await started(repo, running.backends.bus)
        segment = await answered_and_queued(session, running.jobs)
        await asyncio.wait_for(session.finish(), 3)  # told it failed: no 15 s wait
    row = stored(repo, session, segment)
    assert (row.text, row.stt_model) == (FAST, "tiny.en")


async def test_a_full_queue_keeps_the_fast_text_and_nobody_waits(repo):
    running = Pass(repo, make_backends(), Engine(), max_len=1)  # no worker takes jobs
    session = await started(repo, running.backends.bus)
    first = await answered_and_queued(session, running.jobs)
    await session.answer("And I would look at the slow query log.", 20.0, 23.0)
    second = session.last_answer
    assert second.id != first.id
    session.expect_revision(second)
    with pytest.raises(Exception, match="jobs already"):
        await running.jobs.submit(RefineJob(session.id, second.id, second.start, None, AUDIO))
    session.revisions.failed(second.id)  # what the voice loop does when it cannot queue one
    assert await session.revisions.wait(0.1) == 1  # only the queued one was still awaited
    await running.stop()


async def test_a_job_whose_worker_died_is_done_by_another_worker(repo, processes):
    """The job outlives the worker that took it: on Redis, the one that queued it too."""
    heard_on, other = processes
    session = await started(repo, heard_on.bus)
    dying = Pass(repo, heard_on, Engine(), worker="dying", visibility_s=0.3)
    segment = await answered_and_queued(session, dying.jobs)
    taken = await dying.jobs.queue.take("dying", 1.0)  # ...and the worker is gone before it acks
    assert taken is not None
    await dying.stop()
    survivor = Pass(repo, other, Engine(), worker="survivor", visibility_s=0.3).start()
    try:
        assert await session.revisions.wait(5) == 0
    finally:
        await survivor.stop()
    assert stored(repo, session, segment).text == ACCURATE
    assert ACCURATE in session._answers["q1"]  # the driving session heard it from the other worker
