"""The HTTP and WebSocket contract of API.md (chat mode drives a whole interview)."""

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.app import create_app
from tests.api.conftest import api_settings, assert_error, auth, consent, create, login

GOOD_ANSWER = (
    "I have five years of experience as a backend developer. I work on payment APIs and I enjoy it "
    "because clear interfaces help teams. On the project I implemented the retries and studied the "
    "failure modes carefully so the service stayed reliable for our customers every single day."
)


def test_health_reports_components(client):
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["components"]["db"] == "ok" and body["components"]["stt"] == "ok"
    assert body["components"]["tts"] == "ok"


def test_create_returns_the_api_shape(client):
    iv = create(client, level="senior", skills=["Python"], duration_minutes=12, candidate_name="Ada")
    assert iv["status"] == "scheduled" and iv["join_token"]
    assert iv["join_url"] == f"http://testserver/interview/{iv['id']}?token={iv['join_token']}"
    for headers in (auth(iv), client.recruiter):  # the candidate's link and the recruiter both read it
        got = client.get(f"/api/v1/interviews/{iv['id']}", headers=headers).json()
        assert got["status"] == "scheduled" and got["phase"] == "intro" and got["current_question"] is None
        assert "join_token" not in got


def test_validation_errors_name_the_fields(client):
    err = assert_error(
        client.post("/api/v1/interviews", json={"level": "guru"}, headers=client.recruiter),
        422,
        "VALIDATION_ERROR",
    )
    fields = {f["field"] for f in err["details"]["fields"]}
    assert {"body.role", "body.level"} <= fields
    assert_error(
        client.post(
            "/api/v1/interviews",
            content=b"{not json",
            headers={"content-type": "application/json", **client.recruiter},
        ),
        422,
        "VALIDATION_ERROR",
    )


def test_unknown_interview_and_bad_tokens(client):
    iv = create(client)
    assert_error(client.get("/api/v1/interviews/nope?token=x"), 404, "INTERVIEW_NOT_FOUND")
    assert_error(client.get(f"/api/v1/interviews/{iv['id']}"), 401, "UNAUTHORIZED")
    assert_error(client.get(f"/api/v1/interviews/{iv['id']}?token=wrong"), 403, "FORBIDDEN")
    other = create(client)
    assert_error(client.get(f"/api/v1/interviews/{iv['id']}", headers=auth(other)), 403, "FORBIDDEN")
    assert client.get(f"/api/v1/interviews/{iv['id']}?token={iv['join_token']}").status_code == 200
    assert_error(client.get("/api/v1/nothing-here"), 404, "NOT_FOUND")


def test_report_is_not_ready_before_the_end(client):
    iv = create(client)
    url = f"/api/v1/interviews/{iv['id']}/report"
    assert_error(client.get(url, headers=client.recruiter), 404, "REPORT_NOT_READY")


def test_malformed_sdp_is_a_400_and_the_interview_goes_on(client):
    iv = create(client, mode="audio")
    offer = f"/api/v1/interviews/{iv['id']}/rtc/offer"
    consent(client, iv)
    for sdp in ["garbage", "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"]:
        r = client.post(offer, json={"sdp": sdp, "type": "offer"}, headers=auth(iv))
        assert_error(r, 400, "INVALID_SDP")
    r = client.post(offer, json={"sdp": "x", "type": "answer"}, headers=auth(iv))
    assert_error(r, 400, "INVALID_SDP")
    assert client.get(f"/api/v1/interviews/{iv['id']}", headers=auth(iv)).json()["status"] == "scheduled"


def test_no_media_before_consent_and_no_media_for_chat(client):
    iv = create(client, mode="audio")
    offer = f"/api/v1/interviews/{iv['id']}/rtc/offer"
    sdp = {"sdp": "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", "type": "offer"}
    assert_error(client.post(offer, json=sdp, headers=auth(iv)), 403, "CONSENT_REQUIRED")
    chat = create(client, mode="chat")
    consent(client, chat)
    assert_error(
        client.post(f"/api/v1/interviews/{chat['id']}/rtc/offer", json=sdp, headers=auth(chat)),
        409,
        "MODE_MISMATCH",
    )


