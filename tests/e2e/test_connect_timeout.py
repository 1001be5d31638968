"""An offer whose media never connects: the interview does not start, and the server
closes the connection after INTERVOX_WEBRTC__CONNECT_TIMEOUT_S."""

from __future__ import annotations

import asyncio

import pytest
from aiortc import RTCPeerConnection

from api.server import running_server
from media.webrtc.tracks import PacedAudioTrack
from media.webrtc.transport import WebRtcTransport
from tests.e2e.conftest import e2e_settings, join, recruiter_client, state_of, transcript_of

pytestmark = pytest.mark.slow


async def test_an_abandoned_offer_is_closed_and_the_interview_stays_scheduled(tmp_path):
    async with running_server(e2e_settings(tmp_path, webrtc={"connect_timeout_s": 2})) as server:
        client = await recruiter_client(server.base_url)
        interview = await client.create(role="Backend Engineer", duration_minutes=8, mode="audio")
        iid, token = interview["id"], interview["join_token"]
        url = f"/api/v1/interviews/{iid}/rtc/offer"

        # a real offer, from a peer that never applies the answer (the tab was closed)
        pc = RTCPeerConnection()
        pc.addTransceiver(PacedAudioTrack(lambda: None), direction="sendrecv")
        pc.createDataChannel("events")
        await pc.setLocalDescription(await pc.createOffer())
        offer = {"sdp": pc.localDescription.sdp, "type": "offer"}

        refused = await client.post(url, token, offer)  # no consent yet
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "CONSENT_REQUIRED"
        await client.consent(iid, token)
        answered = await client.post(url, token, offer)
        assert answered.status_code == 200 and "m=audio" in answered.json()["sdp"]
        agent = server.runtime.agent(iid)
        assert agent is not None
        state = await state_of(client, iid)
        assert state["status"] == "scheduled"  # the interview starts when media flows

        await asyncio.sleep(3.0)
        assert server.runtime.agent(iid) is None
        assert isinstance(agent.transport, WebRtcTransport)
        assert agent.transport.closed.is_set() and agent.transport.pc.connectionState == "closed"
        state = await state_of(client, iid)
        assert state["status"] == "scheduled" and state["started_at"] is None
        assert await transcript_of(client, iid) == []
        await pc.close()

        # the candidate comes back and joins properly: the interview starts then
        peer = await join(client, interview)
        await peer.wait_event("question", id="q1", timeout=20)
        state = await state_of(client, iid)
        assert state["status"] == "in_progress"
        await peer.close()
        await client.aclose()
