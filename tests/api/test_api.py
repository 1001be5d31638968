"""The HTTP and WebSocket contract of API.md (chat mode drives a whole interview)."""

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.app import create_app

GOOD_ANSWER = (
    "I have five years of experience. I built and designed payment APIs and I enjoy it because "
    "clear interfaces help teams. I led the project, implemented the retries, and studied the "
    "failure modes carefully so the service stayed reliable for our customers every single day."
)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from api.settings import Settings

    db = tmp_path_factory.mktemp("api") / "api.db"
    with TestClient(create_app(Settings(database_url=f"sqlite:///{db}"))) as c:
        yield c


def create(client, **body):
    body.setdefault("role", "Backend Engineer")
    r = client.post("/api/v1/interviews", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def auth(interview):
    return {"Authorization": f"Bearer {interview['join_token']}"}


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and isinstance(body["error"]["details"], dict)
    return body["error"]


def test_health_reports_components(client):
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["components"]["db"] == "ok" and body["components"]["stt"] == "ok"
    assert body["components"]["tts"] == "ok"


def test_create_returns_the_api_shape(client):
    iv = create(client, level="senior", skills=["Python"], duration_minutes=12, candidate_name="Ada")
    assert iv["status"] == "scheduled" and iv["join_token"]
    assert iv["join_url"] == f"http://testserver/interview/{iv['id']}?token={iv['join_token']}"
    got = client.get(f"/api/v1/interviews/{iv['id']}", headers=auth(iv)).json()
    assert got["status"] == "scheduled" and got["phase"] == "intro" and got["current_question"] is None
    assert "join_token" not in got


def test_validation_errors_name_the_fields(client):
    err = assert_error(client.post("/api/v1/interviews", json={"level": "guru"}), 422, "VALIDATION_ERROR")
    fields = {f["field"] for f in err["details"]["fields"]}
    assert {"body.role", "body.level"} <= fields
    assert_error(
        client.post("/api/v1/interviews", content=b"{not json", headers={"content-type": "application/json"}),
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
    assert_error(
        client.get(f"/api/v1/interviews/{iv['id']}/report", headers=auth(iv)), 404, "REPORT_NOT_READY"
    )


def test_malformed_sdp_is_a_400_and_the_interview_goes_on(client):
    iv = create(client)
    for sdp in ["garbage", "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"]:
        r = client.post(
            f"/api/v1/interviews/{iv['id']}/rtc/offer", json={"sdp": sdp, "type": "offer"}, headers=auth(iv)
        )
        assert_error(r, 400, "INVALID_SDP")
    r = client.post(
        f"/api/v1/interviews/{iv['id']}/rtc/offer", json={"sdp": "x", "type": "answer"}, headers=auth(iv)
    )
    assert_error(r, 400, "INVALID_SDP")
    r = client.post(f"/api/v1/interviews/{iv['id']}/messages", json={"text": "hello"}, headers=auth(iv))
    assert r.status_code == 200 and r.json()["kind"] == "question"


def test_a_whole_chat_interview_produces_transcript_and_report(client):
    iv = create(client, duration_minutes=8, candidate_name="Sam", mode="chat")  # two questions
    url = f"/api/v1/interviews/{iv['id']}"
    first = client.post(f"{url}/messages", json={"text": "Hello, I'm ready."}, headers=auth(iv)).json()
    assert first["reply"].startswith("Hi Sam.") and first["question_id"] == "q1"
    current = client.get(url, headers=auth(iv)).json()
    assert current["status"] == "in_progress" and current["current_question"]["id"] == "q1"
    second = client.post(f"{url}/messages", json={"text": GOOD_ANSWER}, headers=auth(iv)).json()
    assert second["question_id"] == "q2"
    reply = client.post(f"{url}/messages", json={"text": "No idea."}, headers=auth(iv)).json()
    assert reply["kind"] == "followup"
    last = client.post(f"{url}/messages", json={"text": "Still no idea."}, headers=auth(iv)).json()
    assert last["kind"] == "closing" and last["status"] == "completed"
    report = client.get(f"{url}/report", headers=auth(iv)).json()
    assert report == last["report"]
    assert report["interview_id"] == iv["id"] and report["status"] == "completed"
    assert 0 <= report["overall_score"] <= 100
    assert report["recommendation"] in {"strong_hire", "hire", "maybe", "no_hire"}
    assert [q["id"] for q in report["questions"]] == ["q1", "q2"]
    assert report["questions"][0]["answer"] == GOOD_ANSWER and report["questions"][0]["score"] > 5
    assert report["attention"] is None and "words_per_minute" in report["communication"]
    segments = client.get(f"{url}/transcript", headers=auth(iv)).json()["segments"]
    assert [s["speaker"] for s in segments] == [
        "interviewer",
        "candidate",
        "interviewer",
        "candidate",
        "interviewer",
        "candidate",
        "interviewer",
    ]
    assert all({"speaker", "text", "start", "end", "question_id"} <= set(s) for s in segments)
    assert_error(
        client.post(f"{url}/messages", json={"text": "more"}, headers=auth(iv)), 409, "INTERVIEW_ENDED"
    )


def test_end_returns_the_report(client):
    iv = create(client)
    url = f"/api/v1/interviews/{iv['id']}"
    assert_error(client.post(f"{url}/end", headers=auth(iv)), 409, "INTERVIEW_ENDED")  # not started
    client.post(f"{url}/messages", json={"text": "hi"}, headers=auth(iv))
    report = client.post(f"{url}/end", headers=auth(iv)).json()
    assert report["status"] == "completed" and report["questions"][0]["score"] == 0
    assert client.get(url, headers=auth(iv)).json()["status"] == "completed"


def close_code(client, path):
    with client.websocket_connect(path) as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_text()
    return closed.value.code


def test_websocket_close_codes(client):
    iv = create(client)
    assert close_code(client, f"/api/v1/ws/interviews/{iv['id']}?token=bad") == 4001
    assert close_code(client, f"/api/v1/ws/interviews/{iv['id']}") == 4001
    assert close_code(client, "/api/v1/ws/interviews/nope?token=x") == 4004
    client.post(f"/api/v1/interviews/{iv['id']}/messages", json={"text": "hi"}, headers=auth(iv))
    client.post(f"/api/v1/interviews/{iv['id']}/end", headers=auth(iv))
    assert close_code(client, f"/api/v1/ws/interviews/{iv['id']}?token={iv['join_token']}") == 4009


def receive_until(ws, type_):
    """Events up to and including the first of `type_`."""
    seen = []
    while not seen or seen[-1]["type"] != type_:
        ev = ws.receive_json()
        assert set(ev) == {"type", "data", "ts"}
        seen.append(ev)
    return seen


def test_websocket_carries_events_and_answers(client):
    iv = create(client, duration_minutes=8)
    with client.websocket_connect(f"/api/v1/ws/interviews/{iv['id']}?token={iv['join_token']}") as ws:
        assert ws.receive_json()["type"] == "connected"
        ws.send_json({"type": "ready"})
        opening = [e["type"] for e in receive_until(ws, "time_remaining")]
        assert opening == ["phase_update", "phase_update", "question", "time_remaining"]
        ws.send_text("not json")
        assert receive_until(ws, "error")[-1]["data"]["code"] == "INVALID_MESSAGE"
        ws.send_json({"type": "answer", "data": {"text": GOOD_ANSWER}})
        turn = [e["type"] for e in receive_until(ws, "question")]
        assert turn[:2] == ["transcript", "score_update"]
        ws.send_json({"type": "end"})
        ended = receive_until(ws, "interview_ended")[-1]
        assert ended["data"]["recommendation"] in {"strong_hire", "hire", "maybe", "no_hire"}


def test_video_interview_without_frames_says_so_and_audio_has_no_attention(client):
    video = create(client, mode="video")
    client.post(f"/api/v1/interviews/{video['id']}/messages", json={"text": "hi"}, headers=auth(video))
    assert (
        "camera"
        in client.get(f"/api/v1/interviews/{video['id']}/transcript", headers=auth(video)).json()["segments"][
            0
        ]["text"]
    )  # disclosed
    report = client.post(f"/api/v1/interviews/{video['id']}/end", headers=auth(video)).json()
    attention = report["attention"]
    assert attention["video_seconds"] == 0 and attention["note"] == "the camera sent no frames"
    assert attention["disclosed_at"] and attention["flags"] == []
    assert report["scores"]["attention"] is None and report["scores"]["attention_in_overall"] is False
    png = client.get(f"/api/v1/interviews/{video['id']}/attention.png", headers=auth(video))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")

    audio = create(client, mode="audio")
    client.post(f"/api/v1/interviews/{audio['id']}/messages", json={"text": "hi"}, headers=auth(audio))
    assert (
        client.post(f"/api/v1/interviews/{audio['id']}/end", headers=auth(audio)).json()["attention"] is None
    )
    assert_error(
        client.get(f"/api/v1/interviews/{audio['id']}/attention.png", headers=auth(audio)), 404, "NO_VIDEO"
    )


def test_room_page_and_its_files_are_served(client):
    iv = create(client)
    page = client.get(f"/interview/{iv['id']}?token={iv['join_token']}")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert '<script src="/static/room.js">' in page.text
    assert client.get("/static/room.js").status_code == 200
    assert client.get("/static/room.css").status_code == 200


def test_consent_is_recorded_and_required(client):
    iv = create(client, mode="audio")
    url = f"/api/v1/interviews/{iv['id']}/consent"
    assert_error(client.post(url, json={"recording": False}, headers=auth(iv)), 400, "CONSENT_REQUIRED")
    assert_error(client.post(url, json={"recording": True}), 401, "UNAUTHORIZED")
    body = client.post(url, json={"recording": True, "camera_analysis": True}, headers=auth(iv)).json()
    assert body["consent"] == {"recording": True, "camera_analysis": False}  # audio: no camera to analyse
    assert body["consented_at"]


def test_candidate_feedback_only_when_the_operator_allows_it(client, tmp_path):
    from api.settings import Settings

    iv = create(client, mode="chat")
    assert_error(
        client.get(f"/api/v1/interviews/{iv['id']}/feedback", headers=auth(iv)), 404, "FEEDBACK_DISABLED"
    )
    with TestClient(
        create_app(Settings(database_url=f"sqlite:///{tmp_path}/f.db", candidate_feedback=True))
    ) as c:
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
