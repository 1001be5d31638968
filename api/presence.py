"""A media worker's heartbeat: announced in the worker registry (store/workers.py) every
`INTERVOX_WORKER__HEARTBEAT_S` with how many interviews it drives, so API processes send it
candidates while it lives and stop the moment it does not."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Callable

from store.workers import WorkerInfo, WorkerRegistry

log = logging.getLogger(__name__)
MISSED_BEATS = 3  # an announcement outlives this many heartbeats


def advertise_url(configured: str, host: str, port: int) -> str:
    """Where API processes reach this worker: the configured URL, or this host's address on
    `port` (its own hostname's address when listening on every interface, as in a container)."""
    if configured:
        return configured.rstrip("/")
    if host in ("0.0.0.0", "::", ""):
        try:
            host = socket.gethostbyname(socket.gethostname())
        except OSError:
            host = "127.0.0.1"
    return f"http://{host}:{port}"


async def announce_forever(
    registry: WorkerRegistry, worker_id: str, url: str, every_s: float, load: Callable[[], int]
) -> None:
    """Announce until cancelled, then withdraw (a clean stop frees the worker at once)."""
    try:
        while True:
            info = WorkerInfo(worker_id, url, load(), time.time())
            try:
                await registry.announce(info, every_s * MISSED_BEATS)
            except Exception as exc:  # Redis away for a moment: the next beat tries again
                log.warning("worker %s not announced: %s", worker_id, exc)
            await asyncio.sleep(every_s)
    finally:
        with contextlib.suppress(Exception):
            await asyncio.shield(registry.withdraw(worker_id))
