"""Running the app inside an existing event loop (demo, tests, benchmarks), and a
small HTTP client for it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from api.runtime import Runtime
from api.settings import Settings
from media.webrtc.candidate import Signal


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningServer:
    base_url: str
    app: FastAPI

    @property
    def runtime(self) -> Runtime:
        return self.app.state.runtime


@asynccontextmanager
async def running_server(settings: Settings) -> AsyncIterator[RunningServer]:
    """Start uvicorn in this event loop on loopback: on `settings.port` when it was given, else on
    a free port, bound here first so no other process can take it in between (the settings the
    app gets carry the port, so a worker announces where it really listens)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", settings.port if "port" in settings.model_fields_set else 0))
    port = int(sock.getsockname()[1])
    app = create_app(settings.model_copy(update={"port": port, "host": "127.0.0.1"}))
    ws_max = settings.limits.max_ws_message_bytes
    config = uvicorn.Config(app, log_level="warning", ws_max_size=ws_max)
    server = uvicorn.Server(config)
    task = asyncio.ensure_future(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()  # raises the start-up error
        await asyncio.sleep(0.05)
    try:
        yield RunningServer(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        await task


class InterviewClient:
    """The candidate's and recruiter's HTTP calls, as a test or the demo makes them.
    `recruiter` is the recruiter's access token (see `login`)."""

    def __init__(self, base_url: str, recruiter: str = "") -> None:
        self.base_url = base_url
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30)
        self.recruiter = recruiter

    async def login(self, email: str, password: str) -> str:
        response = await self.http.post("/api/v1/auth/login", json={"email": email, "password": password})
        response.raise_for_status()
        self.recruiter = str(response.json()["access_token"])
        return self.recruiter

    async def create(self, **body: Any) -> dict[str, Any]:
        body.setdefault("role", "Backend Engineer")
        response = await self.post("/api/v1/interviews", self.recruiter, body)
        response.raise_for_status()
        return response.json()

    async def consent(self, interview_id: str, token: str, camera_analysis: bool = False) -> None:
        """What the room does before joining: the candidate agrees to the recording."""
        body = {"recording": True, "camera_analysis": camera_analysis}
        response = await self.post(f"/api/v1/interviews/{interview_id}/consent", token, body)
        response.raise_for_status()

    def signal(self, interview_id: str, token: str) -> Signal:
        async def post_offer(sdp: str) -> str:
            response = await self.http.post(
                f"/api/v1/interviews/{interview_id}/rtc/offer",
                json={"sdp": sdp, "type": "offer"},
                headers={"Authorization": f"Bearer {token}"},
            )
            response.raise_for_status()
            return str(response.json()["sdp"])

        return post_offer

    async def get(self, path: str, token: str) -> httpx.Response:
        return await self.http.get(path, headers={"Authorization": f"Bearer {token}"})

    async def post(self, path: str, token: str, json: Any = None) -> httpx.Response:
        return await self.http.post(path, json=json, headers={"Authorization": f"Bearer {token}"})

    async def aclose(self) -> None:
        await self.http.aclose()
