"""An organisation's people (admins only): list, add, remove."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response, status

from api.auth import Admin
from api.deps import RuntimeDep
from api.schemas import UserCreate, UserPublic

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.get("", response_model=list[UserPublic])
async def list_users(principal: Admin, runtime: RuntimeDep) -> list[UserPublic]:
    rows = await asyncio.to_thread(runtime.accounts.repo.users, principal.org_id)
    return [UserPublic.model_validate(row, from_attributes=True) for row in rows]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UserPublic)
async def add_user(body: UserCreate, principal: Admin, runtime: RuntimeDep) -> UserPublic:
    """Add a colleague with a first password the admin hands over (no email is sent)."""
    row = await asyncio.to_thread(
        runtime.accounts.create_user, principal.org_id, body.email, body.password, body.role
    )
    return UserPublic.model_validate(row, from_attributes=True)


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def remove_user(user_id: str, principal: Admin, runtime: RuntimeDep) -> Response:
    """Remove a user of your organisation: their sessions end and their API keys are revoked."""
    await asyncio.to_thread(runtime.accounts.delete_user, principal, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
