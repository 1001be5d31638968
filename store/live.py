"""Live session state any process can read: who drives an interview, its phase, the current
question and the time left. The driving worker writes a snapshot whenever one of these
changes; it lives a little longer than the lease, so a stale one disappears with its worker.

`InProcessLiveState` is the default; `store.redis_live.RedisLiveState` is shared by every
process on one Redis (`INTERVOX_REDIS_URL`)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class LiveSnapshot:
    """An interview as its driving worker sees it now."""

    interview_id: str
    worker_id: str
    status: str
    phase: str
    question_id: str | None
    question_index: int
    time_remaining_s: float
    updated_at: float  # unix time of the snapshot

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LiveSnapshot:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


class LiveState(Protocol):
    async def put(self, snapshot: LiveSnapshot, ttl_s: float) -> None:
        """Replace the interview's snapshot; it is forgotten `ttl_s` after this put."""
        ...

    async def get(self, interview_id: str) -> LiveSnapshot | None: ...

    async def forget(self, interview_id: str) -> None: ...


class InProcessLiveState:
    """Snapshots of this process's interviews (the default)."""

    def __init__(self) -> None:
        self._snapshots: dict[str, tuple[LiveSnapshot, float]] = {}

    async def put(self, snapshot: LiveSnapshot, ttl_s: float) -> None:
        self._snapshots[snapshot.interview_id] = (snapshot, time.monotonic() + ttl_s)

    async def get(self, interview_id: str) -> LiveSnapshot | None:
        found = self._snapshots.get(interview_id)
        if found is None:
            return None
        if found[1] <= time.monotonic():
            del self._snapshots[interview_id]
            return None
        return found[0]

    async def forget(self, interview_id: str) -> None:
        self._snapshots.pop(interview_id, None)
