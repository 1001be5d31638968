"""Tables: interviews, their planned questions, transcript segments, events, reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.events import utc_now


class Base(DeclarativeBase):
    pass


class InterviewRow(Base):
    __tablename__ = "interviews"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    role: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    mode: Mapped[str] = mapped_column(String(10))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    candidate_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    language: Mapped[str] = mapped_column(String(10), default="en")
    join_token: Mapped[str] = mapped_column(String(100))
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
