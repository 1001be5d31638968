"""Request and response shapes (API.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, cast

from pydantic import (
    BaseModel,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails

from workspace.roles import Role

Skill = Annotated[str, StringConstraints(min_length=1, max_length=60)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=200)]
PersonaId = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class PlannedQuestion(BaseModel):
    """A recruiter's own question, read verbatim."""

    text: str = Field(min_length=3, max_length=600)
    key_points: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=10
    )
    section: Literal["technical", "behavioural", "hr"] = "technical"


class InterviewCreate(BaseModel):
    """`job_id` and `candidate_id` fill the fields not sent (role, level, skills, job description,
    candidate name, resume text); fields sent explicitly win."""

    role: str = Field("", max_length=200)  # required unless a job_id gives it
    level: Literal["junior", "middle", "senior"] = "middle"
    skills: list[Skill] = Field(default_factory=list, max_length=30)
    mode: Literal["video", "audio", "phone", "chat", "practice", "coding"] = "video"
    duration_minutes: int = Field(20, ge=2, le=180)
    candidate_name: str | None = Field(None, max_length=200)
    language: Literal["en"] = "en"  # tiny.en is English only
    scheduled_at: datetime | None = None  # the join link's lifetime counts from here
    job_description: str | None = Field(None, max_length=20_000)
    resume_text: str | None = Field(None, max_length=50_000)
    personas: list[PersonaId] = Field(default_factory=list, max_length=3)  # GET /api/v1/interviewers
    difficulty: Literal["easy", "medium", "hard", "auto"] = "auto"
    questions: list[PlannedQuestion] = Field(default_factory=list, max_length=30)
    memory: bool = False  # practice: start from the weak areas of this candidate's last practice
    candidate_id: str | None = Field(None, max_length=64)  # a candidate of your organisation
    job_id: str | None = Field(None, max_length=64)  # a job of your organisation (open, not archived)
    # coding interviews: a task of GET /api/v1/tasks (default: one chosen by level, language and
    # skills) and the programming language (`language` is the spoken one)
    task_id: str | None = Field(None, max_length=80)
    code_language: Literal["python", "javascript"] | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _role_or_job(cls, data: Any, handler: ModelWrapValidatorHandler[InterviewCreate]) -> InterviewCreate:
        """Without a job, a missing role is reported as `role` missing (with any other errors)."""
        missing = (
            [InitErrorDetails(type="missing", loc=("role",), input=data)]
            if isinstance(data, dict) and not str(data.get("role") or "").strip() and not data.get("job_id")
            else []
        )
        try:
            created = handler(data)
        except ValidationError as exc:
            if not missing:
                raise
            others = [cast(InitErrorDetails, e) for e in exc.errors() if e["loc"] != ("role",)]
            raise ValidationError.from_exception_data(cls.__name__, [*others, *missing]) from None
        if missing:
            raise ValidationError.from_exception_data(cls.__name__, missing)
        if created.mode != "coding" and (created.task_id or created.code_language):
            error = InitErrorDetails(
                type="value_error",
                loc=("task_id" if created.task_id else "code_language",),
                input=data,
                ctx={"error": ValueError("a task and its language are for coding interviews (mode: coding)")},
            )
            raise ValidationError.from_exception_data(cls.__name__, [error])
        if created.mode == "coding" and created.questions:
            error = InitErrorDetails(
                type="value_error",
                loc=("questions",),
                input=data,
                ctx={"error": ValueError("a coding interview talks about the code: it has no question plan")},
            )
            raise ValidationError.from_exception_data(cls.__name__, [error])
        return created


class InterviewList(BaseModel):
    items: list[InterviewListItem]
    total: int
    limit: int
    offset: int


class InterviewEnded(BaseModel):
    """What a candidate learns when they end their interview (never the report)."""

    id: str
    status: str


