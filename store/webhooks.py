"""Webhook subscriptions, their outbox and their delivery log. Every method is one short
transaction; async callers use them through `asyncio.to_thread`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from store.models import WebhookAttemptRow, WebhookOutboxRow, WebhookRow


@dataclass(frozen=True)
class Attempt:
    """What one delivery attempt came to."""

    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class WebhookRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def add(self, row: WebhookRow) -> WebhookRow:
        with self._sessions.begin() as s:
            s.add(row)
        return row

    def for_org(self, org_id: str) -> list[WebhookRow]:
        with self._sessions() as s:
            query = select(WebhookRow).where(WebhookRow.org_id == org_id).order_by(WebhookRow.created_at)
            return list(s.scalars(query))

    def get(self, webhook_id: str) -> WebhookRow | None:
        with self._sessions() as s:
            return s.get(WebhookRow, webhook_id)

    def delete(self, webhook_id: str) -> None:
        """The subscription, its pending deliveries and its log."""
        with self._sessions.begin() as s:
            outbox = select(WebhookOutboxRow.id).where(WebhookOutboxRow.webhook_id == webhook_id)
            s.execute(delete(WebhookAttemptRow).where(WebhookAttemptRow.outbox_id.in_(outbox)))
            s.execute(delete(WebhookOutboxRow).where(WebhookOutboxRow.webhook_id == webhook_id))
            s.execute(delete(WebhookRow).where(WebhookRow.id == webhook_id))

    def enqueue(self, org_id: str, event: str, body: str, now: datetime) -> int:
        """One outbox entry per subscription of the organisation that wants this event."""
        with self._sessions.begin() as s:
            hooks = s.scalars(select(WebhookRow).where(WebhookRow.org_id == org_id))
            wanted = [h for h in hooks if event in h.events]
            s.add_all(
                WebhookOutboxRow(
                    webhook_id=h.id, event=event, body=body, status="pending", attempts=0, next_attempt_at=now
                )
                for h in wanted
            )
            return len(wanted)

    def due(
        self, now: datetime, limit: int = 20, claim_s: float | None = None
    ) -> list[tuple[WebhookOutboxRow, WebhookRow]]:
        """Pending entries whose time has come, oldest first, with their subscription.

        With `claim_s`, the entries returned are claimed: their next attempt moves `claim_s`
        ahead, each by a conditional update, so of several servers sharing the outbox exactly
        one gets each entry; `record` then sets its real next attempt. An entry whose claimer
        died is due again once the claim runs out."""
        query = (
            select(WebhookOutboxRow, WebhookRow)
            .join(WebhookRow, WebhookRow.id == WebhookOutboxRow.webhook_id)
            .where(WebhookOutboxRow.status == "pending", WebhookOutboxRow.next_attempt_at <= now)
            .order_by(WebhookOutboxRow.next_attempt_at, WebhookOutboxRow.id)
            .limit(limit)
        )
        with self._sessions() as s:
            found = [(row[0], row[1]) for row in s.execute(query)]
        if claim_s is None:
            return found
        return [entry for entry in found if self._claim(entry[0], now + timedelta(seconds=claim_s))]

    def _claim(self, entry: WebhookOutboxRow, until: datetime) -> bool:
        with self._sessions.begin() as s:
            claimed = s.execute(
                update(WebhookOutboxRow)
                .where(
                    WebhookOutboxRow.id == entry.id,
                    WebhookOutboxRow.status == "pending",
                    WebhookOutboxRow.next_attempt_at == entry.next_attempt_at,
                )
                .values(next_attempt_at=until)
            )
            return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]

    def release(self, outbox_ids: list[int], now: datetime) -> None:
        """Give claimed entries back (a server stopping midway): due again at once."""
        with self._sessions.begin() as s:
            s.execute(
                update(WebhookOutboxRow)
                .where(WebhookOutboxRow.id.in_(outbox_ids), WebhookOutboxRow.status == "pending")
                .values(next_attempt_at=now)
            )

    def next_due(self) -> datetime | None:
        """When the earliest pending entry is due (None when nothing is pending)."""
        query = (
            select(WebhookOutboxRow.next_attempt_at)
            .where(WebhookOutboxRow.status == "pending")
            .order_by(WebhookOutboxRow.next_attempt_at)
            .limit(1)
        )
        with self._sessions() as s:
            return s.scalar(query)

    def record(self, outbox_id: int, attempt: Attempt, retry_at: datetime | None) -> None:
        """Log an attempt; the entry is delivered (2xx), retried at `retry_at`, or failed for good."""
        with self._sessions.begin() as s:
            row = s.get(WebhookOutboxRow, outbox_id)
            if row is None:  # the subscription was deleted meanwhile
                return
            row.attempts += 1
            s.add(
                WebhookAttemptRow(
                    outbox_id=outbox_id,
                    attempt=row.attempts,
                    at=attempt.at,
                    status_code=attempt.status_code,
                    error=attempt.error[:500] if attempt.error else None,
                    duration_ms=attempt.duration_ms,
                )
            )
            ok = attempt.status_code is not None and 200 <= attempt.status_code < 300
            if ok:
                row.status, row.delivered_at = "delivered", attempt.at
            elif retry_at is None:
                row.status = "failed"
            else:
                row.next_attempt_at = retry_at

    def deliveries(
        self, webhook_id: str, limit: int
    ) -> list[tuple[WebhookOutboxRow, list[WebhookAttemptRow]]]:
        """The newest outbox entries of a subscription, each with its attempts in order."""
        with self._sessions() as s:
            query = (
                select(WebhookOutboxRow)
                .where(WebhookOutboxRow.webhook_id == webhook_id)
                .order_by(WebhookOutboxRow.id.desc())
                .limit(limit)
            )
            entries = list(s.scalars(query))
            ids = [e.id for e in entries]
            attempts = s.scalars(
                select(WebhookAttemptRow)
                .where(WebhookAttemptRow.outbox_id.in_(ids))
                .order_by(WebhookAttemptRow.attempt)
            )
            by_entry: dict[int, list[WebhookAttemptRow]] = {i: [] for i in ids}
            for a in attempts:
                by_entry[a.outbox_id].append(a)
        return [(e, by_entry[e.id]) for e in entries]
