"""The store refuses writes from a worker whose lease was taken over (SQLite and PostgreSQL)."""

import pytest

from core.errors import LeaseLost
from core.events import event
from orchestrator.plan import plan_interview
from store.db import make_session_factory
from store.models import SegmentRow
from store.repository import InterviewRepository


@pytest.fixture
def repo(database_url):
    return InterviewRepository(make_session_factory(database_url))


@pytest.fixture
def interview(repo):
    row, questions, _ = plan_interview("Backend Engineer", duration_minutes=12)
    repo.create(row, questions)
    return row.id


def segment(interview_id, text):
    return SegmentRow(interview_id=interview_id, speaker="candidate", text=text, start=1.0, end=2.0)


def test_every_fenced_write_of_an_old_holder_is_refused_and_writes_nothing(repo, interview):
    old, new = 1_700_000_000_000_001, 1_700_000_000_000_002
    repo.claim(interview, old)
    kept = repo.add_segment(segment(interview, "said under the old lease"), fence=old)
    question = repo.questions(interview)[0]
    repo.claim(interview, new)  # the new holder took over
    refused = [
        lambda: repo.add_segment(segment(interview, "late"), fence=old),
        lambda: repo.revise_segment(kept.id, "late", [], "base", fence=old),
        lambda: repo.update(interview, old, phase="closing"),
        lambda: repo.update_question(question.id, old, text="late"),
        lambda: repo.mark_skipped(question.id, old),
        lambda: repo.add_event(interview, event("thinking"), old),
        lambda: repo.save_report(interview, {"overall_score": 1}, old),
        lambda: repo.add_attention_samples(
            interview, [{"t": 1.0, "faces": 1, "looking": True, "eyes_closed": False}], old
        ),
        lambda: repo.claim(interview, old),
    ]
    for write in refused:
        with pytest.raises(LeaseLost):
            write()
    assert [s.text for s in repo.segments(interview)] == ["said under the old lease"]
    assert repo.get(interview).phase != "closing" and repo.report(interview) is None
    assert not repo.questions(interview)[0].skipped and repo.events(interview) == []
    assert repo.attention_samples(interview) == []
    # the new holder writes on; unfenced writes (a recruiter's) are not checked
    repo.add_segment(segment(interview, "said under the new lease"), fence=new)
    repo.update(interview, phase="questions")
    assert [s.text for s in repo.segments(interview)][-1] == "said under the new lease"
    assert repo.get(interview).lease_token == new


def test_a_first_fenced_write_claims_an_interview_never_claimed(repo, interview):
    repo.add_event(interview, event("thinking"), 5)
    assert repo.get(interview).lease_token == 5
    with pytest.raises(LeaseLost):
        repo.add_event(interview, event("thinking"), 4)
