"""Access tokens for an interview's room, minted with livekit-api: each opens one room only,
for a short time, with only what its holder needs."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from livekit import api

from media.livekit.options import LiveKitOptions

CANDIDATE_IDENTITY = "candidate"  # one per room: a reconnecting browser replaces its older self
INTERVIEWER_PREFIX = "interviewer-"  # each connection of the server's interviewer has its own


@dataclass(frozen=True)
class RoomToken:
    token: str
    url: str
    room: str
    identity: str
    expires_at: datetime


def candidate_token(
    options: LiveKitOptions, interview_id: str, *, camera: bool, name: str = "", now: datetime | None = None
) -> RoomToken:
    """Join this interview's room and nothing else: publish the microphone (and the camera in
    video interviews), hear the interviewer; no data messages, no metadata, no room admin."""
    room = options.room(interview_id)
    grants = api.VideoGrants(
        room_join=True,
        room=room,
        can_publish=True,
        can_publish_sources=["microphone", "camera"] if camera else ["microphone"],
        can_subscribe=True,
        can_publish_data=False,
        can_update_own_metadata=False,
    )
    return _mint(options, CANDIDATE_IDENTITY, grants, options.public_url, name or "Candidate", now)


def interviewer_token(options: LiveKitOptions, interview_id: str, now: datetime | None = None) -> RoomToken:
    """The server's interviewer: joins as an agent, speaks (microphone) and listens."""
    grants = api.VideoGrants(
        room_join=True,
        room=options.room(interview_id),
        can_publish=True,
        can_publish_sources=["microphone"],
        can_subscribe=True,
        can_publish_data=False,
        hidden=False,
        agent=True,
    )
    identity = INTERVIEWER_PREFIX + secrets.token_hex(4)
    return _mint(options, identity, grants, options.url, "Interviewer", now, kind="agent")


def _mint(
    options: LiveKitOptions,
    identity: str,
    grants: api.VideoGrants,
    url: str,
    name: str,
    now: datetime | None,
    kind: api.AccessToken.ParticipantKind = "standard",
) -> RoomToken:
    ttl = timedelta(seconds=options.token_ttl_s)
    token = (
        api.AccessToken(options.api_key, options.api_secret)
        .with_identity(identity)
        .with_name(name)
        .with_kind(kind)
        .with_grants(grants)
        .with_ttl(ttl)
        .to_jwt()
    )
    issued = (now or datetime.now(UTC)).replace(microsecond=0)
    return RoomToken(token, url, grants.room, identity, issued + ttl)
