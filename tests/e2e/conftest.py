"""A real server (uvicorn, in this event loop) and a real aiortc candidate."""

from __future__ import annotations

import numpy as np
import pytest

from api.server import InterviewClient, running_server
from api.settings import Settings, TtsSettings, TurnSettings
from core.audio import SAMPLE_RATE
from media.webrtc.candidate import CandidatePeer

pytestmark = pytest.mark.slow


def e2e_settings(tmp_path, **turns) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path}/e2e.db",
        tts=TtsSettings(rate_wpm=230),  # shorter questions, shorter tests
        turns=TurnSettings(**turns),
    )


@pytest.fixture
async def server(tmp_path):
    async with running_server(e2e_settings(tmp_path)) as srv:
        yield srv


@pytest.fixture
async def client(server):
    c = InterviewClient(server.base_url)
    yield c
    await c.aclose()


async def join(client: InterviewClient, interview: dict) -> CandidatePeer:
    peer = CandidatePeer()
    await peer.connect(client.signal(interview["id"], interview["join_token"]))
    return peer


async def wait_listening(peer: CandidatePeer, after: int = 0, timeout: float = 60) -> int:
    """Wait until the interviewer finishes speaking; returns the next event index."""
    ev = await peer.wait_event("speaking", timeout=timeout, after=after, state="stopped")
    return peer.events.index(ev) + 1


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.int16)
