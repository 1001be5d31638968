"""The retention job: past INTERVOX_RETENTION__DAYS, an interview's transcript, event log,
attention samples and recording files are deleted; what stays is the interview row (who, which
role, when, status) and a summary of its report (scores, recommendation, per-question scores,
integrity flags' times), so hiring decisions stay explainable without the candidate's words."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core.events import utc_now
from store.retention import RetentionRepository

log = logging.getLogger(__name__)

# Keys anywhere in a report that hold the candidate's own words.
VERBATIM_KEYS = frozenset({"answer", "quote", "evidence", "star_parts", "candidate_feedback"})

# Deletes an interview's recording files (the runtime passes its recordings' `delete`).
RecordingsHook = Callable[[str], object]


def summary(report: dict[str, Any], purged_at: datetime | None = None) -> dict[str, Any]:
    """The report without the candidate's words (answers, quotes, evidence)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in VERBATIM_KEYS}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    kept: dict[str, Any] = strip(report)
    kept["retention"] = {
        "purged_at": (purged_at or utc_now()).isoformat(),
        "removed": [
            "transcript",
            "answers and quotes",
            "attention samples",
            "recordings",
            "code versions, runs and integrity events",
        ],
    }
    return kept


@dataclass
class RetentionJob:
    repo: RetentionRepository
    days: int  # 0: keep forever
    recordings_hooks: list[RecordingsHook] = field(default_factory=list)
    now: Callable[[], datetime] = utc_now

    def run_once(self) -> list[str]:
        """Purge every interview past the period; the ids purged (blocking: run it in a thread)."""
        if self.days <= 0:
            return []
        now = self.now()
        purged: list[str] = []
        while batch := self.repo.due(now - timedelta(days=self.days)):
            for interview_id in batch:
                for delete_recordings in self.recordings_hooks:
                    delete_recordings(interview_id)  # files first: a failure leaves the rows to retry
                self.repo.purge(interview_id, now, lambda report: summary(report, now))
                purged.append(interview_id)
        if purged:
            log.info("retention: purged the recorded data of %d interview(s)", len(purged))
        return purged

    async def run(self, every_s: float) -> None:
        """Every `every_s` seconds until cancelled (the first round at start)."""
        while True:
            try:
                await asyncio.to_thread(self.run_once)
            except Exception:
                log.exception("retention round failed")
            await asyncio.sleep(every_s)
