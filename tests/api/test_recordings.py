"""Recordings through the API: listed on the interview, served with ranges to its organisation's
recruiters, and gone from disk when the interview is deleted or its retention period ends."""

from __future__ import annotations

import asyncio
import io
import os
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes.recordings import GrowingFileResponse
from core.events import utc_now
from tests.api.conftest import api_settings, assert_error, auth, consent, create, login
from tests.helpers import decode_recording, record_camera, record_tones

OTHER = ("admin@elsewhere.test", "long enough password")


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    settings = api_settings(tmp_path_factory.mktemp("recordings"), retention={"days": 30})
    with TestClient(create_app(settings)) as c:
        c.app.state.runtime.accounts.ensure_admin(*OTHER, "Elsewhere")
        c.recruiter = login(c)  # type: ignore[attr-defined]
        c.other = login(c, *OTHER)  # type: ignore[attr-defined]
        yield c


def recorded(api, *parts: tuple[float, float]) -> dict:
    """An audio interview with a recording part (seconds, start on its clock) per connection."""
    iv = create(api, mode="audio")
    consent(api, iv)
    for seconds, start in parts:
        record_tones(api.app.state.runtime.recordings, iv["id"], seconds, start_s=start)
    return iv


def recording_url(iv: dict, part: int | None = None) -> str:
    url = f"/api/v1/interviews/{iv['id']}/recording"
    return url if part is None else f"{url}?part={part}"


def test_the_interview_lists_its_parts_and_each_part_is_served(api):
    iv = recorded(api, (1.0, 0.04), (2.0, 61.5))
    listed = api.get(f"/api/v1/interviews/{iv['id']}", headers=api.recruiter).json()["recordings"]
    assert [(p["part"], p["start"], p["url"]) for p in listed] == [
        (1, 0.04, recording_url(iv)),
        (2, 61.5, recording_url(iv, 2)),
    ]
    assert [p["duration"] for p in listed] == pytest.approx([1.0, 2.0], abs=0.03)
    assert listed[0]["channels"] == ["candidate", "interviewer"]
    for part, seconds in ((1, 1.0), (2, 2.0)):
        r = api.get(listed[part - 1]["url"], headers=api.recruiter)
        assert r.status_code == 200 and r.headers["content-type"] == "audio/ogg"
        assert r.headers["accept-ranges"] == "bytes" and r.headers["cache-control"] == "no-store"
        assert r.headers["content-disposition"].startswith("inline;")
        samples, rate = decode_recording(r.content)
        assert samples.shape[0] == 2 and samples.shape[1] / rate == pytest.approx(seconds, abs=0.03)
    # the candidate's own view of the interview does not list them
    assert api.get(f"/api/v1/interviews/{iv['id']}", headers=auth(iv)).json()["recordings"] is None
    assert api.get("/api/v1/interviews", headers=api.recruiter).json()["items"][0]["recordings"] is None


