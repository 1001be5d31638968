"""Interview status changes, pushed live to the organisation's recruiters (WS /api/v1/ws/events)
and, through the webhook notifier, to its integrations."""

from __future__ import annotations

from typing import Any

from core.events import event
from orchestrator.record import LifecycleHook
from store.bus import EventBus, org_topic
from store.models import InterviewRow


class StatusFeed:
    """Publishes `interview_status` on the organisation's topic. Sessions call it as their
    lifecycle hook (started, completed, report ready); it then tells the webhooks too."""

    def __init__(self, bus: EventBus, webhooks: LifecycleHook) -> None:
        self.bus = bus
        self.webhooks = webhooks

    async def publish(self, interview: InterviewRow, **extra: Any) -> None:
        """`{"interview_id", "status", ...}` to the interview's organisation only."""
        if interview.org_id is None:  # made before organisations existed: nobody's stream
            return
        data = {"interview_id": interview.id, "status": interview.status, **extra}
        await self.bus.publish(org_topic(interview.org_id), event("interview_status", **data))

    async def __call__(
        self, name: str, interview: InterviewRow, report: dict[str, Any] | None = None
    ) -> None:
        extra: dict[str, Any] = {}
        if name == "report.ready" and report is not None:
            extra = {
                "report_ready": True,
                "overall_score": report.get("overall_score"),
                "recommendation": report.get("recommendation"),
            }
        await self.publish(interview, **extra)  # in memory first: the outbox write takes longer
        await self.webhooks(name, interview, report)
