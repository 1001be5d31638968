"""LiveKit's webhooks, verified with livekit-api: the `Authorization` header is a JWT signed with
the API secret whose `sha256` claim is the body's hash. Only a candidate joining or leaving an
interview's room matters here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from google.protobuf.json_format import ParseError
from livekit import api
from livekit.protocol.webhook import WebhookEvent

from core.errors import InvalidInput, InvalidWebhookSignature
from media.livekit.options import LiveKitOptions
from media.livekit.tokens import CANDIDATE_IDENTITY

PRESENCE: dict[str, Literal["joined", "left"]] = {
    "participant_joined": "joined",
    "participant_left": "left",
}


@dataclass(frozen=True)
class CandidatePresence:
    """The candidate joined or left an interview's room (as LiveKit saw it)."""

    interview_id: str
    change: Literal["joined", "left"]
    room: str
    participant_sid: str
    webhook_id: str
    at: datetime


def verify_webhook(options: LiveKitOptions, body: bytes, authorization: str | None) -> WebhookEvent:
    """The event, when the header signs this very body with our API secret; else
    InvalidWebhookSignature (a signed body that is not an event: InvalidInput)."""
    if not authorization:
        raise InvalidWebhookSignature("a LiveKit webhook carries its signature in the Authorization header")
    token = authorization.removeprefix("Bearer ").strip()
    receiver = api.WebhookReceiver(api.TokenVerifier(options.api_key, options.api_secret))
    try:
        return receiver.receive(body.decode("utf-8"), token)
    except ParseError as exc:  # signed, so from LiveKit, but not a webhook event
        raise InvalidInput(f"not a LiveKit webhook event: {exc}") from exc
    except Exception as exc:  # PyJWT's errors, "hash mismatch", a body that is not UTF-8
        raise InvalidWebhookSignature("the LiveKit webhook signature is not valid") from exc


def candidate_presence(options: LiveKitOptions, event: WebhookEvent) -> CandidatePresence | None:
    """The candidate's arrival or departure, or None for every other event (other rooms, the
    interviewer, tracks, egress...)."""
    change = PRESENCE.get(event.event)
    interview_id = options.interview_of(event.room.name)
    if change is None or interview_id is None or event.participant.identity != CANDIDATE_IDENTITY:
        return None
    at = datetime.fromtimestamp(event.created_at, UTC) if event.created_at else datetime.now(UTC)
    return CandidatePresence(interview_id, change, event.room.name, event.participant.sid, event.id, at)
