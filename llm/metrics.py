"""Counters and latencies of one LLM client, cheap enough to read on every turn."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class LlmMetrics:
    """Calls, failures by kind and the latest latencies (ms) of one client."""

    calls: int = 0
    stream_calls: int = 0
    json_calls: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    json_object_fallbacks: int = 0
    last_latency_ms: float | None = None
    last_first_token_ms: float | None = None

    @property
    def failed(self) -> int:
        """All failures, whatever their kind."""
        return sum(self.failures.values())

    def count_failure(self, kind: str) -> None:
        """Count one failure of this kind (`timeout`, `unavailable`, `invalid_output`)."""
        self.failures[kind] = self.failures.get(kind, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, for a metrics endpoint or a log line."""
        return asdict(self) | {"failed": self.failed}
