"""LiveKit's webhooks: signed by the LiveKit server with the API secret (no bearer credential)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.deps import RuntimeDep
from api.media import record_presence
from core.errors import LiveKitNotConfigured

router = APIRouter(prefix="/api/v1/livekit", tags=["media"])


class WebhookOutcome(BaseModel):
    status: Literal["recorded", "ignored"]


@router.post("/webhook", response_model=WebhookOutcome)
async def livekit_webhook(request: Request, runtime: RuntimeDep) -> WebhookOutcome:
    """Point the LiveKit server's webhook here. The candidate joining or leaving an interview's
    room goes to its event log (`candidate_joined` / `candidate_left`, for recruiters); other
    events and unknown rooms are ignored. 401 INVALID_SIGNATURE unless the Authorization header
    signs this body with INTERVOX_LIVEKIT__API_SECRET; 404 LIVEKIT_NOT_CONFIGURED without one."""
    settings = runtime.settings.livekit
    if not (settings.api_key and settings.api_secret):
        raise LiveKitNotConfigured("this server has no LiveKit API key and secret (INTERVOX_LIVEKIT__...)")
    from media.livekit.webhooks import candidate_presence, verify_webhook  # livekit-api, when used

    options = settings.options()
    event = verify_webhook(options, await request.body(), request.headers.get("authorization"))
    presence = candidate_presence(options, event)
    if presence is None or not await record_presence(runtime, presence):
        return WebhookOutcome(status="ignored")
    return WebhookOutcome(status="recorded")
