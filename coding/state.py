"""What a coding interview's interviewer reads: the candidate's latest code and latest run.

The spoken interviewer (a later step) calls `latest(repo, interview_id)` before it talks
about the code, and listens to the `code_update` and `code_run` events for changes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from store.coding import CodingRepository


@dataclass(frozen=True)
class CodeState:
    interview_id: str
    language: str
    code: str
    version: int
    saved_at: datetime
    last_run: dict[str, Any] | None  # the answer of the latest `POST .../run` (visible tests)
    last_run_version: int | None  # which version that run ran (may be older than `version`)


async def latest(repo: CodingRepository, interview_id: str) -> CodeState | None:
    """The latest saved code and the latest run, or None before the first save."""
    version = await asyncio.to_thread(repo.latest_version, interview_id)
    if version is None:
        return None
    run = await asyncio.to_thread(repo.latest_run, interview_id)
    return CodeState(
        interview_id=interview_id,
        language=version.language,
        code=version.code,
        version=version.version,
        saved_at=version.saved_at,
        last_run=run.result if run else None,
        last_run_version=run.version if run else None,
    )
