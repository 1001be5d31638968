"""A candidate who says nothing gets a gentle prompt, then the next question."""

import pytest

from api.server import running_server
from tests.e2e.conftest import e2e_settings, join, recruiter_client, transcript_of

pytestmark = pytest.mark.slow


async def test_silence_prompts_then_moves_on(tmp_path):
    settings = e2e_settings(tmp_path, silence_prompt_s=2.0, silence_skip_s=5.0)
    async with running_server(settings) as server:
        client = await recruiter_client(server.base_url)
        interview = await client.create(role="Backend Engineer", duration_minutes=12)
        peer = await join(client, interview)
        moved = await peer.wait_event("question", id="q2", timeout=60)
        assert moved["data"]["index"] == 2
        await peer.wait_event("speaking", state="stopped", timeout=30, after=peer.events.index(moved))
        segments = await transcript_of(client, interview["id"])
        kinds = [(s["speaker"], s["kind"]) for s in segments]
        assert kinds == [("interviewer", "question"), ("interviewer", "prompt"), ("interviewer", "question")]
        assert segments[1]["text"].startswith("Take your time")
        assert segments[2]["text"].startswith("Let's move on.")
        await peer.close()
        await client.aclose()
