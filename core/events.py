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
]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """`{"type": ..., "data": {...}, "ts": ISO-8601}`."""

    type: EventType
    data: dict[str, Any] = Field(default_factory=dict)
    ts: datetime = Field(default_factory=utc_now)

    def to_json(self) -> str:
        return self.model_dump_json()


def event(type: EventType, **data: Any) -> Event:
    """Shorthand: `event("speaking", state="started")`."""
    return Event(type=type, data=data)


def format_seconds(seconds: float) -> str:
    """1800 -> "30:00"."""
    whole = max(0, int(round(seconds)))
    return f"{whole // 60}:{whole % 60:02d}"


ClientMessageType = Literal["answer", "ready", "end", "repeat"]


class ClientMessage(BaseModel):
    """What a client may send on the WebSocket or the data channel."""

    type: ClientMessageType
    data: dict[str, Any] = Field(default_factory=dict)