def test_a_whole_chat_interview_produces_transcript_and_report(client):
    iv = create(client, duration_minutes=8, candidate_name="Sam", mode="chat")  # two questions
    url = f"/api/v1/interviews/{iv['id']}"
    first = client.post(f"{url}/messages", json={"text": "Hello, I'm ready."}, headers=auth(iv)).json()
    assert first["reply"].startswith("Hi Sam.") and first["question_id"] == "q1"
    current = client.get(url, headers=auth(iv)).json()
    assert current["status"] == "in_progress" and current["current_question"]["id"] == "q1"
    second = client.post(f"{url}/messages", json={"text": GOOD_ANSWER}, headers=auth(iv)).json()
    assert second["question_id"] == "q2"
    reply = client.post(f"{url}/messages", json={"text": "Maybe, I guess, kind of."}, headers=auth(iv)).json()
    assert reply["kind"] == "followup"
    last = client.post(f"{url}/messages", json={"text": "I don't know."}, headers=auth(iv)).json()
    assert last["kind"] == "closing" and last["status"] == "completed"
    assert "report" not in last and "score" not in str(last)  # the candidate never sees scores
    assert client.app.state.runtime.cached_session(iv["id"]) is None  # finished: evicted from memory
    assert_error(client.get(f"{url}/report", headers=auth(iv)), 403, "FORBIDDEN")
    report = client.get(f"{url}/report", headers=client.recruiter).json()
    assert report["interview_id"] == iv["id"] and report["status"] == "completed"
    assert 0 <= report["overall_score"] <= 100
    assert report["recommendation"] in {"strong_hire", "hire", "maybe", "no_hire"}
    assert [q["id"] for q in report["questions"]] == ["q1", "q2"]
    assert report["questions"][0]["answer"] == GOOD_ANSWER and report["questions"][0]["score"] > 5
    assert report["attention"] is None and "words_per_minute" in report["communication"]
    assert_error(client.get(f"{url}/transcript", headers=auth(iv)), 403, "FORBIDDEN")
    segments = client.get(f"{url}/transcript", headers=client.recruiter).json()["segments"]
    assert [s["speaker"] for s in segments] == ["interviewer", "candidate"] * 3 + ["interviewer"]
    assert all({"speaker", "text", "start", "end", "question_id"} <= set(s) for s in segments)
    assert_error(
        client.post(f"{url}/messages", json={"text": "more"}, headers=auth(iv)), 409, "INTERVIEW_ENDED"
    )


def test_typed_answers_are_refused_in_spoken_interviews(client):
    for mode in ("video", "audio", "phone"):
        iv = create(client, mode=mode)
        r = client.post(
            f"/api/v1/interviews/{iv['id']}/messages", json={"text": "SQL index API"}, headers=auth(iv)
        )
        assert_error(r, 409, "MODE_MISMATCH")
        assert client.get(f"/api/v1/interviews/{iv['id']}", headers=auth(iv)).json()["status"] == "scheduled"
        events = client.get(f"/api/v1/interviews/{iv['id']}/events", headers=client.recruiter).json()[
            "events"
        ]
        assert not [e for e in events if e["type"] == "score_update"]


def test_end_returns_the_report_to_recruiters_only(client):
    iv = create(client, mode="chat")
    url = f"/api/v1/interviews/{iv['id']}"
    assert_error(client.post(f"{url}/end", headers=auth(iv)), 409, "INTERVIEW_ENDED")  # not started
    client.post(f"{url}/messages", json={"text": "hi"}, headers=auth(iv))
    ended = client.post(f"{url}/end", headers=auth(iv)).json()
    assert ended == {"id": iv["id"], "status": "completed"}
    report = client.post(f"{url}/end", headers=client.recruiter).json()  # idempotent: the stored report
    assert report["status"] == "completed" and report["questions"][0]["score"] == 0
    assert client.get(url, headers=auth(iv)).json()["status"] == "completed"


def test_recruiters_list_cancel_and_delete(client):
    a = create(client, mode="chat")
    b = create(client, mode="audio")
    listed = client.get("/api/v1/interviews?mode=audio&limit=1", headers=client.recruiter).json()
    assert listed["limit"] == 1 and listed["offset"] == 0 and len(listed["items"]) == 1
    assert listed["total"] >= 1 and all(i["mode"] == "audio" for i in listed["items"])
    assert "join_token" not in listed["items"][0]
    cancelled = client.post(f"/api/v1/interviews/{b['id']}/cancel", headers=client.recruiter).json()
    assert cancelled["status"] == "cancelled"
    assert_error(
        client.post(f"/api/v1/interviews/{b['id']}/cancel", headers=client.recruiter), 409, "INTERVIEW_ENDED"
    )
    statuses = client.get("/api/v1/interviews?status=cancelled", headers=client.recruiter).json()["items"]
    assert b["id"] in [i["id"] for i in statuses] and a["id"] not in [i["id"] for i in statuses]
    assert client.delete(f"/api/v1/interviews/{a['id']}", headers=client.recruiter).status_code == 204
    assert_error(
        client.get(f"/api/v1/interviews/{a['id']}", headers=client.recruiter), 404, "INTERVIEW_NOT_FOUND"
    )
    assert_error(client.get(f"/api/v1/interviews/{a['id']}", headers=auth(a)), 404, "INTERVIEW_NOT_FOUND")


