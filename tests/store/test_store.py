import asyncio

import pytest

from core.errors import InterviewNotFound
from core.events import event
from orchestrator.plan import plan_interview
from store.bus import InProcessBus
from store.db import make_session_factory
from store.models import SegmentRow
from store.repository import InterviewRepository


@pytest.fixture
def repo(tmp_path):
    return InterviewRepository(make_session_factory(f"sqlite:///{tmp_path}/x.db"))


def test_interview_questions_segments_events_report(repo):
    row, questions, _ = plan_interview("Backend Engineer", duration_minutes=12)
    repo.create(row, questions)
    assert repo.get(row.id).role == "Backend Engineer"
    assert [q.question_id for q in repo.questions(row.id)] == ["q1", "q2", "q3"]
    repo.add_segment(SegmentRow(interview_id=row.id, speaker="candidate", text="b", start=2.0, end=3.0))
    repo.add_segment(SegmentRow(interview_id=row.id, speaker="interviewer", text="a", start=0.0, end=1.0))
    assert [s.text for s in repo.segments(row.id)] == ["a", "b"]
    repo.add_event(row.id, event("speaking", state="started"))
    assert repo.events(row.id)[0].data == {"state": "started"}
    assert repo.report(row.id) is None
    repo.save_report(row.id, {"overall_score": 50})
    repo.save_report(row.id, {"overall_score": 60})
    assert repo.report(row.id) == {"overall_score": 60}
    assert repo.update(row.id, status="completed").status == "completed"


def test_unknown_interview_is_a_typed_not_found(repo):
    with pytest.raises(InterviewNotFound):
        repo.get("nope")
    with pytest.raises(InterviewNotFound):
        repo.update("nope", status="completed")


def test_data_survives_a_new_connection(tmp_path):
    url = f"sqlite:///{tmp_path}/y.db"
    row, questions, _ = plan_interview("QA Engineer")
    InterviewRepository(make_session_factory(url)).create(row, questions)
    assert InterviewRepository(make_session_factory(url)).get(row.id).role == "QA Engineer"


async def test_bus_fans_out_per_topic_and_unsubscribes():
    bus = InProcessBus()
    a, b, other = (
        bus.subscribe("i1", "recruiter"),
        bus.subscribe("i1", "recruiter"),
        bus.subscribe("i2", "recruiter"),
    )
    await bus.publish("i1", event("thinking"))
    assert (await asyncio.wait_for(a.queue.get(), 1)).type == "thinking"
    assert b.queue.qsize() == 1 and other.queue.qsize() == 0
    a.close()
    await bus.publish("i1", event("thinking"))
    assert a.queue.qsize() == 0 and b.queue.qsize() == 2


async def test_a_candidate_subscription_carries_only_candidate_safe_events():
    bus = InProcessBus()
    candidate, recruiter = bus.subscribe("i1", "candidate"), bus.subscribe("i1", "recruiter")
    await bus.publish("i1", event("score_update", question_id="q1", score=9.5, key_points_covered=["x"]))
    await bus.publish("i1", event("attention_update", looking_at_screen_share=0.4, flags=[]))
    await bus.publish(
        "i1", event("interview_ended", reason="completed", overall_score=81, recommendation="hire")
    )
    assert [recruiter.queue.get_nowait().type for _ in range(3)] == [
        "score_update",
        "attention_update",
        "interview_ended",
    ]
    ended = candidate.queue.get_nowait()
    assert candidate.queue.empty() and ended.type == "interview_ended"
    assert ended.data == {"reason": "completed"}
