"""The livekit media backend through the real HTTP routes: settings that refuse to start, the
join's token, the offer refused, a LiveKit server that cannot be reached (503, in time), and
LiveKit's signed webhooks marking the candidate's joins and leaves."""

from __future__ import annotations

import base64
import hashlib
import socket
import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from google.protobuf.json_format import MessageToJson
from livekit import api
from livekit.protocol.models import ParticipantInfo, Room
from livekit.protocol.webhook import WebhookEvent
from pydantic import ValidationError

from api.app import create_app
from api.settings import Settings
from core.events import Event, for_candidate
from media.livekit.backend import LiveKitBackend
from tests.api.conftest import api_settings as base_settings
from tests.api.conftest import assert_error, auth, consent, create, login

KEY, SECRET = "APIintervox", "a-secret-of-at-least-thirty-two-characters"


def closed_port() -> int:
    """A local port nothing listens on (connections are refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def lk(tmp_path_factory):
    livekit = {
        "url": f"ws://127.0.0.1:{closed_port()}",
        "public_url": "wss://media.example.com",
        "api_key": KEY,
        "api_secret": SECRET,
        "connect_timeout_s": 2,
    }
    settings = base_settings(tmp_path_factory.mktemp("lk"), media={"backend": "livekit"}, livekit=livekit)
    with TestClient(create_app(settings)) as c:
        c.recruiter = login(c)  # type: ignore[attr-defined]
        yield c


def test_the_livekit_backend_refuses_to_start_without_its_server(monkeypatch):
    monkeypatch.setenv("INTERVOX_MEDIA__BACKEND", "livekit")
    monkeypatch.setenv("INTERVOX_LIVEKIT__URL", "ws://127.0.0.1:7880")
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert "INTERVOX_LIVEKIT__API_KEY, INTERVOX_LIVEKIT__API_SECRET" in str(refused.value)
    monkeypatch.setenv("INTERVOX_LIVEKIT__API_KEY", KEY)
    monkeypatch.setenv("INTERVOX_LIVEKIT__API_SECRET", SECRET)
    assert Settings().media.backend == "livekit"
    monkeypatch.setenv("INTERVOX_LIVEKIT__URL", "livekit:7880")
    with pytest.raises(ValidationError, match="ws://"):
        Settings()


def test_the_room_is_told_the_backend_and_the_offer_is_refused(lk):
    iv = create(lk, mode="video")
    consent(lk, iv)
    r = lk.get(f"/api/v1/interviews/{iv['id']}/rtc/config", headers=auth(iv))
    assert r.status_code == 200 and r.json()["backend"] == "livekit"
    r = lk.post(
        f"/api/v1/interviews/{iv['id']}/rtc/offer", json={"sdp": "v=0", "type": "offer"}, headers=auth(iv)
    )
    assert_error(r, 409, "WRONG_MEDIA_BACKEND")


def test_join_checks_what_the_offer_checks(lk):
    iv = create(lk, mode="audio")
    assert_error(
        lk.post(f"/api/v1/interviews/{iv['id']}/rtc/join", headers=auth(iv)), 403, "CONSENT_REQUIRED"
    )
    chat = create(lk, mode="chat")
    consent(lk, chat)
    assert_error(
        lk.post(f"/api/v1/interviews/{chat['id']}/rtc/join", headers=auth(chat)), 409, "MODE_MISMATCH"
    )
    consent(lk, iv)
    lk.post(f"/api/v1/interviews/{iv['id']}/cancel", headers=lk.recruiter)
    assert_error(lk.post(f"/api/v1/interviews/{iv['id']}/rtc/join", headers=auth(iv)), 409, "INTERVIEW_ENDED")


def test_an_unreachable_livekit_server_is_a_503_at_once(lk):
    iv = create(lk, mode="audio")
    consent(lk, iv)
    started = time.monotonic()
    r = lk.post(f"/api/v1/interviews/{iv['id']}/rtc/join", headers=auth(iv))
    error = assert_error(r, 503, "MEDIA_SERVER_UNAVAILABLE")
    assert "could not join the LiveKit room" in error["message"] and error["details"]["url"].startswith(
        "ws://"
    )
    assert time.monotonic() - started < 5
    assert lk.app.state.runtime.agent(iv["id"]) is None  # nothing left running
    assert not lk.app.state.runtime.driving.holds(iv["id"])  # and the lease let go


def test_a_server_that_never_answers_is_a_503_after_the_connect_timeout(lk):
    """A LiveKit URL that accepts connections and then says nothing: the SDK's own connect
    timeout does not end that wait, the transport's does."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    held: list[socket.socket] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    runtime = lk.app.state.runtime
    original = runtime.media
    url = f"ws://127.0.0.1:{listener.getsockname()[1]}"
    silent = replace(original.options, url=url, connect_timeout_s=1.5)
    runtime.media = LiveKitBackend(silent)
    try:
        iv = create(lk, mode="audio")
        consent(lk, iv)
        started = time.monotonic()
        r = lk.post(f"/api/v1/interviews/{iv['id']}/rtc/join", headers=auth(iv))
        elapsed = time.monotonic() - started
    finally:
        runtime.media = original
        stop.set()
        thread.join()
        for s in (*held, listener):
            s.close()
    error = assert_error(r, 503, "MEDIA_SERVER_UNAVAILABLE")
    assert "timed out" in error["message"]
    assert 1.4 < elapsed < 4, elapsed
    assert held, "the SDK did connect to the silent server"


