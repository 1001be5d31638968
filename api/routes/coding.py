"""Coding interviews: the task as the candidate sees it, saving code, running the visible
tests, the editor page's integrity reports (all with the join token), and for recruiters
the code's history and the integrity timeline. Code only ever runs in the sandbox."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from api.auth import CandidateInterview, EitherSide, ViewedInterview
from api.coding_schemas import CodeHistory, CodeIn, CodeSaved, IntegrityIn, IntegrityOut, RunIn, RunOut
from api.deps import RuntimeDep
from api.runtime import Runtime
from coding import integrity
from core.errors import InterviewEnded, ModeMismatch, NotFound
from core.events import event
from store.models import CodeVersionRow, InterviewRow

router = APIRouter(prefix="/api/v1/interviews", tags=["coding"])


class NoCode(NotFound):
    code = "NO_CODE"


def _coding(interview: InterviewRow) -> None:
    if interview.mode != "coding":
        raise ModeMismatch("this is not a coding interview", {"mode": interview.mode})


async def _open(runtime: Runtime, interview: InterviewRow) -> None:
    """A coding interview the candidate may work on: started now if it was scheduled."""
    _coding(interview)
    if interview.status in ("completed", "cancelled"):
        raise InterviewEnded("this interview has already ended", {"status": interview.status})
    if interview.status == "scheduled":
        session = await runtime.session(interview.id)
        async with session.lock:
            await session.begin("coding")


async def _emit(runtime: Runtime, interview_id: str, name: str, **data: Any) -> None:
    session = await runtime.session(interview_id)
    await session.emit(event(name, **data))  # type: ignore[arg-type]


@router.get("/{interview_id}/task")
async def get_task(side: EitherSide, runtime: RuntimeDep) -> dict[str, Any]:
    """The task as the candidate sees it (never the hidden tests or the reference), the latest
    draft, and the limits a run has. The candidate's first look starts the interview's clock."""
    interview, principal = side
    _coding(interview)
    if principal is None and interview.status == "scheduled":
        await _open(runtime, interview)
    task = await asyncio.to_thread(runtime.coding.task, interview.org_id, interview.task_id or "")
    draft = await asyncio.to_thread(runtime.coding.repo.latest_version, interview.id)
    limits = runtime.coding.options.limits
    drafts = {}  # the latest draft in each language, so the editor keeps one buffer per language
    for language in task.languages:
        found = await asyncio.to_thread(runtime.coding.repo.latest_version, interview.id, language)
        if found is not None:
            drafts[language] = {"version": found.version, "language": found.language, "code": found.code}
    return {
        **task.public(),
        "language": interview.code_language,
        "draft": None
        if draft is None
        else {"version": draft.version, "language": draft.language, "code": draft.code},
        "drafts": drafts,
        "limits": {
            "cpu_s": limits.cpu_s,
            "wall_s": limits.wall_s,
            "memory_mb": limits.memory_mb,
            "max_code_kb": runtime.coding.options.max_code_bytes // 1024,
        },
    }


async def _save(runtime: Runtime, interview: InterviewRow, language: str, code: str) -> CodeVersionRow:
    await _open(runtime, interview)
    row = await runtime.coding.save(interview, language, code)  # type: ignore[arg-type]
    await _emit(
        runtime, interview.id, "code_update", version=row.version, language=row.language, size=row.size
    )
    return row


@router.put("/{interview_id}/code", response_model=CodeSaved)
async def save_code(body: CodeIn, interview: CandidateInterview, runtime: RuntimeDep) -> CodeVersionRow:
    """A draft: every save is a new version with its time."""
    return await _save(runtime, interview, body.language, body.code)


@router.post("/{interview_id}/run", response_model=RunOut)
async def run_code(
    interview: CandidateInterview, runtime: RuntimeDep, body: RunIn | None = None
) -> dict[str, Any]:
    """Run the visible tests in the sandbox on the code sent (saved first) or the latest draft."""
    await runtime.limiter.hit(runtime.settings.coding.runs_per_minute, "code-run", interview.id)
    _coding(interview)
    runtime.coding.require()
    if body is not None and body.code is not None:
        version = await _save(
            runtime, interview, body.language or interview.code_language or "python", body.code
        )
    else:
        await _open(runtime, interview)
        found = await asyncio.to_thread(runtime.coding.repo.latest_version, interview.id)
        if found is None:
            raise NoCode("save some code first (PUT .../code), or send it with the run")
        version = found
    result = await runtime.coding.run(interview, version)
    passed = sum(t["passed"] for t in result["tests"])
    await _emit(
        runtime,
        interview.id,
        "code_run",
        version=version.version,
        status=result["status"],
        passed=passed,
        total=len(result["tests"]),
        wall_ms=result["wall_ms"],
    )
    return result


@router.get("/{interview_id}/code", response_model=CodeHistory)
async def code_history(
    interview: ViewedInterview,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Every saved version (with its code and time) and every run, oldest first."""
    _coding(interview)
    versions, total = await asyncio.to_thread(runtime.coding.repo.versions, interview.id, limit, offset)
    runs = await asyncio.to_thread(runtime.coding.repo.runs, interview.id)
    return {
        "task_id": interview.task_id,
        "language": interview.code_language,
        "versions": versions,
        "total": total,
        "limit": limit,
        "offset": offset,
        "runs": [
            {"kind": r.kind, "version": r.version, "status": r.status, "at": r.created_at, "result": r.result}
            for r in runs
        ],
    }


@router.post("/{interview_id}/integrity", status_code=status.HTTP_202_ACCEPTED, response_model=IntegrityOut)
async def report_integrity(
    body: IntegrityIn, interview: CandidateInterview, runtime: RuntimeDep
) -> dict[str, Any]:
    """What the editor page saw, with its time; for a person to review, never a verdict."""
    await runtime.limiter.hit(runtime.settings.coding.integrity_per_minute, "integrity", interview.id)
    await _open(runtime, interview)
    session = await runtime.session(interview.id)
    t = max(0.0, session.elapsed())
    stored = await runtime.coding.report_integrity(interview, body.type, body.at, t, body.details)
    if stored:
        await session.emit(event("integrity", kind=body.type, t=round(t, 1), details=body.details))
    return {"stored": stored, "t": round(t, 3)}


@router.get("/{interview_id}/integrity")
async def integrity_timeline(interview: ViewedInterview, runtime: RuntimeDep) -> dict[str, Any]:
    """The timeline and its summary so far (the report keeps the same at the end)."""
    _coding(interview)
    events = await asyncio.to_thread(runtime.coding.repo.integrity, interview.id)
    latest = await asyncio.to_thread(runtime.coding.repo.latest_version, interview.id)
    return integrity.summarise(events, len(latest.code) if latest else 0)
