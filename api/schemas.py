"""Request and response shapes (API.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class InterviewCreate(BaseModel):
    role: str = Field(min_length=1, max_length=200)
    level: Literal["junior", "middle", "senior"] = "middle"
    skills: list[str] = Field(default_factory=list, max_length=30)
    mode: Literal["video", "audio", "phone", "chat"] = "video"
    duration_minutes: int = Field(20, ge=2, le=180)
    candidate_name: str | None = Field(None, max_length=200)
    language: Literal["en"] = "en"  # tiny.en is English only


class QuestionPublic(BaseModel):
    id: str
    text: str
    index: int
    total: int


class InterviewPublic(BaseModel):
    id: str
    status: str
    phase: str
    role: str
    level: str
    skills: list[str]
    mode: str
    duration_minutes: int
    candidate_name: str | None
    language: str
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    consent: dict[str, Any] | None = None
    consented_at: datetime | None = None
    current_question: QuestionPublic | None


class InterviewCreated(InterviewPublic):
    join_token: str
    join_url: str


class TranscriptSegment(BaseModel):
    speaker: str
    text: str
    start: float
    end: float
    question_id: str | None
    kind: str
    interrupted: bool
    words: list[dict[str, Any]]


class Transcript(BaseModel):
    interview_id: str
    segments: list[TranscriptSegment]


class ConsentIn(BaseModel):
    recording: bool  # voice recorded and transcribed, report to the recruiting team
    camera_analysis: bool = False  # attention signals from the camera (video interviews)


class ConsentOut(BaseModel):
    consent: dict[str, Any]
    consented_at: datetime


class Feedback(BaseModel):
    summary: str
    strengths: list[str]
    to_work_on: list[str]


class MessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


class MessageOut(BaseModel):
    reply: str
    kind: str
    question_id: str | None
    status: str
    phase: str
    report: dict[str, Any] | None = None


class RtcOffer(BaseModel):
    sdp: str = Field(min_length=1, max_length=100_000)
    type: str = "offer"


class RtcAnswer(BaseModel):
    sdp: str
    type: Literal["answer"] = "answer"