class LoginIn(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    password: Password


class RefreshIn(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class TokenOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class OrgPublic(BaseModel):
    id: str
    name: str


class MeOut(BaseModel):
    id: str
    email: str
    role: str
    org: OrgPublic
    via: Literal["user", "api_key"] = "user"


class UserCreate(BaseModel):
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(min_length=10, max_length=200)
    role: Role = "recruiter"


class UserPublic(BaseModel):
    id: str
    email: str
    role: str
    created_at: datetime


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: Role = "recruiter"


class ApiKeyPublic(BaseModel):
    id: str
    name: str
    prefix: str
    role: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str  # shown once


class RtcConfig(BaseModel):
    ice_servers: list[dict[str, Any]]
    # the server keeps a video recording of the camera if the candidate agrees to it
    # (video interviews with INTERVOX_RECORDING__VIDEO on): the room asks then, and only then
    video_recording: bool = False
    backend: Literal["aiortc", "livekit"] = "aiortc"  # INTERVOX_MEDIA__BACKEND: how the room connects


class RtcJoin(BaseModel):
    """How the candidate's browser connects: aiortc (post the offer next) or a LiveKit room."""

    backend: Literal["aiortc", "livekit"]
    url: str | None = None  # livekit: the server's WebSocket URL
    token: str | None = None  # livekit: an access token for this interview's room only, short-lived
    room: str | None = None
    identity: str | None = None
    expires_at: datetime | None = None


class QuestionPublic(BaseModel):
    id: str
    text: str
    index: int
    total: int


class RecordingPublic(BaseModel):
    """One part of an interview's recording (one per connection)."""

    part: int
    start: float  # where t=0 of this file is on the transcript's clock (seconds from interview start)
    duration: float  # seconds
    url: str  # GET it with a recruiter credential; range requests work
    channels: list[str]  # ["candidate", "interviewer"]: left, right
    video_url: str | None = None  # the candidate's camera (video/webm, same clock), when recorded


class LivePublic(BaseModel):
    """How a running interview stands, as the worker driving it last said (any process reads it)."""

    worker_id: str
    phase: str
    question_id: str | None
    time_remaining_s: float
    updated_at: float  # unix time


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
    scheduled_at: datetime | None = None
    candidate_id: str | None = None
    job_id: str | None = None
    difficulty: str = "auto"
    personas: list[str] | None = None
    analysis: dict[str, Any] | None = None  # recruiters only: the resume and job analysis
    task_id: str | None = None  # coding interviews
    code_language: str | None = None
    current_question: QuestionPublic | None
    # recruiters reading one interview: its recording's parts ([] when none); null in lists
    # and in the candidate's view
    recordings: list[RecordingPublic] | None = None
    # recruiters reading one interview while a worker drives it; null otherwise
    live: LivePublic | None = None


class InterviewListItem(InterviewPublic):
    """A row of a recruiter's list: with its report's headline once there is one."""

    overall_score: float | None = None
    recommendation: str | None = None
    flag_count: int | None = None  # attention flags to review (video interviews)


class InterviewCreated(InterviewPublic):
    join_token: str
    join_url: str
    # the email and calendar event with the link (GET .../invitation later has no link unless re-issued)
    invitation: dict[str, Any] | None = None


class TranscriptSegment(BaseModel):
    id: int | None = None  # the `segment_id` of live transcript events (a revision names it)
    speaker: str
    text: str
    start: float
    end: float
    question_id: str | None
    kind: str
    interrupted: bool
    words: list[dict[str, Any]]
    stt_model: str | None = None  # the model that wrote the text (spoken answers only)


class Transcript(BaseModel):
    interview_id: str
    segments: list[TranscriptSegment]


class ConsentIn(BaseModel):
    model_config = {"extra": "forbid"}

    recording: bool  # voice recorded and transcribed, report to the recruiting team
    camera_analysis: bool = False  # attention signals from the camera (video interviews)
    # the camera kept beside the voices (video interviews, when the server records video)
    video_recording: bool = False


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
    """The interviewer's reply to a typed answer (candidate-facing: no scores)."""

    reply: str
    kind: str
    question_id: str | None
    status: str
    phase: str


class RtcOffer(BaseModel):
    sdp: str = Field(min_length=1, max_length=100_000)
    type: str = Field("offer", max_length=20)


class RtcAnswer(BaseModel):
    sdp: str
    type: Literal["answer"] = "answer"
