"""Tables: organisations and their people, interviews, their planned questions,
transcript segments, events, reports, attention samples.

The schema is owned by Alembic (store/migrations); change a table here and add a
revision there."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.events import utc_now


class Base(DeclarativeBase):
    pass


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class UserRow(Base):
    """A recruiter-side account: one organisation, one role (admin, recruiter, viewer)."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, never the password
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class RefreshTokenRow(Base):
    """One refresh token (stored hashed). Rotated on use: the used one is revoked."""

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class ApiKeyRow(Base):
    """An integration's key (`ivx_...`, stored hashed), acting in its creator's organisation."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)  # shown in lists: "ivx_AbCdEf12"
    key_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class InterviewRow(Base):
    __tablename__ = "interviews"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # NULL only for interviews made before organisations existed; the first
    # organisation adopts them (workspace.accounts.adopt_orphans).
    org_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    role: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    mode: Mapped[str] = mapped_column(String(10))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    candidate_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    language: Mapped[str] = mapped_column(String(10), default="en")
    # the candidate's join token is shown once, at creation; only its SHA-256 is kept
    join_token_hash: Mapped[str] = mapped_column(String(64), index=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    phase: Mapped[str] = mapped_column(String(20), default="intro")
    question_index: Mapped[int] = mapped_column(Integer, default=0)
    followup_asked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # when the candidate was told what the camera analysis measures (video interviews)
    attention_disclosed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # what the candidate agreed to in the room before joining, and when
    consent: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    consented_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # what the plan was built from (issue 10): the job, the resume (personal lines
    # redacted), their analysis, the personas chosen, and how hard to ask
    job_description: Mapped[str | None] = mapped_column(Text, nullable=True)
    resume_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    personas: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    difficulty: Mapped[str] = mapped_column(String(10), default="auto")
    memory: Mapped[bool] = mapped_column(default=False)  # practice: start from the last session's gaps
    # the candidate's record (candidates table; older interviews may hold a free reference)
    candidate_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # the job it was made from (its role, level, skills and description were copied at creation)
    job_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    # reasons of the follow-ups asked for the current question (at most a few)
    followup_reasons: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    # where the LLM provider failed and rules answered instead: [{"step", "reason", "at"}]
    fallbacks: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    # when the retention job deleted the transcript, attention samples and recordings
    data_purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # coding interviews: the task (the shipped bank's id or an organisation's) and its language
    task_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    code_language: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # the newest fencing token of a worker driving it (store/lease.py): writes with an older
    # one are refused, so a worker that lost the interview's lease cannot overwrite its successor
    lease_token: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # when the report read the transcript: the accurate pass changes it no more after that
    transcript_final_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class QuestionRow(Base):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(40))  # q1, q2, ... within the interview
    bank_id: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    followup: Mapped[str] = mapped_column(Text)
    key_points: Mapped[list[Any]] = mapped_column(JSON)
    category: Mapped[str] = mapped_column(String(40))
    section: Mapped[str] = mapped_column(String(20), default="technical")  # technical|behavioural|hr
    persona_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    source: Mapped[str] = mapped_column(String(20), default="bank")  # bank|skills|focus|recruiter
    level: Mapped[str | None] = mapped_column(String(10), nullable=True)
    followups: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # reason -> phrasing
    skipped: Mapped[bool] = mapped_column(default=False)  # the candidate asked to move on


class SegmentRow(Base):
    __tablename__ = "transcript_segments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"), index=True)
    speaker: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    question_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    kind: Mapped[str] = mapped_column(String(20), default="answer")
    words: Mapped[list[Any]] = mapped_column(JSON, default=list)
    interrupted: Mapped[bool] = mapped_column(default=False)
    # the speech-to-text model that produced `text` (the accurate pass replaces the fast
    # one's); None for typed text and rows from before migration 0005
    stt_model: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportRow(Base):
    __tablename__ = "reports"

    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"), primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class AttentionSampleRow(Base):
    """One analysed camera frame (no image, no landmarks)."""

    __tablename__ = "attention_samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"), index=True)
    t: Mapped[float] = mapped_column(Float)
    faces: Mapped[int] = mapped_column(Integer)
    looking: Mapped[bool] = mapped_column()
    eyes_closed: Mapped[bool] = mapped_column()
    yaw: Mapped[float | None] = mapped_column(Float, nullable=True)
    pitch: Mapped[float | None] = mapped_column(Float, nullable=True)
    movement: Mapped[float | None] = mapped_column(Float, nullable=True)
    issue: Mapped[str | None] = mapped_column(String(20), nullable=True)
    question_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    answering: Mapped[bool] = mapped_column(default=False)


class WebhookRow(Base):
    """An organisation's webhook subscription. The signing secret is kept encrypted with a key
    derived from the server's secret key (workspace.webhooks): a copy of the database alone
    cannot forge deliveries."""

    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON)
    secret_encrypted: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class WebhookOutboxRow(Base):
    """One event to deliver to one webhook: written when the event happens, so a restart loses
    nothing; the delivery task sends it until it succeeds or its retries run out."""

    __tablename__ = "webhook_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)  # the exact JSON sent (and signed) on every attempt
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)  # |delivered|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebhookAttemptRow(Base):
    """One try at delivering an outbox entry: what the receiver answered, or why it could not."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("webhook_outbox.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer)


class ShareLinkRow(Base):
    """A read-only link to one interview's report (the token stored hashed)."""

    __tablename__ = "share_links"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class JobRow(Base):
    """An opening of one organisation; interviews copy its fields when made from it."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|archived
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class CandidateRow(Base):
    """A person of one organisation's pipeline; deleting it erases everything about them."""

    __tablename__ = "candidates"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)  # stored lower-case
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # the uploaded resume's text, and what was read from it: skills, years, roles, filename, when
    resume_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    resume: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class CandidateNoteRow(Base):
    """A recruiter's note on a candidate, with its author and time."""

    __tablename__ = "candidate_notes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidates.id"), index=True)
    author_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # user, or the key's creator
    author: Mapped[str] = mapped_column(String(254))  # the author's email (or the API key's name) then
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class AuditRow(Base):
    """Who did what to whose data, and when: deletions and exports of personal data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(36), index=True)  # kept after the organisation's data goes
    actor_kind: Mapped[str] = mapped_column(String(20))  # user|api_key
    actor_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(40))  # candidate.delete, candidate.export, job.delete...
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, index=True)


class CodingTaskRow(Base):
    """A coding task an organisation added (the same schema as the shipped bank's, validated by
    running its reference solution in the sandbox before it is stored)."""

    __tablename__ = "coding_tasks"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class CodeVersionRow(Base):
    """One save of the candidate's code: every save is kept, with its time."""

    __tablename__ = "code_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, ... within the interview
    language: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)  # bytes (UTF-8)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class CodeRunRow(Base):
    """One run of the candidate's code: the visible tests (`run`) or, at the end, the hidden ones
    (`grade`); `result` is what the run answered."""

    __tablename__ = "code_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"), index=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[str] = mapped_column(String(10), default="run")  # run|grade
    language: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class IntegrityEventRow(Base):
    """Something the editor page saw (a big paste, a copy from the statement, a tab switch, focus
    lost, devtools opened), for a person to review: never a verdict."""

    __tablename__ = "integrity_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)  # the page's clock
    t: Mapped[float] = mapped_column(Float)  # seconds from the interview's start (the server's clock)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
