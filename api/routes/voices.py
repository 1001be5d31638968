"""The interviewer voices installed on this server (for choosing a persona's voice)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.auth import Viewer
from api.deps import RuntimeDep
from tts.voices import list_voices, resolve

router = APIRouter(prefix="/api/v1", tags=["voices"])


@router.get("/voices")
async def voices(principal: Viewer, runtime: RuntimeDep) -> dict[str, Any]:
    """Every voice preset, whether it can speak here, its licence, and the configured one."""
    tts = runtime.settings.tts
    try:
        configured = resolve(tts.engine, tts.voice).id
    except ValueError:
        configured = tts.voice
    return {
        "engine": tts.engine,
        "voice": configured,
        "status": runtime.tts.status,
        "items": list_voices(),
    }
