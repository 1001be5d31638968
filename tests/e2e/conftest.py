"""A real server (uvicorn, in this event loop) and a real aiortc candidate."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import numpy as np
import pytest
import websockets
from aiortc.mediastreams import MediaStreamTrack

from api.server import InterviewClient, running_server
from api.settings import Settings, TtsSettings, TurnSettings, WebRtcSettings
from core.audio import SAMPLE_RATE
from core.events import RECRUITER_ONLY_FIELDS
from media.webrtc.candidate import CandidatePeer

pytestmark = pytest.mark.slow

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@e2e.example", "e2e-admin-password"
RECRUITER_ONLY_EVENTS = frozenset({"score_update", "attention_update", "metrics"})


def e2e_settings(tmp_path, webrtc: dict[str, Any] | None = None, **turns) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path}/e2e.db",
        admin_email=ADMIN_EMAIL,
        admin_password=ADMIN_PASSWORD,
        tts=TtsSettings(rate_wpm=230),  # shorter questions, shorter tests
        turns=TurnSettings(**turns),
        webrtc=WebRtcSettings(**(webrtc or {})),
    )


@pytest.fixture
async def server(tmp_path):
    async with running_server(e2e_settings(tmp_path)) as srv:
        yield srv


async def recruiter_client(base_url: str) -> InterviewClient:
    """A client signed in as the admin: creates interviews and reads their results."""
    c = InterviewClient(base_url)
    await c.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    return c


@pytest.fixture
async def client(server):
    c = await recruiter_client(server.base_url)
    yield c
    await c.aclose()


class Candidate(CandidatePeer):
    """A candidate that keeps its `events` data channel, to send what the room sends."""

    def __init__(self, video: MediaStreamTrack | None = None) -> None:
        super().__init__(video=video, open_events=False)
        self.channel = self.pc.createDataChannel("events")
        self.channel.on("message", self._on_event)

    def send(self, type_: str, **data: Any) -> None:
        self.channel.send(json.dumps({"type": type_, "data": data}))


async def join(
    client: InterviewClient,
    interview: dict,
    camera_analysis: bool = False,
    video: MediaStreamTrack | None = None,
) -> Candidate:
    """What the room does: consent, then a WebRTC offer."""
    await client.consent(interview["id"], interview["join_token"], camera_analysis)
    peer = Candidate(video)
    await peer.connect(client.signal(interview["id"], interview["join_token"]))
    return peer


async def wait_listening(peer: CandidatePeer, after: int = 0, timeout: float = 60) -> int:
    """Wait until the interviewer finishes speaking; returns the next event index."""
    ev = await peer.wait_event("speaking", timeout=timeout, after=after, state="stopped")
    return peer.events.index(ev) + 1


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.int16)


def ws_url(base_url: str, interview_id: str, token: str) -> str:
    return base_url.replace("http://", "ws://") + f"/api/v1/ws/interviews/{interview_id}?token={token}"


class EventSocket:
    """Every event of an interview's WebSocket, collected in the background."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.events: list[dict] = []
        self._task: asyncio.Task[None] | None = None
        self._ws: Any = None
        self.close_code: int | None = None

    async def open(self) -> EventSocket:
        self._ws = await websockets.connect(self.url)
        self._task = asyncio.ensure_future(self._collect())
        return self

    async def _collect(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self._ws:
                self.events.append(json.loads(raw))
        self.close_code = self._ws.close_code

    async def send(self, message: dict) -> None:
        await self._ws.send(json.dumps(message))

    async def wait_for(self, type_: str, timeout: float = 30, after: int = 0, **data_match: object) -> dict:
        """The first event of `type_` (index >= `after`) whose data contains `data_match`."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for ev in self.events[after:]:
                data = ev.get("data", {})
                if ev["type"] == type_ and all(data.get(k) == v for k, v in data_match.items()):
                    return ev
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"no {type_} event on {self.url}")
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        await self._ws.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, 5)


def recruiter_only_keys(value: Any, path: str = "data") -> list[str]:
    """Every key anywhere in `value` (nested dicts and lists) a candidate must never see."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in RECRUITER_ONLY_FIELDS:
                found.append(f"{path}.{key}")
            found += recruiter_only_keys(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found += recruiter_only_keys(inner, f"{path}[{i}]")
    return found


def assert_candidate_safe(events: list[dict], channel: str) -> None:
    """No recruiter-only event and no recruiter-only field in anything a candidate received."""
    assert events, f"the {channel} received nothing"
    leaked = [e["type"] for e in events if e["type"] in RECRUITER_ONLY_EVENTS]
    assert not leaked, f"the {channel} received {leaked}"
    for e in events:
        keys = recruiter_only_keys(e.get("data", {}))
        assert not keys, f"the {channel}'s {e['type']} event carried {keys}"


async def transcript_of(client: InterviewClient, interview_id: str) -> list[dict]:
    """The stored transcript, read as the recruiter."""
    response = await client.get(f"/api/v1/interviews/{interview_id}/transcript", client.recruiter)
    response.raise_for_status()
    return list(response.json()["segments"])


async def state_of(client: InterviewClient, interview_id: str) -> dict:
    """The interview as the recruiter sees it."""
    response = await client.get(f"/api/v1/interviews/{interview_id}", client.recruiter)
    response.raise_for_status()
    return dict(response.json())


async def report_of(client: InterviewClient, interview_id: str) -> dict:
    response = await client.get(f"/api/v1/interviews/{interview_id}/report", client.recruiter)
    response.raise_for_status()
    return dict(response.json())
