"""The audit log of your organisation (admins only): deletions and exports of personal data."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.auth import Admin
from api.deps import RuntimeDep
from api.workspace_schemas import AuditList, AuditPublic
from store.workspace import Page

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=AuditList)
async def list_audit(
    principal: Admin,
    runtime: RuntimeDep,
    action: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Newest first; `action` narrows to one kind (candidate.delete, candidate.export, ...)."""
    page = Page(principal.org_id, limit, offset, q=action or None)
    rows, total = await asyncio.to_thread(runtime.workspace.audit, page)
    items = [AuditPublic.model_validate(row, from_attributes=True) for row in rows]
    return {"items": items, "total": total, "limit": limit, "offset": offset}
