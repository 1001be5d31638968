"""An API process (`intervox api`) picks the worker for a spoken interview: the live holder of
its lease, else the least busy live worker, skipping one it cannot reach; 503 when none runs.
The split roles refuse to start without Redis. (The whole path, with real processes and kill -9,
is tests/e2e/test_failover.py; a phone call relayed through an API process is
tests/e2e/test_split_processes.py.)"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from fastapi import Request

from api.forward import WorkerRouter
from api.server import free_port
from api.settings import Settings
from core.errors import NoWorkerAvailable
from store.backends import make_backends
from store.workers import WorkerInfo


def router_with():  # type: ignore[no-untyped-def]
    backends = make_backends()
    return backends, WorkerRouter(backends.workers, backends.leases, 1 << 20)


async def announce(backends, *workers: WorkerInfo) -> None:  # type: ignore[no-untyped-def]
    for w in workers:
        await backends.workers.announce(w, 5)


async def test_the_holder_keeps_its_interview_and_others_go_to_the_least_busy_worker():
    now = time.time()
    a, b = WorkerInfo("a", "http://a", 0, now), WorkerInfo("b", "http://b", 2, now)
    backends, router = router_with()
    await announce(backends, a, b)
    assert (await router.worker_for("new")).worker_id == "a"
    lease = await backends.leases.acquire("held", "b", 5)
    assert lease is not None
    assert (await router.worker_for("held")).worker_id == "b"  # busier, but it drives this one
    await backends.workers.withdraw("b")  # b is gone (its lease still runs): another takes it
    assert (await router.worker_for("held")).worker_id == "a"
    await backends.workers.withdraw("a")
    with pytest.raises(NoWorkerAvailable) as none:
        await router.worker_for("held")
    assert none.value.status == 503 and none.value.code == "NO_WORKER_AVAILABLE"


def request_for(path: str, body: bytes) -> Request:
    async def receive():  # type: ignore[no-untyped-def]
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"authorization", b"Bearer join-token"), (b"content-type", b"application/json")],
        "client": ("203.0.113.9", 5000),
    }
    return Request(scope, receive)


async def test_a_worker_that_cannot_be_reached_is_skipped_then_503():
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    backends, router = router_with()
    await announce(backends, WorkerInfo("dead", closed, 0, time.time()))
    with pytest.raises(NoWorkerAvailable):
        await router.forward(request_for("/api/v1/interviews/x/rtc/offer", b"{}"), "x")
    await router.close()


@pytest.mark.parametrize("role", ["api", "worker"])
def test_the_split_roles_need_redis(role, monkeypatch):
    monkeypatch.delenv("INTERVOX_REDIS_URL", raising=False)
    with pytest.raises(ValueError, match="needs INTERVOX_REDIS_URL"):
        Settings(role=role)
    assert Settings(role=role, redis_url="redis://127.0.0.1:1/0").role == role
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", role, "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )
    assert done.returncode != 0
    assert f"intervox {role}: the {role} role needs INTERVOX_REDIS_URL" in done.stderr


async def test_candidates_arriving_together_spread_over_the_workers():
    """Announced loads lag a heartbeat behind: the interviews this process just sent count too."""
    now = time.time()
    backends, router = router_with()
    await announce(backends, WorkerInfo("a", "http://a", 0, now), WorkerInfo("b", "http://b", 0, now))
    chosen = [(await router.worker_for(f"i{n}")).worker_id for n in range(4)]
    assert sorted(chosen) == ["a", "a", "b", "b"]
    # a's next beat counts its two and one another API process sent it; b's two still count
    await announce(backends, WorkerInfo("a", "http://a", 3, time.time() + 0.01))
    assert (await router.worker_for("i5")).worker_id == "b"
