import pytest

from core.errors import InterviewNotFound
from core.events import event
from orchestrator.plan import plan_interview
from store.db import make_session_factory
from store.models import SegmentRow
from store.repository import InterviewRepository


@pytest.fixture
def repo(database_url):
    return InterviewRepository(make_session_factory(database_url))


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


def test_data_survives_a_new_connection(database_url):
    url = database_url
    row, questions, _ = plan_interview("QA Engineer")
    InterviewRepository(make_session_factory(url)).create(row, questions)
    assert InterviewRepository(make_session_factory(url)).get(row.id).role == "QA Engineer"