def test_range_requests_let_a_player_seek(api):
    iv = recorded(api, (1.0, 0.0))
    whole = api.get(recording_url(iv), headers=api.recruiter).content
    r = api.get(recording_url(iv), headers=api.recruiter | {"Range": "bytes=0-99"})
    assert r.status_code == 206 and r.headers["content-range"] == f"bytes 0-99/{len(whole)}"
    assert r.content == whole[:100] and r.content.startswith(b"OggS")
    tail = api.get(recording_url(iv), headers=api.recruiter | {"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == whole[-50:]
    # an <audio> element cannot send headers: the access token may come as ?token=
    token = api.recruiter["Authorization"].removeprefix("Bearer ")
    assert api.get(recording_url(iv), params={"token": token}).content == whole
    past = api.get(recording_url(iv), headers=api.recruiter | {"Range": f"bytes={len(whole)}-"})
    assert_error(past, 416, "RANGE_NOT_SATISFIABLE")
    assert past.headers["content-range"] == f"bytes */{len(whole)}"
    assert_error(
        api.get(recording_url(iv), headers=api.recruiter | {"Range": "lines=1-2"}), 400, "INVALID_RANGE"
    )


def test_no_recording_no_part_another_organisation_and_the_candidate_are_refused(api):
    none = create(api, mode="audio")
    error = assert_error(api.get(recording_url(none), headers=api.recruiter), 404, "RECORDING_NOT_FOUND")
    assert error["details"] == {"id": none["id"], "part": 1, "kind": "audio"}
    iv = recorded(api, (0.5, 0.0))
    assert_error(api.get(recording_url(iv, 2), headers=api.recruiter), 404, "RECORDING_NOT_FOUND")
    assert_error(api.get(recording_url(iv, 0), headers=api.recruiter), 422, "VALIDATION_ERROR")
    assert_error(api.get(recording_url(iv), headers=api.other), 404, "INTERVIEW_NOT_FOUND")
    assert_error(api.get(recording_url(iv), headers=auth(iv)), 403, "FORBIDDEN")
    assert_error(api.get(recording_url(iv)), 401, "UNAUTHORIZED")


def test_deleting_the_interview_deletes_its_recording_from_disk(api):
    iv = recorded(api, (0.5, 0.0), (0.5, 10.0))
    folder = api.app.state.runtime.recordings.folder(iv["id"])
    assert len(os.listdir(folder)) == 4
    assert api.delete(f"/api/v1/interviews/{iv['id']}", headers=api.recruiter).status_code == 204
    assert not folder.exists()
    logged = api.get("/api/v1/audit", params={"action": "interview.delete"}, headers=api.recruiter).json()
    assert iv["id"] in [a["target_id"] for a in logged["items"]]


def test_retention_deletes_the_recording_files_not_only_the_rows(api):
    runtime = api.app.state.runtime
    old, recent = recorded(api, (0.5, 0.0)), recorded(api, (0.5, 0.0))
    video = record_camera(runtime.recordings, old["id"], 0.5)
    for iv in (old, recent):
        runtime.repo.update(iv["id"], status="completed", ended_at=utc_now())
    runtime.repo.update(recent["id"], ended_at=utc_now() + timedelta(days=20))
    runtime.retention.now = lambda: utc_now() + timedelta(days=31)
    try:
        purged = runtime.retention.run_once()
    finally:
        runtime.retention.now = utc_now
    assert old["id"] in purged and recent["id"] not in purged
    assert not video.exists()
    assert not runtime.recordings.folder(old["id"]).exists()
    assert_error(api.get(recording_url(old), headers=api.recruiter), 404, "RECORDING_NOT_FOUND")
    assert api.get(f"/api/v1/interviews/{old['id']}", headers=api.recruiter).json()["recordings"] == []
    assert api.get(recording_url(recent), headers=api.recruiter).status_code == 200


def test_a_file_still_being_written_is_served_as_it_was_when_asked(tmp_path):
    """A live recording grows while it is sent: the body stops at the Content-Length."""
    path = tmp_path / "live.ogg"
    path.write_bytes(b"a" * 100_000)
    response = GrowingFileResponse(path, media_type="audio/ogg", stat_result=os.stat(path))
    path.write_bytes(b"a" * 300_000)  # the recorder wrote more since
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        await asyncio.sleep(10)
        return {"type": "http.disconnect"}

    scope = {"type": "http", "method": "GET", "headers": [], "asgi": {"spec_version": "2.4"}}
    asyncio.run(response(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert len(body) == 100_000 and sent[-1]["more_body"] is False
    assert dict(sent[0]["headers"])[b"content-length"] == b"100000"


def test_the_camera_part_is_listed_and_served_as_webm_with_ranges(api):
    import av

    iv = recorded(api, (1.0, 0.0), (1.0, 30.0))
    record_camera(api.app.state.runtime.recordings, iv["id"], 1.0, part=2)  # the second connection only
    listed = api.get(f"/api/v1/interviews/{iv['id']}", headers=api.recruiter).json()["recordings"]
    video_url = f"{recording_url(iv)}?part=2&kind=video"
    assert [p["video_url"] for p in listed] == [None, video_url]
    r = api.get(video_url, headers=api.recruiter)
    assert r.status_code == 200 and r.headers["content-type"] == "video/webm"
    assert r.headers["content-disposition"] == f'inline; filename="interview-{iv["id"]}-part-2.webm"'
    with av.open(io.BytesIO(r.content)) as container:
        assert container.duration / 1e6 == pytest.approx(1.0, abs=0.01)
        assert sum(1 for _ in container.decode(video=0)) == 5
    part = api.get(video_url, headers=api.recruiter | {"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.content == b"\x1a\x45\xdf\xa3"  # EBML
    assert part.headers["content-range"] == f"bytes 0-3/{len(r.content)}"
    # no camera in part 1, or no such kind: refused like a missing part
    error = assert_error(
        api.get(f"{recording_url(iv)}?part=1&kind=video", headers=api.recruiter), 404, "RECORDING_NOT_FOUND"
    )
    assert error["details"] == {"id": iv["id"], "part": 1, "kind": "video"}
    assert_error(api.get(f"{recording_url(iv)}?kind=face", headers=api.recruiter), 422, "VALIDATION_ERROR")
    assert_error(api.get(video_url, headers=api.other), 404, "INTERVIEW_NOT_FOUND")
    assert_error(api.get(video_url, headers=auth(iv)), 403, "FORBIDDEN")  # never its candidate