def close_code(client, path):
    with client.websocket_connect(path) as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_text()
    return closed.value.code


def test_websocket_close_codes(client):
    iv = create(client, mode="chat")
    assert close_code(client, f"/api/v1/ws/interviews/{iv['id']}?token=bad") == 4001
    assert close_code(client, f"/api/v1/ws/interviews/{iv['id']}") == 4001
    assert close_code(client, "/api/v1/ws/interviews/nope?token=x") == 4004
    client.post(f"/api/v1/interviews/{iv['id']}/messages", json={"text": "hi"}, headers=auth(iv))
    client.post(f"/api/v1/interviews/{iv['id']}/end", headers=auth(iv))
    assert close_code(client, f"/api/v1/ws/interviews/{iv['id']}?token={iv['join_token']}") == 4009


def test_websocket_origin_is_checked(client):
    iv = create(client, mode="chat")
    path = f"/api/v1/ws/interviews/{iv['id']}?token={iv['join_token']}"
    evil = {"origin": "https://evil.example"}
    with client.websocket_connect(path, headers=evil) as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_text()
    assert closed.value.code == 4003
    with client.websocket_connect(path, headers={"origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "connected"


def test_malformed_websocket_frames_close_the_socket(client):
    iv = create(client, mode="chat")
    path = f"/api/v1/ws/interviews/{iv['id']}?token={iv['join_token']}"
    for frame, code in ((b"\x00\x01", 1003), ("not json", 1007), ("[1, 2]", 1007), ("x" * 70_000, 1009)):
        with client.websocket_connect(path) as ws:
            assert ws.receive_json()["type"] == "connected"
            ws.send_bytes(frame) if isinstance(frame, bytes) else ws.send_text(frame)
            with pytest.raises(WebSocketDisconnect) as closed:
                while True:
                    ws.receive_text()
            assert closed.value.code == code, frame[:20]


def receive_until(ws, type_):
    """Events up to and including the first of `type_`."""
    seen = []
    while not seen or seen[-1]["type"] != type_:
        ev = ws.receive_json()
        assert set(ev) == {"type", "data", "ts"}
        seen.append(ev)
    return seen


def test_websocket_carries_events_by_audience(client):
    iv = create(client, duration_minutes=8, mode="chat")
    base = f"/api/v1/ws/interviews/{iv['id']}?token="
    recruiter_token = client.recruiter["Authorization"].split()[1]
    with (
        client.websocket_connect(base + iv["join_token"]) as ws,
        client.websocket_connect(base + recruiter_token) as watcher,
    ):
        assert ws.receive_json()["type"] == "connected" and watcher.receive_json()["type"] == "connected"
        ws.send_json({"type": "ready"})
        opening = [e["type"] for e in receive_until(ws, "time_remaining")]
        assert opening == [
            "phase_update",
            "phase_update",
            "interviewer_changed",
            "question",
            "time_remaining",
        ]
        ws.send_json({"type": "nonsense"})
        assert receive_until(ws, "error")[-1]["data"]["code"] == "INVALID_MESSAGE"
        ws.send_json({"type": "answer", "data": {"text": GOOD_ANSWER}})
        turn = receive_until(ws, "question")
        assert [e["type"] for e in turn][:1] == ["transcript"] and "score_update" not in [
            e["type"] for e in turn
        ]
        ws.send_json({"type": "end"})
        ended = receive_until(ws, "interview_ended")[-1]
        assert ended["data"]["reason"] == "ended_by_request"
        assert "recommendation" not in ended["data"] and "overall_score" not in ended["data"]
        seen = receive_until(watcher, "interview_ended")
        assert "score_update" in [e["type"] for e in seen]
        assert seen[-1]["data"]["recommendation"] in {"strong_hire", "hire", "maybe", "no_hire"}


def test_video_interview_without_frames_says_so_and_audio_has_no_attention(client):
    from orchestrator.session import InterviewSession

    video = create(client, mode="video")
    runtime = client.app.state.runtime
    session = client.portal.call(runtime.session, video["id"])
    client.portal.call(_start, session)
    segments = client.get(f"/api/v1/interviews/{video['id']}/transcript", headers=client.recruiter).json()
    assert "camera" in segments["segments"][0]["text"]  # disclosed
    report = client.post(f"/api/v1/interviews/{video['id']}/end", headers=client.recruiter).json()
    attention = report["attention"]
    assert attention["video_seconds"] == 0 and attention["note"] == "the camera sent no frames"
    assert attention["disclosed_at"] and attention["flags"] == []
    assert report["scores"]["attention"] is None and report["scores"]["attention_in_overall"] is False
    png = client.get(f"/api/v1/interviews/{video['id']}/attention.png", headers=client.recruiter)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert_error(
        client.get(f"/api/v1/interviews/{video['id']}/attention.png", headers=auth(video)), 403, "FORBIDDEN"
    )

    chat = create(client, mode="chat")
    client.post(f"/api/v1/interviews/{chat['id']}/messages", json={"text": "hi"}, headers=auth(chat))
    assert (
        client.post(f"/api/v1/interviews/{chat['id']}/end", headers=client.recruiter).json()["attention"]
        is None
    )
    assert_error(
        client.get(f"/api/v1/interviews/{chat['id']}/attention.png", headers=client.recruiter),
        404,
        "NO_VIDEO",
    )
    assert InterviewSession  # the session drives spoken interviews; here it is started directly


async def _start(session):
    async with session.lock:
        reply = await session.start()
        now = session.elapsed()
        said = await reply.full_text()
        await session.record("interviewer", said, now, now, reply.question_id, kind=reply.kind)


def test_room_page_and_its_files_are_served(client):
    iv = create(client)
    page = client.get(f"/interview/{iv['id']}?token={iv['join_token']}")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert '<script src="/static/room.js">' in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert (
        page.headers["x-content-type-options"] == "nosniff"
        and page.headers["referrer-policy"] == "no-referrer"
    )
    assert client.get("/static/room.js").status_code == 200
    assert client.get("/static/room.css").status_code == 200
    bad = client.get(f"/interview/{iv['id']}?token=wrong")
    assert bad.status_code == 404 and "does not open an interview" in bad.text
    assert client.get(f"/interview/unknown?token={iv['join_token']}").status_code == 404


def test_expired_and_finished_links_get_a_410_page(tmp_path):
    with TestClient(create_app(api_settings(tmp_path, join_token_ttl_hours=1))) as c:
        c.recruiter = login(c)
        iv = create(c, mode="chat", scheduled_at="2020-01-01T09:00:00Z")
        page = c.get(f"/interview/{iv['id']}?token={iv['join_token']}")
        assert page.status_code == 410 and "expired" in page.text
        assert_error(c.get(f"/api/v1/interviews/{iv['id']}", headers=auth(iv)), 410, "JOIN_LINK_EXPIRED")
        done = create(c, mode="chat")
        c.post(f"/api/v1/interviews/{done['id']}/messages", json={"text": "hi"}, headers=auth(done))
        c.post(f"/api/v1/interviews/{done['id']}/end", headers=auth(done))
        assert c.get(f"/interview/{done['id']}?token={done['join_token']}").status_code == 410


def test_consent_is_recorded_and_required(client):
    iv = create(client, mode="audio")
    url = f"/api/v1/interviews/{iv['id']}/consent"
    assert_error(client.post(url, json={"recording": False}, headers=auth(iv)), 400, "CONSENT_REQUIRED")
    assert_error(client.post(url, json={"recording": True}), 401, "UNAUTHORIZED")
    body = client.post(url, json={"recording": True, "camera_analysis": True}, headers=auth(iv)).json()
    assert body["consent"] == {"recording": True, "camera_analysis": False, "video_recording": False}
    assert body["consented_at"]  # audio: no camera to analyse or keep


def test_the_video_recording_is_a_separate_consent_offered_only_when_the_server_records_video(tmp_path):
    for video_on in (False, True):
        settings = api_settings(tmp_path / str(video_on), recording={"video": video_on})
        with TestClient(create_app(settings)) as c:
            c.recruiter = login(c)  # type: ignore[attr-defined]
            video, audio = create(c, mode="video"), create(c, mode="audio")
            for iv in (video, audio):
                offered = c.get(f"/api/v1/interviews/{iv['id']}/rtc/config", headers=auth(iv)).json()
                assert offered["video_recording"] is (video_on and iv is video)
            url = f"/api/v1/interviews/{video['id']}/consent"
            body = {"recording": True, "camera_analysis": True}
            assert c.post(url, json=body, headers=auth(video)).json()["consent"]["video_recording"] is False
            agreed = c.post(url, json=body | {"video_recording": True}, headers=auth(video)).json()
            assert agreed["consent"] == body | {"video_recording": True}
            url = f"/api/v1/interviews/{audio['id']}/consent"
            asked = {"recording": True, "video_recording": True}
            answer = c.post(url, json=asked, headers=auth(audio)).json()
            assert answer["consent"]["video_recording"] is False  # no camera in an audio interview


def test_candidate_feedback_only_when_the_operator_allows_it(client, tmp_path):
    iv = create(client, mode="chat")
    assert_error(
        client.get(f"/api/v1/interviews/{iv['id']}/feedback", headers=auth(iv)), 404, "FEEDBACK_DISABLED"
    )
    with TestClient(create_app(api_settings(tmp_path, candidate_feedback=True))) as c:
        c.recruiter = login(c)
        iv = create(c, mode="chat")
        url = f"/api/v1/interviews/{iv['id']}"
        assert_error(c.get(f"{url}/feedback", headers=auth(iv)), 404, "REPORT_NOT_READY")
        c.post(f"{url}/messages", json={"text": "hi"}, headers=auth(iv))
        c.post(f"{url}/messages", json={"text": GOOD_ANSWER}, headers=auth(iv))
        c.post(f"{url}/end", headers=auth(iv))
        feedback = c.get(f"{url}/feedback", headers=auth(iv)).json()
        assert feedback["summary"].startswith("You answered 1 of")
        assert "overall_score" not in feedback and "recommendation" not in feedback


def test_twiml_bridges_a_call_to_the_media_stream(client):
    iv = create(client, mode="phone")
    assert_error(client.post(f"/api/v1/phone/{iv['id']}/twiml"), 401, "UNAUTHORIZED")
    r = client.post(f"/api/v1/phone/{iv['id']}/twiml?token={iv['join_token']}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
    import xml.etree.ElementTree as ET

    stream = ET.fromstring(r.text).find("./Connect/Stream")
    assert stream is not None and stream.get("url") == f"ws://testserver/api/v1/phone/{iv['id']}/stream"
    assert stream.find("Parameter").attrib == {"name": "token", "value": iv["join_token"]}


def test_a_cancelled_interview_cannot_be_ended_into_a_report(client):
    iv = create(client, mode="chat")
    url = f"/api/v1/interviews/{iv['id']}"
    client.post(f"{url}/messages", json={"text": "hi"}, headers=auth(iv))
    assert client.post(f"{url}/cancel", headers=client.recruiter).json()["status"] == "cancelled"
    assert_error(client.post(f"{url}/end", headers=auth(iv)), 409, "INTERVIEW_ENDED")
    assert_error(client.post(f"{url}/end", headers=client.recruiter), 409, "INTERVIEW_ENDED")
    assert client.get(url, headers=client.recruiter).json()["status"] == "cancelled"
    assert_error(client.get(f"{url}/report", headers=client.recruiter), 404, "REPORT_NOT_READY")


def test_typing_is_shown_live_not_stored_and_at_most_once_a_second(client):
    iv = create(client, mode="chat")
    base = f"/api/v1/ws/interviews/{iv['id']}?token="
    recruiter_token = client.recruiter["Authorization"].split()[1]
    with (
        client.websocket_connect(base + iv["join_token"]) as ws,
        client.websocket_connect(base + recruiter_token) as watcher,
    ):
        ws.receive_json(), watcher.receive_json()
        for _ in range(50):
            ws.send_json({"type": "typing"})
        ws.send_json({"type": "end"})  # not started: nothing ends, but it marks the end of the burst
        assert watcher.receive_json()["type"] == "typing"
    events = client.get(f"/api/v1/interviews/{iv['id']}/events", headers=client.recruiter).json()["events"]
    assert not [e for e in events if e["type"] == "typing"]


def test_a_watching_recruiter_is_cut_off_when_their_account_is_removed(client, monkeypatch):
    from api.routes import events as events_route

    monkeypatch.setattr(events_route, "REVALIDATE_S", 0.2)
    body = {"email": "watcher@acme.test", "password": "long enough password", "role": "viewer"}
    user = client.post("/api/v1/users", json=body, headers=client.recruiter).json()
    viewer = login(client, "watcher@acme.test", "long enough password")["Authorization"].split()[1]
    iv = create(client, mode="chat")
    with client.websocket_connect(f"/api/v1/ws/interviews/{iv['id']}?token={viewer}") as ws:
        assert ws.receive_json()["type"] == "connected"
        assert client.delete(f"/api/v1/users/{user['id']}", headers=client.recruiter).status_code == 204
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4001
