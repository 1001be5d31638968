"""The bounded queue in front of the sandbox, like the transcription worker's: at most
`concurrency` runs at once (each a process at a low CPU priority), at most `max_queued`
waiting, one run per interview at a time. A full queue answers at once (503 ENGINE_BUSY,
retryable) instead of letting latency grow, so ten candidates pressing Run together
cannot take the cores the interviews' audio needs."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from coding.sandbox import CodeRunner, SandboxJob, SandboxOutcome
from core.errors import Conflict, EngineBusy


class RunnerBusy(EngineBusy):
    """Every sandbox slot is taken and the queue is full."""

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "2"}


class RunInProgress(Conflict):
    code = "RUN_IN_PROGRESS"


class RunQueue:
    """Blocking runs on their own threads; callers await them."""

    def __init__(self, runner: CodeRunner, concurrency: int = 2, max_queued: int = 32) -> None:
        self.runner = runner
        self.concurrency = concurrency
        self.max_queued = max_queued
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="sandbox")
        self._lock = threading.Lock()
        self._pending = 0  # queued or running
        self._keys: set[str] = set()
        self.completed = 0

    @property
    def pending(self) -> int:
        return self._pending

    async def run(self, job: SandboxJob, key: str | None = None, urgent: bool = False) -> SandboxOutcome:
        """Run `job` when a slot frees. `key` (an interview) may have one run at a time;
        `urgent` jobs (grading at the end of an interview) wait instead of being refused."""
        self._admit(key, urgent)
        try:
            return await asyncio.wrap_future(self._pool.submit(self.runner.run, job))
        finally:
            with self._lock:
                self._pending -= 1
                self.completed += 1
                if key is not None:
                    self._keys.discard(key)

    async def run_many(self, jobs: list[SandboxJob], urgent: bool = False) -> list[SandboxOutcome]:
        return list(await asyncio.gather(*(self.run(job, urgent=urgent) for job in jobs)))

    def _admit(self, key: str | None, urgent: bool) -> None:
        with self._lock:
            if key is not None and key in self._keys:
                raise RunInProgress("a run of this interview is already under way; wait for its result")
            if not urgent and self._pending >= self.concurrency + self.max_queued:
                raise RunnerBusy(
                    "the code runner is busy; try again in a few seconds",
                    {"pending": self._pending, "concurrency": self.concurrency},
                )
            self._pending += 1
            if key is not None:
                self._keys.add(key)

    def stats(self) -> dict[str, Any]:
        return {"pending": self._pending, "concurrency": self.concurrency, "completed": self.completed}

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
