"""Candidates: records with a resume, recruiters' notes and their interviews; and the candidate's
data protection rights: export everything as a zip, or erase everything (both audited)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, UploadFile, status
from fastapi.responses import Response

from api.auth import Recruiter, Viewer
from api.deps import RuntimeDep
from api.routes.interviews import interview_page
from api.runtime import Runtime
from api.schemas import InterviewList
from api.workspace_schemas import (
    CandidateCreate,
    CandidateErased,
    CandidateList,
    CandidatePublic,
    CandidateUpdate,
    NoteCreate,
    NotePublic,
)
from core.errors import PayloadTooLarge
from store.models import CandidateRow
from store.repository import InterviewFilter
from store.workspace import Page
from workspace import audit
from workspace.accounts import Principal
from workspace.candidates import CandidateService
from workspace.resumes import MAX_RESUME_BYTES, resume_text

router = APIRouter(prefix="/api/v1/candidates", tags=["candidates"])


def candidates(runtime: Runtime) -> CandidateService:
    return CandidateService(runtime.workspace, runtime.repo, runtime.file_sources, runtime.coding.repo)


def public(row: CandidateRow) -> CandidatePublic:
    return CandidatePublic.model_validate(row, from_attributes=True)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CandidatePublic)
async def create_candidate(
    body: CandidateCreate, principal: Recruiter, runtime: RuntimeDep
) -> CandidatePublic:
    """409 CANDIDATE_EXISTS when your organisation has a candidate with this email."""
    return public(await asyncio.to_thread(candidates(runtime).create, principal, body.model_dump()))


@router.get("", response_model=CandidateList)
async def list_candidates(
    principal: Viewer,
    runtime: RuntimeDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Your organisation's candidates, newest first; `q` searches name, email and phone."""
    rows, total = await asyncio.to_thread(
        candidates(runtime).page, Page(principal.org_id, limit, offset, q or None)
    )
    return {"items": [public(r) for r in rows], "total": total, "limit": limit, "offset": offset}


@router.get("/{candidate_id}", response_model=CandidatePublic)
async def get_candidate(candidate_id: str, principal: Viewer, runtime: RuntimeDep) -> CandidatePublic:
    return public(await asyncio.to_thread(candidates(runtime).get, principal.org_id, candidate_id))


@router.patch("/{candidate_id}", response_model=CandidatePublic)
async def update_candidate(
    candidate_id: str, body: CandidateUpdate, principal: Recruiter, runtime: RuntimeDep
) -> CandidatePublic:
    """Only the fields sent change; email and phone may be cleared with null, the name may not."""
    fields = body.model_dump(exclude_unset=True)
    if fields.get("name", "") is None:
        del fields["name"]
    row = await asyncio.to_thread(candidates(runtime).update, principal.org_id, candidate_id, fields)
    return public(row)


@router.delete("/{candidate_id}", response_model=CandidateErased)
async def erase_candidate(candidate_id: str, principal: Recruiter, runtime: RuntimeDep) -> CandidateErased:
    """Erase the candidate: their record, resume, notes and interviews with everything recorded
    (questions, transcript, events, reports, attention samples, files). Answers the counts."""
    removed = await candidates(runtime).erase(principal.org_id, candidate_id, runtime.delete)
    await asyncio.to_thread(
        audit.record, runtime.workspace, principal, "candidate.delete", "candidate", candidate_id, removed
    )
    return CandidateErased(candidate_id=candidate_id, removed=removed)


@router.get(
    "/{candidate_id}/export",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
async def export_candidate(candidate_id: str, principal: Recruiter, runtime: RuntimeDep) -> Response:
    """Everything about the candidate as JSON files in a zip (candidate, notes, interviews with their
    transcripts and reports). Recruiters and admins only: it is the candidate's whole file."""
    data, counts = await asyncio.to_thread(candidates(runtime).export_zip, principal.org_id, candidate_id)
    await asyncio.to_thread(
        audit.record, runtime.workspace, principal, "candidate.export", "candidate", candidate_id, counts
    )
    filename = f"candidate-{candidate_id}.zip"
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    "/{candidate_id}/resume",
    response_model=CandidatePublic,
    responses={400: {"description": "INVALID_FILE"}, 413: {"description": "PAYLOAD_TOO_LARGE"}},
)
async def upload_resume(
    candidate_id: str, file: UploadFile, principal: Recruiter, runtime: RuntimeDep
) -> CandidatePublic:
    """PDF, DOCX or TXT up to 2 MB, recognised by content; replaces an earlier resume. The candidate
    then carries `resume` with the skills, years and roles read from it."""
    service = candidates(runtime)
    await asyncio.to_thread(service.get, principal.org_id, candidate_id)  # 404 before reading the file
    data = await file.read(MAX_RESUME_BYTES + 1)
    if len(data) > MAX_RESUME_BYTES:
        limit = {"limit_bytes": MAX_RESUME_BYTES}
        raise PayloadTooLarge(f"the resume is larger than the {MAX_RESUME_BYTES}-byte limit", limit)
    text = await asyncio.to_thread(resume_text, data, file.filename)
    filename = (file.filename or "")[:200] or None
    row = await asyncio.to_thread(service.attach_resume, principal.org_id, candidate_id, text, filename)
    return public(row)


@router.post("/{candidate_id}/notes", status_code=status.HTTP_201_CREATED, response_model=NotePublic)
async def add_note(
    candidate_id: str, body: NoteCreate, principal: Recruiter, runtime: RuntimeDep
) -> NotePublic:
    author = await asyncio.to_thread(author_name, runtime, principal)
    note = await asyncio.to_thread(candidates(runtime).add_note, principal, author, candidate_id, body.text)
    return NotePublic.model_validate(note, from_attributes=True)


@router.get("/{candidate_id}/notes", response_model=list[NotePublic])
async def list_notes(candidate_id: str, principal: Viewer, runtime: RuntimeDep) -> list[NotePublic]:
    """Oldest first, each with its author and time."""
    service = candidates(runtime)
    await asyncio.to_thread(service.get, principal.org_id, candidate_id)
    rows = await asyncio.to_thread(runtime.workspace.notes, candidate_id)
    return [NotePublic.model_validate(row, from_attributes=True) for row in rows]


@router.get("/{candidate_id}/interviews", response_model=InterviewList)
async def candidate_interviews(
    candidate_id: str,
    principal: Viewer,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """The candidate's interviews, newest first."""
    await asyncio.to_thread(candidates(runtime).get, principal.org_id, candidate_id)
    where = InterviewFilter(principal.org_id, candidate_id=candidate_id)
    return await interview_page(runtime, where, limit, offset)


def author_name(runtime: Runtime, principal: Principal) -> str:
    """The note's author as people read it: the user's email, or the API key's name."""
    if principal.kind == "api_key":
        key = runtime.accounts.repo.api_key(principal.id)
        return f"API key {key.name}" if key is not None else "API key"
    user = runtime.accounts.repo.user(principal.id)
    return user.email if user is not None else principal.id
