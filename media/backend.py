"""How candidates' media reach the server: the seam between the aiortc and LiveKit backends.

The two differ in who starts the media. With aiortc the browser's SDP offer makes the
server's transport and the answer goes back in the response; with LiveKit the join makes the
server's interviewer join a room, and the browser gets a token for that room. What both owe the
candidate's client is the answer to `rtc/join`: which backend, and what it needs to connect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

BackendName = Literal["aiortc", "livekit"]


@dataclass(frozen=True)
class CandidateJoin:
    """What the candidate's browser needs to connect (aiortc: only the backend's name; it then
    posts its offer)."""

    backend: BackendName
    url: str | None = None
    token: str | None = None
    room: str | None = None
    identity: str | None = None
    expires_at: datetime | None = None


class MediaBackend(Protocol):
    name: BackendName

    def candidate_join(self, interview_id: str, *, camera: bool) -> CandidateJoin:
        """What the candidate's client is told (its credentials for the media, if any)."""
        ...


class AiortcBackend:
    """The embedded default: the browser talks WebRTC with this server (POST .../rtc/offer)."""

    name: BackendName = "aiortc"

    def candidate_join(self, interview_id: str, *, camera: bool) -> CandidateJoin:
        return CandidateJoin("aiortc")
