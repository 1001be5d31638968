"""The interviewer personas a plan can use (`personas` on creation)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.auth import Viewer
from orchestrator.personas import load_personas

router = APIRouter(prefix="/api/v1", tags=["interviewers"])


@router.get("/interviewers")
async def list_interviewers(principal: Viewer) -> list[dict[str, Any]]:
    """Each persona leads one section (technical, behavioural, hr) with its own voice."""
    return [p.public() for p in load_personas()]
