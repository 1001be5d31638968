"""Health of the process and its engines."""

from __future__ import annotations

from functools import cache
from importlib.metadata import version
from typing import Any

from fastapi import APIRouter

from api.deps import RuntimeDep

router = APIRouter(tags=["health"])


@cache
def _version() -> str:
    return version("intervox")


@router.get("/health")
async def health(runtime: RuntimeDep) -> dict[str, Any]:
    # an API process loads no engines: the workers do (GET /api/v1/workers lists them)
    media = runtime.role != "api"
    components = {
        "db": "ok" if runtime.db_ok else "error",  # checked every second in a thread of its own
        "stt": ("ok" if runtime.stt is not None else "loading") if media else "on workers",
        # "degraded": Piper could not speak, espeak-ng is standing in
        "tts": runtime.tts.status,
        "vision": runtime.vision_status,
        "interviewer": runtime.interviewer.name,
        # coding interviews: "ok", "disabled", or "unavailable: <why>" (no bubblewrap sandbox)
        "coding": runtime.coding.status,
    }
    healthy = components["db"] == "ok"
    return {
        "status": "ok" if healthy else "degraded",
        "version": _version(),
        "role": runtime.role,  # all (intervox serve), api or worker
        "worker_id": runtime.worker_id,
        "components": components,
    }
