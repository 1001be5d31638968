"""Where the LiveKit server is and how rooms and tokens are made."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LiveKitOptions:
    url: str  # where this server's interviewer joins (ws:// or wss://)
    public_url: str  # where browsers join (often the same)
    api_key: str
    api_secret: str
    token_ttl_s: int = 300
    room_prefix: str = "intervox-"
    connect_timeout_s: float = 10.0

    def room(self, interview_id: str) -> str:
        """The room of an interview."""
        return f"{self.room_prefix}{interview_id}"

    def interview_of(self, room: str) -> str | None:
        """The interview a room belongs to, or None for a room that is not ours."""
        if not room.startswith(self.room_prefix) or len(room) == len(self.room_prefix):
            return None
        return room[len(self.room_prefix) :]
