"""The delivery task: sends what the outbox holds, signed, with retries and backoff.

Runs in the server process (started and stopped with the app). The outbox is in the
database, so a restart only delays a delivery: the next process sends what is pending.
Several servers on one database each run one: an entry is claimed before it is sent
(store/webhooks.py), so only one of them sends it.
Redirects are not followed (a redirect could point anywhere, inside the network too)."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx

from core.events import utc_now
from store.models import WebhookOutboxRow, WebhookRow
from store.webhooks import Attempt, WebhookRepository
from workspace.webhooks import SIGNATURE_HEADER, SecretBox, is_public, signature

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryOptions:
    # seconds to wait before each retry; after the last one the delivery has failed for good
    backoff_s: Sequence[float] = (5, 30, 120, 600, 3600)
    timeout_s: float = 10.0
    allow_private_addresses: bool = False
    idle_poll_s: float = 30.0  # how often to look at the outbox when nothing wakes the task


class BlockedAddress(Exception):
    pass


async def check_target(url: str, allow_private: bool) -> None:
    """Refuse a host that resolves to a private, loopback or link-local address (unless the
    operator allows them). Resolved on every attempt: DNS may have changed since creation."""
    if allow_private:
        return
    host = urlsplit(url).hostname or ""
    port = urlsplit(url).port or 443
    infos = await asyncio.get_running_loop().getaddrinfo(host, port)
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not is_public(address):
            raise BlockedAddress(f"{host} resolves to {address}, which is not a public address")


class DeliveryWorker:
    """One per server process. `run()` until cancelled; `deliver_due()` sends what is due once."""

    def __init__(
        self,
        repo: WebhookRepository,
        box: SecretBox,
        options: DeliveryOptions,
        wake: asyncio.Event,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.repo, self.box, self.options, self.wake, self.now = repo, box, options, wake, now

    async def run(self) -> None:
        async with httpx.AsyncClient(follow_redirects=False, timeout=self.options.timeout_s) as client:
            while True:
                try:
                    await self.deliver_due(client)
                except Exception:  # a database hiccup must not stop deliveries for good
                    log.exception("webhook delivery round failed")
                await self._sleep()

    async def _sleep(self) -> None:
        """Until the next entry is due, an event is queued, or the idle poll comes round."""
        wait = self.options.idle_poll_s
        next_due = await asyncio.to_thread(self.repo.next_due)
        if next_due is not None:
            if next_due.tzinfo is None:  # SQLite returns naive datetimes
                next_due = next_due.replace(tzinfo=self.now().tzinfo)
            wait = min(wait, max(0.0, (next_due - self.now()).total_seconds()))
        self.wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), timeout=wait)

    async def deliver_due(self, client: httpx.AsyncClient) -> int:
        """Send every entry due now, one after another; how many were attempted."""
        # claimed for longer than an attempt can take: other servers sending from the same
        # outbox skip these entries meanwhile
        claim_s = self.options.timeout_s + 30
        due = await asyncio.to_thread(self.repo.due, self.now(), 20, claim_s)
        unrecorded = [entry.id for entry, _ in due]
        try:
            for entry, hook in due:
                attempt = await self.attempt(client, entry, hook)
                await asyncio.to_thread(self.repo.record, entry.id, attempt, self._retry_at(entry, attempt))
                unrecorded.remove(entry.id)
                outcome = attempt.status_code or attempt.error
                level = logging.INFO if attempt.error is None else logging.WARNING
                log.log(level, "webhook %s %s: %s", hook.id, entry.event, outcome)
        finally:
            if unrecorded:  # stopped midway: what it claimed and did not record is due again now
                await asyncio.to_thread(self.repo.release, unrecorded, self.now())
        return len(due)

    def _retry_at(self, entry: WebhookOutboxRow, attempt: Attempt) -> datetime | None:
        backoff = self.options.backoff_s
        if entry.attempts >= len(backoff):  # this was the last try
            return None
        return attempt.at + timedelta(seconds=backoff[entry.attempts])

    async def attempt(self, client: httpx.AsyncClient, entry: WebhookOutboxRow, hook: WebhookRow) -> Attempt:
        at, started = self.now(), time.monotonic()
        status_code, error = None, None
        try:
            secret = self.box.open(hook.secret_encrypted, hook.id)
            if secret is None:
                raise RuntimeError("the secret cannot be read (the server's secret key changed)")
            await check_target(hook.url, self.options.allow_private_addresses)
            headers = {
                "Content-Type": "application/json",
                "User-Agent": "Intervox-Webhooks/1",
                "X-Intervox-Event": entry.event,
                SIGNATURE_HEADER: signature(secret, entry.body, int(time.time())),
            }
            response = await client.post(hook.url, content=entry.body.encode(), headers=headers)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"the receiver answered {status_code}"
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        duration_ms = round((time.monotonic() - started) * 1000)
        return Attempt(at=at, status_code=status_code, error=error, duration_ms=duration_ms)
