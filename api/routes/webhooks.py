"""Webhooks: an organisation's subscriptions to interview events, and their delivery log.
Admins only: a webhook sends what the organisation knows about candidates to another server."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from api.auth import Admin
from api.deps import RuntimeDep
from store.models import WebhookRow
from workspace.accounts import Principal
from workspace.webhooks import WebhookNotFound, check_url, new_webhook

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
EventName = Literal["interview.started", "interview.completed", "report.ready"]


class WebhookCreate(BaseModel):
    url: str = Field(min_length=8, max_length=2000)
    events: list[EventName] = Field(min_length=1, max_length=3)


class WebhookPublic(BaseModel):
    id: str
    url: str
    events: list[str]
    created_at: datetime


class WebhookCreated(WebhookPublic):
    secret: str  # shown here only: verify X-Intervox-Signature with it


class DeliveryAttempt(BaseModel):
    attempt: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class Delivery(BaseModel):
    id: int
    event: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    log: list[DeliveryAttempt]


class DeliveryList(BaseModel):
    items: list[Delivery]


async def _owned(runtime: Any, webhook_id: str, principal: Principal) -> WebhookRow:
    row = await asyncio.to_thread(runtime.webhooks.repo.get, webhook_id)
    if row is None or row.org_id != principal.org_id:
        raise WebhookNotFound(f"no webhook {webhook_id}", {"id": webhook_id})
    return row


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WebhookCreated)
async def create_webhook(body: WebhookCreate, principal: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    """Subscribe a URL to events; the signing secret is shown once."""
    url = check_url(body.url, runtime.settings.webhooks.allow_private_addresses)
    row, secret = new_webhook(principal.org_id, principal.user_id, url, list(body.events), runtime.secret_box)
    await asyncio.to_thread(runtime.webhooks.repo.add, row)
    return {**WebhookPublic.model_validate(row, from_attributes=True).model_dump(), "secret": secret}


@router.get("", response_model=list[WebhookPublic])
async def list_webhooks(principal: Admin, runtime: RuntimeDep) -> list[WebhookPublic]:
    rows = await asyncio.to_thread(runtime.webhooks.repo.for_org, principal.org_id)
    return [WebhookPublic.model_validate(row, from_attributes=True) for row in rows]


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete_webhook(webhook_id: str, principal: Admin, runtime: RuntimeDep) -> Response:
    """The subscription, what it had still to deliver, and its log."""
    await _owned(runtime, webhook_id, principal)
    await asyncio.to_thread(runtime.webhooks.repo.delete, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryList)
async def list_deliveries(
    webhook_id: str, principal: Admin, runtime: RuntimeDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> dict[str, Any]:
    """The newest deliveries, each with every attempt: status code, error, duration."""
    await _owned(runtime, webhook_id, principal)
    found = await asyncio.to_thread(runtime.webhooks.repo.deliveries, webhook_id, limit)
    items = []
    for entry, attempts in found:
        items.append(
            {
                "id": entry.id,
                "event": entry.event,
                "status": entry.status,
                "attempts": entry.attempts,
                "created_at": entry.created_at,
                "next_attempt_at": entry.next_attempt_at if entry.status == "pending" else None,
                "delivered_at": entry.delivered_at,
                "log": [DeliveryAttempt.model_validate(a, from_attributes=True) for a in attempts],
            }
        )
    return {"items": items}