# -- webhooks -------------------------------------------------------------------------------
def signed(body: str, secret: str = SECRET, key: str = KEY) -> dict[str, str]:
    """The header LiveKit's server sends: a JWT with the body's SHA-256, signed with the secret."""
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    token = api.AccessToken(key, secret).with_sha256(digest).with_ttl(timedelta(minutes=5)).to_jwt()
    return {"Authorization": token, "Content-Type": "application/webhook+json"}


def webhook_body(kind: str, room: str, identity: str = "candidate") -> str:
    ev = WebhookEvent(
        event=kind,
        id=f"EV_{kind}",
        created_at=int(time.time()),
        room=Room(name=room, sid="RM_1"),
        participant=ParticipantInfo(identity=identity, sid="PA_1"),
    )
    return MessageToJson(ev)


def post_webhook(client: TestClient, body: str, headers: dict[str, str]):
    return client.post("/api/v1/livekit/webhook", content=body.encode(), headers=headers)


def stored_presence(client: TestClient, interview: dict) -> list[str]:
    r = client.get(f"/api/v1/interviews/{interview['id']}/events", headers=client.recruiter)
    return [e["type"] for e in r.json()["events"] if e["type"].startswith("candidate_")]


def test_a_signed_webhook_marks_the_candidates_join_and_leave(lk):
    iv = create(lk, mode="video")
    room = f"intervox-{iv['id']}"
    watch = f"/api/v1/ws/interviews/{iv['id']}?token={lk.recruiter['Authorization'][7:]}"
    with lk.websocket_connect(watch) as ws:
        assert ws.receive_json()["type"] == "connected"
        body = webhook_body("participant_joined", room)
        r = post_webhook(lk, body, signed(body))
        assert r.status_code == 200 and r.json() == {"status": "recorded"}
        live = ws.receive_json()
    assert live["type"] == "candidate_joined" and live["data"]["room"] == room
    body = webhook_body("participant_left", room)
    assert post_webhook(lk, body, signed(body)).json() == {"status": "recorded"}
    assert stored_presence(lk, iv) == ["candidate_joined", "candidate_left"]
    assert for_candidate(Event(type="candidate_joined")) is None  # never on the candidate's channels


def test_other_webhooks_are_ignored(lk):
    iv = create(lk, mode="audio")
    for body in (
        webhook_body("participant_joined", f"intervox-{iv['id']}", identity="interviewer-1a2b3c4d"),
        webhook_body("track_published", f"intervox-{iv['id']}"),
        webhook_body("participant_joined", "intervox-no-such-interview"),
        webhook_body("participant_joined", "another-apps-room"),
    ):
        r = post_webhook(lk, body, signed(body))
        assert r.status_code == 200 and r.json() == {"status": "ignored"}, body
    assert stored_presence(lk, iv) == []


def test_unsigned_or_tampered_webhooks_are_refused(lk):
    iv = create(lk, mode="audio")
    body = webhook_body("participant_joined", f"intervox-{iv['id']}")
    tampered = body.replace("participant_joined", "participant_left")
    cases = {
        "no header": (body, {"Content-Type": "application/webhook+json"}),
        "tampered body": (tampered, signed(body)),
        "wrong secret": (body, signed(body, secret="another-secret-of-at-least-thirty-two-chars")),
        "wrong key": (body, signed(body, key="APIother")),
        "a recruiter's bearer": (body, lk.recruiter),
        "a join token": (body, auth(iv)),
    }
    for name, (sent, headers) in cases.items():
        assert_error(post_webhook(lk, sent, headers), 401, "INVALID_SIGNATURE"), name
    assert stored_presence(lk, iv) == []
    not_json = "not json"
    assert_error(post_webhook(lk, not_json, signed(not_json)), 400, "INVALID_INPUT")


def test_without_livekit_keys_the_webhook_is_not_there(client):
    body = webhook_body("participant_joined", "intervox-x")
    assert_error(post_webhook(client, body, signed(body)), 404, "LIVEKIT_NOT_CONFIGURED")


def test_the_aiortc_backend_answers_join_with_its_name(client):
    iv = create(client, mode="audio")
    assert_error(
        client.post(f"/api/v1/interviews/{iv['id']}/rtc/join", headers=auth(iv)), 403, "CONSENT_REQUIRED"
    )
    consent(client, iv)
    r = client.post(f"/api/v1/interviews/{iv['id']}/rtc/join", headers=auth(iv))
    assert r.status_code == 200 and r.json() == {"backend": "aiortc"}
    config = client.get(f"/api/v1/interviews/{iv['id']}/rtc/config", headers=auth(iv)).json()
    assert config["backend"] == "aiortc"


def test_the_room_page_may_ask_the_livekit_server_over_http(lk, client):
    """livekit-client fetches <LiveKit>/rtc/v1/validate after a refused connection: the room's
    CSP allows that origin with the livekit backend, and only then."""
    iv = create(lk, mode="audio")
    csp = lk.get(f"/interview/{iv['id']}?token={iv['join_token']}").headers["content-security-policy"]
    assert "connect-src 'self' ws: wss: https://media.example.com;" in csp  # the public URL, as HTTPS
    other = create(client, mode="audio")
    csp = client.get(f"/interview/{other['id']}?token={other['join_token']}").headers[
        "content-security-policy"
    ]
    assert "connect-src 'self' ws: wss:;" in csp
