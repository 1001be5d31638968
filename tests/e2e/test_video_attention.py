"""A camera over real WebRTC, analysed by the real Face Landmarker: what was sent is
what the report says."""

import asyncio
from pathlib import Path

import pytest

from media.webrtc.candidate import ImageTrack
from tests.e2e.conftest import EventSocket, join, ws_url
from vision import samples as frames

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"


async def test_camera_frames_become_attention_figures_and_flags(server, client):
    interview = await client.create(role="Backend Engineer", duration_minutes=12, mode="video")
    iid = interview["id"]
    camera = ImageTrack(frames.one_face(), fps=10)
    watching = await EventSocket(ws_url(server.base_url, iid, client.recruiter)).open()  # the recruiter
    peer = await join(client, interview, camera_analysis=True, video=camera)
    await peer.wait_event("speaking", state="started", timeout=30)
    await asyncio.sleep(10)  # a face for ~10 s
    camera.image = frames.no_face()
    await asyncio.sleep(8)  # then an empty room for 8 s
    camera.image = frames.two_faces()
    await asyncio.sleep(6)  # then someone joins for 6 s
    camera.image = frames.one_face()
    seen = len(watching.events)
    update = await watching.wait_for("attention_update", timeout=15, after=seen)
    assert set(update["data"]) >= {"present_share", "looking_at_screen_share", "faces", "flags"}
    assert not any(e["type"] == "attention_update" for e in peer.events)  # never to the candidate
    report = (await client.post(f"/api/v1/interviews/{iid}/end", client.recruiter)).json()
    attention = report["attention"]
    assert attention["video_seconds"] > 18
    assert 0.5 < attention["present_share"] < 0.85  # ~8 of ~26 s had no face
    kinds = {f["type"]: f for f in attention["flags"]}
    assert set(kinds) == {"face_absent", "second_face"}
    absent, second = kinds["face_absent"], kinds["second_face"]
    assert 6 <= absent["end"] - absent["start"] <= 10 and 4 <= second["end"] - second["start"] <= 8
    assert absent["end"] <= second["start"] + 1.0  # in the order they happened
    assert report["scores"]["attention_in_overall"] is False
    png = await client.get(f"/api/v1/interviews/{iid}/attention.png", client.recruiter)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "attention-timeline.png").write_bytes(png.content)
    await peer.close()
    await watching.close()
