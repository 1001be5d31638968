"""Health of the process and its engines."""

from __future__ import annotations

import asyncio
from importlib.metadata import version
from typing import Any

from fastapi import APIRouter

from api.deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(runtime: RuntimeDep) -> dict[str, Any]:
    components = {
        "db": "ok" if await asyncio.to_thread(runtime.repo.ping) else "error",
        "stt": "ok" if runtime.stt is not None else "loading",
        # "degraded": Piper could not speak, espeak-ng is standing in
        "tts": runtime.tts.status,
        "vision": runtime.vision_status,
        "interviewer": runtime.interviewer.name,
    }
    healthy = components["db"] == "ok"
    return {
        "status": "ok" if healthy else "degraded",
        "version": version("intervox"),
        "components": components,
    }
