"""Request and response shapes of the recruiter's workspace: jobs, candidates, notes, the audit log,
invitations (API.md). Every request string and list is bounded."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas import Skill

Level = Literal["junior", "middle", "senior"]
JobStatus = Literal["open", "archived"]
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE = r"^\+?[0-9()\-. ]{3,40}$"


class JobCreate(BaseModel):
    model_config = {"extra": "forbid"}

    title: str = Field(min_length=1, max_length=200)
    level: Level = "middle"
    skills: list[Skill] = Field(default_factory=list, max_length=30)
    description: str = Field("", max_length=20_000)
    status: JobStatus = "open"


class JobUpdate(BaseModel):
    """Only the fields sent change."""

    model_config = {"extra": "forbid"}

    title: str | None = Field(None, min_length=1, max_length=200)
    level: Level | None = None
    skills: list[Skill] | None = Field(None, max_length=30)
    description: str | None = Field(None, max_length=20_000)
    status: JobStatus | None = None


class JobPublic(BaseModel):
    id: str
    title: str
    level: str
    skills: list[str]
    description: str
    status: str
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class JobList(BaseModel):
    items: list[JobPublic]
    total: int
    limit: int
    offset: int


class DescriptionRequest(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    level: Level = "middle"
    skills: list[Skill] = Field(default_factory=list, max_length=30)


class DescriptionOut(BaseModel):
    description: str
    method: Literal["llm", "template"]
    fallback: str | None = None  # why the template was used although an LLM is configured


class CandidateCreate(BaseModel):
    model_config = {"extra": "forbid"}

    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254, pattern=EMAIL)
    phone: str | None = Field(None, max_length=40, pattern=PHONE)


class CandidateUpdate(BaseModel):
    """Only the fields sent change."""

    model_config = {"extra": "forbid"}

    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254, pattern=EMAIL)
    phone: str | None = Field(None, max_length=40, pattern=PHONE)


class ResumeSummary(BaseModel):
    skills: list[str]
    years: float | None
    roles: list[str]
    filename: str | None = None
    chars: int = 0
    uploaded_at: datetime | None = None


class CandidatePublic(BaseModel):
    id: str
    name: str
    email: str | None
    phone: str | None
    resume: ResumeSummary | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class CandidateList(BaseModel):
    items: list[CandidatePublic]
    total: int
    limit: int
    offset: int


class NoteCreate(BaseModel):
    text: str = Field(min_length=1, max_length=5_000)


class NotePublic(BaseModel):
    id: str
    author: str
    author_id: str | None
    text: str
    created_at: datetime


class CandidateErased(BaseModel):
    """What a candidate's deletion removed, by kind."""

    candidate_id: str
    removed: dict[str, int]


class AuditPublic(BaseModel):
    id: int
    actor_kind: str
    actor_id: str
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any]
    at: datetime


class AuditList(BaseModel):
    items: list[AuditPublic]
    total: int
    limit: int
    offset: int


class Invitation(BaseModel):
    """The email and calendar event for the candidate. `join_url` is null (and the texts hold the
    `{join_url}` placeholder) unless the link was just issued: at creation or with ?reissue=true."""

    interview_id: str
    subject: str
    body: str
    ics: str | None  # null when the interview has no scheduled_at
    join_url: str | None
    join_token: str | None
    reissued: bool = False
