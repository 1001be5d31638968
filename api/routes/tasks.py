"""Coding tasks for recruiters: the shipped bank and the organisation's own, listed and read
in full (hidden tests and reference included: never a candidate's view); adding one runs its
reference solution against its tests in the sandbox first (422 TASK_INVALID when it fails)."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, status

from api.auth import Recruiter, Viewer
from api.deps import RuntimeDep
from coding.tasks import Task, bank

router = APIRouter(prefix="/api/v1/tasks", tags=["coding"])


@router.get("")
async def list_tasks(
    principal: Viewer,
    runtime: RuntimeDep,
    level: Literal["junior", "middle", "senior"] | None = None,
    language: Literal["python", "javascript"] | None = None,
) -> dict[str, Any]:
    found = await asyncio.to_thread(runtime.coding.tasks, principal.org_id)
    items = [
        task.summary(source)
        for task, source in found
        if (level is None or task.level == level) and (language is None or language in task.languages)
    ]
    return {"items": items, "total": len(items)}


@router.post("", status_code=status.HTTP_201_CREATED)
async def add_task(body: Task, principal: Recruiter, runtime: RuntimeDep) -> dict[str, Any]:
    """The task is stored under a new id (its `id` with a suffix); tests sent without
    `expected` carry the reference's answer."""
    task = await runtime.coding.add_task(principal.org_id, principal.user_id, body)
    return {**task.model_dump(mode="json"), "source": "organisation"}


@router.get("/{task_id}")
async def get_task(task_id: str, principal: Viewer, runtime: RuntimeDep) -> dict[str, Any]:
    task = await asyncio.to_thread(runtime.coding.task, principal.org_id, task_id)
    return {**task.model_dump(mode="json"), "source": "bank" if task_id in bank() else "organisation"}
