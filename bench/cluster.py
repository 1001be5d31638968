"""Intervox split across processes on this machine, as `docker compose` runs it: API processes
(`intervox api`) and media workers (`intervox worker`) sharing one Redis, one database, one
secret key and one data folder. Used by the failover test and `bench.load`."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx

from api.server import InterviewClient, free_port
from media.webrtc.candidate import CandidatePeer

P = TypeVar("P", bound=CandidatePeer)

START_TIMEOUT_S = 120.0  # a worker loads Whisper, the voices and Smart Turn first


@dataclass
class Process:
    role: str  # "api" or "worker"
    port: int
    popen: subprocess.Popen[bytes]
    log: Path
    worker_id: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """kill -9: no clean shutdown, no lease released, no goodbye to the registry."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


@dataclass
class Cluster:
    """`apis` API processes and `workers` media workers; `env` is every process's settings."""

    env: dict[str, str]
    folder: Path
    apis: list[Process] = field(default_factory=list)
    workers: list[Process] = field(default_factory=list)

    def start(self, apis: int, workers: int) -> Cluster:
        self.workers = [self._spawn("worker", i) for i in range(workers)]
        self.apis = [self._spawn("api", i) for i in range(apis)]
        for group in (self.workers, self.apis):
            for index, process in enumerate(group):
                group[index] = self._healthy(process, index)
        self._wait_announced()
        return self

    def _healthy(self, process: Process, index: int) -> Process:
        """The process once /health answers; started again on another port when the free port
        it was given was taken by someone else before it could bind it."""
        for _ in range(3):
            try:
                process.worker_id = self._wait_healthy(process)
                return process
            except RuntimeError as exc:
                if "address already in use" not in str(exc):
                    raise
                process = self._spawn(process.role, index)
        raise RuntimeError(f"{process.role}: no free port after three tries")

    def _wait_announced(self) -> None:
        """Every worker in the registry API processes read (it announces once its models are in)."""
        import redis

        wanted = {w.worker_id for w in self.workers}
        deadline = time.monotonic() + 30
        with redis.Redis.from_url(self.env["INTERVOX_REDIS_URL"]) as client:
            while time.monotonic() < deadline:
                keys = {k.decode().rsplit(":", 1)[-1] for k in client.scan_iter(match="intervox:worker:*")}
                if wanted <= keys:
                    return
                time.sleep(0.2)
        raise RuntimeError(f"workers {wanted} not announced in Redis")

    def _spawn(self, role: str, index: int) -> Process:
        port = free_port()
        log = self.folder / f"{role}-{index}.log"
        popen = subprocess.Popen(
            [sys.executable, "-m", "api.cli", role, "--port", str(port)],
            env={**os.environ, **self.env},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        return Process(role, port, popen, log)

    def _wait_healthy(self, process: Process) -> str:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                raise RuntimeError(f"{process.role} exited: {process.log.read_text()[-3000:]}")
            try:
                health = httpx.get(process.url + "/health", timeout=2).json()
                if health["components"]["stt"] in ("ok", "on workers"):
                    return str(health["worker_id"])
            except (httpx.HTTPError, ValueError, KeyError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{process.role} on {process.port} not healthy after {START_TIMEOUT_S} s")

    def replace_killed(self) -> None:
        """A new worker for each one that was killed (as an orchestrator restarts a container)."""
        for index, process in enumerate(self.workers):
            if process.popen.poll() is not None:
                self.workers[index] = self._healthy(self._spawn("worker", len(self.workers) + index), index)
        self._wait_announced()

    def worker(self, worker_id: str) -> Process:
        return next(w for w in self.workers if w.worker_id == worker_id)

    def stop(self) -> None:
        for process in self.apis + self.workers:
            process.stop()


def cluster_env(database_url: str, redis_url: str, folder: Path, **extra: str) -> dict[str, str]:
    """The settings every process of one deployment shares."""
    return {
        "INTERVOX_DATABASE_URL": database_url,
        "INTERVOX_REDIS_URL": redis_url,
        "INTERVOX_SECRET_KEY": "one key for the whole deployment",
        "INTERVOX_DATA_DIR": str(folder / "data"),
        "INTERVOX_HOST": "127.0.0.1",
        "INTERVOX_LOG_LEVEL": "warning",
        **extra,
    }


async def silent_for(peer: CandidatePeer, seconds: float, timeout: float | None = 30) -> None:
    """What a room notices when its worker dies: nothing arrives any more (the interviewer's
    track sends a frame every 20 ms, silence included, while the worker lives)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while deadline is None or time.monotonic() < deadline:
        if peer.heard and time.monotonic() - peer.heard[-1].ts > seconds:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("the interviewer's audio never stopped")


async def rejoin(
    client: InterviewClient, interview: dict, make_peer: Callable[[], P], timeout: float = 20
) -> P:
    """Offer again until a worker answers: 503 while no worker is free, 409 while a live
    worker holds the interview (a new connection then replaces the old one there)."""
    deadline = time.monotonic() + timeout
    while True:
        peer = make_peer()
        try:
            await peer.connect(client.signal(interview["id"], interview["join_token"]))
            return peer
        except httpx.HTTPStatusError as exc:
            await peer.close()
            if exc.response.status_code not in (409, 503) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)
