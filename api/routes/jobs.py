"""Jobs: an organisation's openings (create, list, read, change, archive, delete) and a job
description written from a title, a level and skills. Viewers read; recruiters and admins change."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from api.auth import Recruiter, Viewer
from api.deps import RuntimeDep, SettingsDep
from api.job_descriptions import describe
from api.runtime import Runtime
from api.workspace_schemas import (
    DescriptionOut,
    DescriptionRequest,
    JobCreate,
    JobList,
    JobPublic,
    JobStatus,
    JobUpdate,
)
from store.workspace import Page
from workspace import audit
from workspace.jobs import JobService

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


def jobs(runtime: Runtime) -> JobService:
    return JobService(runtime.workspace)


def public(row: Any) -> JobPublic:
    return JobPublic.model_validate(row, from_attributes=True)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=JobPublic)
async def create_job(body: JobCreate, principal: Recruiter, runtime: RuntimeDep) -> JobPublic:
    row = await asyncio.to_thread(jobs(runtime).create, principal, body.model_dump())
    return public(row)


@router.get("", response_model=JobList)
async def list_jobs(
    principal: Viewer,
    runtime: RuntimeDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    status_: Annotated[JobStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Your organisation's jobs, newest first; `q` searches the title and description."""
    page = Page(principal.org_id, limit, offset, q or None, status_)
    rows, total = await asyncio.to_thread(jobs(runtime).page, page)
    return {"items": [public(r) for r in rows], "total": total, "limit": limit, "offset": offset}


@router.post("/generate-description", response_model=DescriptionOut)
async def generate_description(
    body: DescriptionRequest, principal: Recruiter, runtime: RuntimeDep, settings: SettingsDep
) -> DescriptionOut:
    """A draft to edit: by the configured LLM, else from a template."""
    text, method, fallback = await describe(
        runtime.llm, body.title, body.level, body.skills, settings.llm.timeout_s
    )
    return DescriptionOut(description=text, method=method, fallback=fallback)  # type: ignore[arg-type]


@router.get("/{job_id}", response_model=JobPublic)
async def get_job(job_id: str, principal: Viewer, runtime: RuntimeDep) -> JobPublic:
    return public(await asyncio.to_thread(jobs(runtime).get, principal.org_id, job_id))


@router.patch("/{job_id}", response_model=JobPublic)
async def update_job(job_id: str, body: JobUpdate, principal: Recruiter, runtime: RuntimeDep) -> JobPublic:
    """Only the fields sent change (null means unchanged)."""
    fields = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    return public(await asyncio.to_thread(jobs(runtime).update, principal.org_id, job_id, fields))


@router.post("/{job_id}/archive", response_model=JobPublic)
async def archive_job(job_id: str, principal: Recruiter, runtime: RuntimeDep) -> JobPublic:
    """Archived jobs take no new interviews; their interviews stay. PATCH status=open reopens it."""
    row = await asyncio.to_thread(jobs(runtime).update, principal.org_id, job_id, {"status": "archived"})
    return public(row)


@router.delete("/{job_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete_job(job_id: str, principal: Recruiter, runtime: RuntimeDep) -> Response:
    """The job; interviews made from it keep their copies of its fields."""
    detached = await asyncio.to_thread(jobs(runtime).delete, principal.org_id, job_id)
    details = {"interviews_detached": detached}
    await asyncio.to_thread(audit.record, runtime.workspace, principal, "job.delete", "job", job_id, details)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
