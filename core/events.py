"""The one event schema used on the WebSocket, the WebRTC data channel and the bus."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

EventType = Literal[
    "connected",
    "phase_update",
    "question",
    "followup",
    "transcript",
    "thinking",
    "speaking",
    "score_update",
    "attention_update",
    "time_remaining",
    "interview_ended",
    "error",
    "metrics",
    "interviewer_changed",
    "typing",
    "interview_status",
    "code_update",
    "code_run",
    "integrity",
    "candidate_joined",
    "candidate_left",
]

Audience = Literal["candidate", "recruiter"]

# Who may see each event type. The candidate's channels (data channel, WebSocket with
# the join token, phone) carry only "candidate" events, and those without the fields
# below; a recruiter's WebSocket carries everything. A new event type must be added here.
AUDIENCE: dict[str, Audience] = {
    "connected": "candidate",
    "phase_update": "candidate",
    "question": "candidate",
    "followup": "candidate",
    "transcript": "candidate",
    "thinking": "candidate",
    "speaking": "candidate",
    "time_remaining": "candidate",
    "interview_ended": "candidate",
    "error": "candidate",
    "interviewer_changed": "candidate",
    "score_update": "recruiter",
    "attention_update": "recruiter",
    "metrics": "recruiter",
    "typing": "recruiter",  # the candidate is writing (chat): for a recruiter watching live
    "interview_status": "recruiter",  # the organisation's stream (WS /api/v1/ws/events)
    # coding interviews, for a recruiter watching live: a saved version, a run's result, what
    # the editor page saw (the candidate gets their own saves and runs as HTTP answers)
    "code_update": "recruiter",
    "code_run": "recruiter",
    "integrity": "recruiter",
    # the candidate's browser joined or left the interview's LiveKit room (LiveKit's webhooks)
    "candidate_joined": "recruiter",
    "candidate_left": "recruiter",
}
# Fields never sent to a candidate, whatever the event: scores, the recommendation,
# what the scorer looks for, attention figures and integrity flags.
RECRUITER_ONLY_FIELDS = frozenset(
    {
        "score",
        "scores",
        "overall_score",
        "recommendation",
        "key_points",
        "key_points_covered",
        "key_points_missed",
        "covered",
        "missed",
        "attention",
        "flags",
        "looking_at_screen_share",
        "present_share",
        "report",
    }
)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """`{"type": ..., "data": {...}, "ts": ISO-8601}`."""

    type: EventType
    data: dict[str, Any] = Field(default_factory=dict)
    ts: datetime = Field(default_factory=utc_now)

    def to_json(self) -> str:
        return self.model_dump_json()


def for_candidate(ev: Event) -> Event | None:
    """The event as a candidate may see it, or None when it is recruiter-only."""
    if AUDIENCE.get(ev.type, "recruiter") != "candidate":
        return None
    if RECRUITER_ONLY_FIELDS.isdisjoint(ev.data):
        return ev
    data = {k: v for k, v in ev.data.items() if k not in RECRUITER_ONLY_FIELDS}
    return Event(type=ev.type, data=data, ts=ev.ts)


def event(type: EventType, **data: Any) -> Event:
    """Shorthand: `event("speaking", state="started")`."""
    return Event(type=type, data=data)


def format_seconds(seconds: float) -> str:
    """1800 -> "30:00"."""
    whole = max(0, int(round(seconds)))
    return f"{whole // 60}:{whole % 60:02d}"


ClientMessageType = Literal["answer", "ready", "end", "repeat", "request_next", "typing"]


class ClientMessage(BaseModel):
    """What a client may send on the WebSocket or the data channel (bounded: a client
    cannot make the server hold or parse more than a few kilobytes per message)."""

    type: ClientMessageType
    data: dict[str, Any] = Field(default_factory=dict, max_length=8)

    def text(self, limit: int) -> str:
        """The `text` of an answer, stripped; InvalidInput when too long."""
        from core.errors import InvalidInput

        text = str(self.data.get("text", "")).strip()
        if len(text) > limit:
            raise InvalidInput(f"an answer has at most {limit} characters", {"limit": limit})
        return text
