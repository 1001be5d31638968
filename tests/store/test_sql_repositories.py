"""The repositories behave the same on SQLite and on a real PostgreSQL: accounts and tokens,
the workspace (search, pages, erasure counts), the webhook outbox, report summaries read out of
JSON, retention; times come back comparable whichever database stores them."""

from __future__ import annotations

import concurrent.futures
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from core.events import event, utc_now
from orchestrator.plan import plan_interview
from store.accounts import AccountRepository
from store.db import make_session_factory
from store.models import (
    CandidateNoteRow,
    CandidateRow,
    JobRow,
    OrganisationRow,
    RefreshTokenRow,
    SegmentRow,
    UserRow,
    WebhookRow,
)
from store.repository import InterviewRepository
from store.retention import RetentionRepository
from store.webhooks import Attempt, WebhookRepository
from store.workspace import Page, WorkspaceRepository


def new_id() -> str:
    return str(uuid.uuid4())


def aware(moment: datetime) -> datetime:
    """SQLite gives naive UTC times back, PostgreSQL aware ones: compare them alike."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@pytest.fixture
def sessions(database_url):
    return make_session_factory(database_url)


@pytest.fixture
def org(sessions) -> str:
    org_id = new_id()
    AccountRepository(sessions).add(OrganisationRow(id=org_id, name="Acme"))
    return org_id


def test_accounts_emails_are_unique_and_a_refresh_token_rotates_once(sessions, org):
    accounts = AccountRepository(sessions)
    user = UserRow(id=new_id(), org_id=org, email="a@acme.test", password_hash="h", role="admin")
    accounts.add(user)
    with pytest.raises(IntegrityError):
        accounts.add(UserRow(id=new_id(), org_id=org, email="a@acme.test", password_hash="h", role="viewer"))
    assert accounts.user_by_email("A@Acme.test").id == user.id and accounts.any_user()
    expires = utc_now() + timedelta(days=14)
    first = RefreshTokenRow(id=new_id(), user_id=user.id, token_hash="1" * 64, expires_at=expires)
    accounts.add(first)
    second = RefreshTokenRow(id=new_id(), user_id=user.id, token_hash="2" * 64, expires_at=expires)
    third = RefreshTokenRow(id=new_id(), user_id=user.id, token_hash="3" * 64, expires_at=expires)
    assert accounts.rotate_refresh_token(first.id, second)
    assert not accounts.rotate_refresh_token(first.id, third)  # a second use of the same token
    stored = accounts.refresh_token("2" * 64)
    assert abs((aware(stored.expires_at) - expires).total_seconds()) < 0.001
    accounts.delete_user(user.id)
    assert accounts.user(user.id) is None and accounts.refresh_token("2" * 64) is None


def test_workspace_search_is_literal_and_case_blind_and_erasure_counts_rows(sessions, org):
    workspace, interviews = WorkspaceRepository(sessions), InterviewRepository(sessions)
    workspace.add(
        JobRow(
            id=new_id(), org_id=org, title="Backend Engineer (100% remote)", level="senior", skills=["Go"]
        ),
        JobRow(id=new_id(), org_id=org, title="Data_Engineer", level="middle", skills=[]),
        JobRow(id=new_id(), org_id=org, title="Frontend", level="junior", skills=[], status="archived"),
    )
    assert [j.title for j in workspace.jobs(Page(org, q="100%"))[0]] == ["Backend Engineer (100% remote)"]
    assert [j.title for j in workspace.jobs(Page(org, q="A_E"))[0]] == ["Data_Engineer"]
    assert workspace.jobs(Page(org, q="back\\"))[1] == 0
    rows, total = workspace.jobs(Page(org, status="open", limit=1))
    assert total == 2 and len(rows) == 1
    candidate = CandidateRow(
        id=new_id(), org_id=org, name="Zoë Ünal", email="zoe@x.test", resume={"skills": ["Go"]}
    )
    workspace.add(candidate)
    workspace.add(CandidateNoteRow(id=new_id(), candidate_id=candidate.id, author="a@acme.test", text="good"))
    assert [c.name for c in workspace.candidates(Page(org, q="zoË"))[0]] == ["Zoë Ünal"]
    row, questions, _ = plan_interview("Backend Engineer", duration_minutes=12)
    row.org_id, row.candidate_id = org, candidate.id
    interviews.create(row, questions)
    interviews.add_segment(SegmentRow(interview_id=row.id, speaker="candidate", text="hi", start=0, end=1))
    interviews.add_event(row.id, event("thinking"))
    counts = workspace.interview_data_counts([row.id])
    assert counts["questions"] == len(questions) and counts["transcript_segments"] == counts["events"] == 1
    interviews.delete(row.id)
    assert workspace.delete_candidate(candidate.id) == 1 and workspace.candidate(org, candidate.id) is None


def test_the_webhook_outbox_hands_out_what_is_due_and_records_attempts(sessions, org):
    hooks = WebhookRepository(sessions)
    hook = WebhookRow(
        id=new_id(), org_id=org, url="https://h.test", events=["report.ready"], secret_encrypted="s"
    )
    hooks.add(hook)
    now = utc_now()
    assert hooks.enqueue(org, "report.ready", '{"event": "report.ready"}', now) == 1
    assert hooks.enqueue(org, "interview.started", "{}", now) == 0  # nobody subscribed to it
    ((entry, found),) = hooks.due(now)
    assert found.id == hook.id and entry.attempts == 0
    hooks.record(entry.id, Attempt(now, 500, "the receiver answered 500", 12), now + timedelta(seconds=30))
    assert hooks.due(now) == [] and len(hooks.due(now + timedelta(seconds=31))) == 1
    assert abs((aware(hooks.next_due()) - (now + timedelta(seconds=30))).total_seconds()) < 0.001
    hooks.record(entry.id, Attempt(now, 204, None, 8), None)
    ((delivered, attempts),) = hooks.deliveries(hook.id, 10)
    assert delivered.status == "delivered" and [a.status_code for a in attempts] == [500, 204]
    assert hooks.next_due() is None
    hooks.delete(hook.id)
    assert hooks.deliveries(hook.id, 10) == []


def test_report_summaries_are_read_out_of_the_stored_json(sessions, org):
    interviews = InterviewRepository(sessions)
    done, plain = plan_interview("QA Engineer")[0], plan_interview("QA Engineer")[0]
    for row in (done, plain):
        row.org_id = org
        interviews.create(row, [])
    flags = [{"type": "face_absent", "start": 1.0, "end": 9.0}] * 2
    interviews.save_report(
        done.id, {"overall_score": 72.5, "recommendation": "hire", "attention": {"flags": flags}}
    )
    interviews.save_report(plain.id, {"overall_score": 40, "recommendation": "no_hire", "attention": None})
    assert interviews.report_summaries([done.id, plain.id, "nope"]) == {
        done.id: {"overall_score": 72.5, "recommendation": "hire", "flag_count": 2},
        plain.id: {"overall_score": 40.0, "recommendation": "no_hire", "flag_count": 0},
    }


def test_retention_finds_interviews_by_their_last_activity_and_purges_them_whole(sessions, org):
    interviews, retention = InterviewRepository(sessions), RetentionRepository(sessions)
    old, recent = plan_interview("QA Engineer")[0], plan_interview("QA Engineer")[0]
    long_ago = utc_now() - timedelta(days=40)
    old.org_id, old.created_at, old.ended_at = org, long_ago, long_ago + timedelta(minutes=20)
    recent.org_id = org
    for row in (old, recent):
        interviews.create(row, [])
        interviews.add_segment(
            SegmentRow(interview_id=row.id, speaker="candidate", text="said", start=0, end=1)
        )
    interviews.save_report(old.id, {"overall_score": 50, "questions": [{"answer": "said"}]})
    assert retention.due(utc_now() - timedelta(days=30)) == [old.id]
    retention.purge(old.id, utc_now(), lambda report: {"overall_score": report["overall_score"]})
    assert interviews.segments(old.id) == [] and interviews.report(old.id) == {"overall_score": 50}
    assert retention.due(utc_now() - timedelta(days=30)) == [] and len(interviews.segments(recent.id)) == 1


def test_text_with_nul_characters_is_stored_without_them(sessions, org):
    """PostgreSQL's text cannot hold NUL (SQLite's can): it is dropped on the way in there."""
    interviews = InterviewRepository(sessions)
    row = plan_interview("QA Engineer")[0]
    row.org_id = org
    interviews.create(row, [])
    interviews.add_segment(
        SegmentRow(interview_id=row.id, speaker="candidate", text="a\x00b", start=0, end=1)
    )
    assert interviews.segments(row.id)[0].text in ("ab", "a\x00b")
    if sessions.kw["bind"].dialect.name == "postgresql":
        assert interviews.segments(row.id)[0].text == "ab"


def test_servers_sharing_an_outbox_never_get_the_same_entry(database_url, org):
    """Each server's delivery task claims what it sends: of two asking at once, one gets each."""
    servers = [WebhookRepository(make_session_factory(database_url)) for _ in range(2)]
    hook = WebhookRow(
        id=new_id(), org_id=org, url="https://h.test", events=["report.ready"], secret_encrypted="s"
    )
    servers[0].add(hook)
    now = utc_now()
    for n in range(30):
        servers[n % 2].enqueue(org, "report.ready", f'{{"n": {n}}}', now)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        claims = [pool.submit(server.due, now, 20, 60.0) for server in servers for _ in range(2)]
        got = [entry.id for claim in claims for entry, _ in claim.result()]
    assert len(got) == len(set(got)) == 30  # all of them, each once
    assert servers[0].due(now, 20, 60.0) == []  # claimed: not due again until the claim runs out
    assert len(servers[1].due(now + timedelta(seconds=61), 50, 60.0)) == 30  # a dead claimer's come back
