"""Webhooks: what an organisation subscribes to, how a delivery is signed, and the notifier that
writes an interview's lifecycle events to the outbox (the delivery task sends them).

The signing secret must be readable to sign, so it cannot be hashed like a token. It is kept
encrypted (AES-GCM, key derived from the server's secret key, the webhook's id as associated
data): a database copy or backup alone does not let anyone forge deliveries. Changing
INTERVOX_SECRET_KEY makes existing secrets unreadable: re-create the webhooks then."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import json
import os
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.errors import IntervoxError, NotFound
from core.events import utc_now
from store.models import InterviewRow, WebhookRow
from store.webhooks import WebhookRepository

EVENTS = ("interview.started", "interview.completed", "report.ready")
SIGNATURE_HEADER = "X-Intervox-Signature"


class WebhookNotFound(NotFound):
    code = "WEBHOOK_NOT_FOUND"


class InvalidWebhookUrl(IntervoxError):
    code, status = "INVALID_WEBHOOK_URL", 400


class SecretBox:
    """Encrypts webhook secrets at rest with a key derived from the server's secret key."""

    def __init__(self, server_secret: str) -> None:
        key = hashlib.sha256(b"intervox webhook secrets\0" + server_secret.encode()).digest()
        self._aead = AESGCM(key)

    def seal(self, secret: str, webhook_id: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, secret.encode(), webhook_id.encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, sealed: str, webhook_id: str) -> str | None:
        """The secret, or None when it was sealed under another server key."""
        raw = base64.urlsafe_b64decode(sealed)
        try:
            return self._aead.decrypt(raw[:12], raw[12:], webhook_id.encode()).decode()
        except InvalidTag:
            return None


def signature(secret: str, body: str, timestamp: int) -> str:
    """The X-Intervox-Signature value: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, body: str, header: str, now: int, tolerance_s: int = 300) -> bool:
    """What a receiver does (and our tests): recompute the HMAC, refuse old timestamps."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = signature(secret, body, timestamp).split("v1=", 1)[1]
    return abs(now - timestamp) <= tolerance_s and hmac.compare_digest(expected, parts.get("v1", ""))


def check_url(url: str, allow_private: bool) -> str:
    """http(s) with a host; a literal private address is refused here when not allowed (host
    names are checked on every delivery, against the addresses they resolve to then)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidWebhookUrl("a webhook URL is http:// or https:// with a host", {"url": url})
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return url
    if not allow_private and not is_public(literal):
        raise InvalidWebhookUrl(
            "this server does not send webhooks to private addresses "
            "(INTERVOX_WEBHOOKS__ALLOW_PRIVATE_ADDRESSES)",
            {"url": url},
        )
    return url


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Not loopback, private, link-local (cloud metadata), multicast, reserved or unspecified."""
    return address.is_global and not address.is_multicast


def new_webhook(
    org_id: str, created_by: str | None, url: str, events: list[str], box: SecretBox
) -> tuple[WebhookRow, str]:
    """The row to store and the secret to show once."""
    secret = "whsec_" + base64.urlsafe_b64encode(os.urandom(30)).decode()
    webhook_id = str(uuid.uuid4())
    row = WebhookRow(
        id=webhook_id,
        org_id=org_id,
        created_by=created_by,
        url=url,
        events=sorted(set(events)),
        secret_encrypted=box.seal(secret, webhook_id),
        created_at=utc_now(),
    )
    return row, secret


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def interview_data(interview: InterviewRow, report: dict[str, Any] | None, base_url: str) -> dict[str, Any]:
    """What a receiver learns about the interview: enough to fetch the rest with an API key."""
    data: dict[str, Any] = {
        "interview_id": interview.id,
        "status": interview.status,
        "mode": interview.mode,
        "role": interview.role,
        "level": interview.level,
        "candidate_name": interview.candidate_name,
        "candidate_id": interview.candidate_id,
        "started_at": _iso(interview.started_at),
        "ended_at": _iso(interview.ended_at),
    }
    if report is not None:
        data["overall_score"] = report.get("overall_score")
        data["recommendation"] = report.get("recommendation")
        data["report_url"] = f"{base_url}/api/v1/interviews/{interview.id}/report"
    return data


class WebhookNotifier:
    """Writes an organisation's event to the outbox (durable before it returns), then wakes the
    delivery task. Handed to interview sessions as their lifecycle hook."""

    def __init__(self, repo: WebhookRepository, base_url: str = "", now: Callable[[], datetime] = utc_now):
        self.repo = repo
        self.base_url = base_url.rstrip("/")
        self.now = now
        self.wake = asyncio.Event()

    async def __call__(
        self, name: str, interview: InterviewRow, report: dict[str, Any] | None = None
    ) -> None:
        if interview.org_id is None or name not in EVENTS:
            return
        data = interview_data(interview, report if name == "report.ready" else None, self.base_url)
        await self.emit(interview.org_id, name, data)

    async def emit(self, org_id: str, name: str, data: dict[str, Any]) -> int:
        """Queue `name` for each subscription that wants it; how many were queued."""
        now = self.now()
        body = json.dumps({"id": str(uuid.uuid4()), "event": name, "data": data, "ts": now.isoformat()})
        queued = await asyncio.to_thread(self.repo.enqueue, org_id, name, body, now)
        if queued:
            self.wake.set()
        return queued
