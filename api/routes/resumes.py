"""A candidate's resume for one interview: upload a PDF, DOCX or TXT file, get the analysis back."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, UploadFile
from pydantic import BaseModel

from api.auth import ManagedInterview
from api.deps import RuntimeDep
from core.errors import PayloadTooLarge
from workspace.resumes import MAX_RESUME_BYTES, resume_text

router = APIRouter(prefix="/api/v1/interviews", tags=["interviews"])


class ResumeAttached(BaseModel):
    """What the upload answers: the text's length (not the text) and the new analysis."""

    interview_id: str
    chars: int
    analysis: dict[str, Any]


@router.post(
    "/{interview_id}/resume",
    response_model=ResumeAttached,
    responses={400: {"description": "INVALID_FILE"}, 413: {"description": "PAYLOAD_TOO_LARGE"}},
)
async def upload_resume(interview: ManagedInterview, file: UploadFile, runtime: RuntimeDep) -> dict[str, Any]:
    """PDF, DOCX or TXT up to 2 MB, recognised by content; replaces any earlier resume text."""
    # One byte past the limit is enough to know it is too large, without holding a bigger body.
    data = await file.read(MAX_RESUME_BYTES + 1)
    if len(data) > MAX_RESUME_BYTES:
        limit = {"limit_bytes": MAX_RESUME_BYTES}
        raise PayloadTooLarge(f"the resume is larger than the {MAX_RESUME_BYTES}-byte limit", limit)
    text = await asyncio.to_thread(resume_text, data, file.filename)
    analysis = await runtime.attach_resume(interview.id, text)
    return {"interview_id": interview.id, "chars": len(text), "analysis": analysis}
