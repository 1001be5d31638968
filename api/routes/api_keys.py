"""API keys for integrations: shown once, stored hashed, listed by prefix, revocable."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, status

from api.auth import Recruiter, Viewer
from api.deps import RuntimeDep
from api.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPublic

router = APIRouter(prefix="/api/v1/api-keys", tags=["api-keys"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ApiKeyCreated)
async def create_key(body: ApiKeyCreate, principal: Recruiter, runtime: RuntimeDep) -> ApiKeyCreated:
    """The key acts in your organisation with the role chosen (at most your own)."""
    key, row = await asyncio.to_thread(runtime.accounts.create_api_key, principal, body.name, body.role)
    return ApiKeyCreated(key=key, **ApiKeyPublic.model_validate(row, from_attributes=True).model_dump())


@router.get("", response_model=list[ApiKeyPublic])
async def list_keys(principal: Viewer, runtime: RuntimeDep) -> list[ApiKeyPublic]:
    rows = await asyncio.to_thread(runtime.accounts.repo.api_keys, principal.org_id)
    return [ApiKeyPublic.model_validate(row, from_attributes=True) for row in rows]


@router.delete("/{key_id}", response_model=ApiKeyPublic)
async def revoke_key(key_id: str, principal: Recruiter, runtime: RuntimeDep) -> ApiKeyPublic:
    row = await asyncio.to_thread(runtime.accounts.revoke_api_key, principal, key_id)
    return ApiKeyPublic.model_validate(row, from_attributes=True)
