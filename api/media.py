"""The media backend chosen by the settings, and what LiveKit's webhooks change."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from api.settings import Settings
from core.errors import InterviewNotFound
from core.events import event
from media.backend import AiortcBackend, MediaBackend

if TYPE_CHECKING:
    from api.runtime import Runtime
    from media.livekit.webhooks import CandidatePresence


def make_media_backend(settings: Settings) -> MediaBackend:
    """aiortc by default; LiveKit with INTERVOX_MEDIA__BACKEND=livekit (the settings checked its server)."""
    if settings.media.backend == "livekit":
        from media.livekit.backend import LiveKitBackend

        return LiveKitBackend(settings.livekit.options())
    return AiortcBackend()


def livekit_http_origins(settings: Settings) -> tuple[str, ...]:
    """The LiveKit server's HTTP origin, which the room's client may fetch (with the livekit
    backend): after a failed connection livekit-client asks it why, over HTTP(S)."""
    if settings.media.backend != "livekit":
        return ()
    parsed = urlsplit(settings.livekit.public_url or settings.livekit.url)
    scheme = {"ws": "http", "wss": "https"}.get(parsed.scheme, parsed.scheme)
    return (f"{scheme}://{parsed.netloc}",)


def camera_expected(mode: str, consent: dict | None) -> bool:
    """A video interview whose candidate let the camera be analysed or recorded."""
    agreed = consent or {}
    return mode == "video" and bool(agreed.get("camera_analysis") or agreed.get("video_recording"))


async def record_presence(runtime: Runtime, presence: CandidatePresence) -> bool:
    """The candidate's arrival or departure in the interview's event log and, live, to
    recruiters (never to the candidate: these events are recruiter-only). False for a room
    whose interview does not exist (any more)."""
    try:
        await asyncio.to_thread(runtime.repo.get, presence.interview_id)
    except InterviewNotFound:
        return False
    ev = event(
        "candidate_joined" if presence.change == "joined" else "candidate_left",
        backend="livekit",
        room=presence.room,
        participant_sid=presence.participant_sid,
        webhook_id=presence.webhook_id,
    )
    ev.ts = presence.at
    await asyncio.to_thread(runtime.repo.add_event, presence.interview_id, ev)
    await runtime.bus.publish(presence.interview_id, ev)
    return True
