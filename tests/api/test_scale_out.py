"""Two servers on one PostgreSQL and one Redis, as behind a load balancer: a recruiter watching
on one sees, live, the interview the other runs, and reads how it stands; leases and the
organisation's status stream are shared too. Real servers both (tests/servers.py)."""

from __future__ import annotations

import concurrent.futures
import contextlib
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, assert_error, auth, create, login

pytestmark = pytest.mark.postgres
WAIT_S = 10.0


@pytest.fixture
def servers(tmp_path, postgres_url, redis_url) -> Iterator[tuple[TestClient, TestClient]]:
    def settings(name: str) -> Settings:
        return Settings(
            database_url=postgres_url,
            redis_url=redis_url,
            secret_key="one key for every server of the deployment",
            data_dir=str(tmp_path / name),
            admin_email=ADMIN_EMAIL,
            admin_password=ADMIN_PASSWORD,
            admin_org="Acme",
        )

    with TestClient(create_app(settings("a"))) as a, TestClient(create_app(settings("b"))) as b:
        a.recruiter = b.recruiter = login(a)  # type: ignore[attr-defined]
        yield a, b


def receive(ws, pool: concurrent.futures.ThreadPoolExecutor) -> dict:
    """The next message, or fail after WAIT_S (TestClient's receive has no timeout of its own)."""
    return pool.submit(ws.receive_json).result(timeout=WAIT_S)


def until(ws, pool, kind: str) -> list[dict]:
    seen = []
    while not seen or seen[-1]["type"] != kind:
        seen.append(receive(ws, pool))
    return seen


def test_a_recruiter_on_one_server_watches_an_interview_run_by_the_other(servers):
    a, b = servers
    iv = create(a, mode="chat", duration_minutes=8, candidate_name="Sam")
    url = f"/api/v1/interviews/{iv['id']}"
    token = a.recruiter["Authorization"].removeprefix("Bearer ")  # type: ignore[attr-defined]
    with (
        concurrent.futures.ThreadPoolExecutor(1) as pool,
        a.websocket_connect(f"/api/v1/ws/interviews/{iv['id']}?token={token}") as recruiter,
        a.websocket_connect(f"/api/v1/ws/interviews/{iv['id']}?token={iv['join_token']}") as candidate,
    ):
        assert receive(recruiter, pool)["type"] == receive(candidate, pool)["type"] == "connected"
        first = b.post(f"{url}/messages", json={"text": "Hello, I'm ready."}, headers=auth(iv)).json()
        assert first["question_id"] == "q1"
        asked = until(recruiter, pool, "question")
        assert asked[-1]["data"]["id"] == "q1"
        answer = "I would add an index on the email column and check the query plan with EXPLAIN."
        b.post(f"{url}/messages", json={"text": answer}, headers=auth(iv))
        seen = until(recruiter, pool, "score_update")  # recruiters see scores, live, from server b
        assert any(e["type"] == "transcript" and e["data"]["text"] == answer for e in seen)
        # the candidate's socket on a gets the same interview without what is only for recruiters
        heard = until(candidate, pool, "question")
        assert not [e for e in heard if e["type"] in ("score_update", "metrics")]
        # any server reads how the interview stands from the worker that drives it
        live = a.get(url, headers=a.recruiter).json()["live"]  # type: ignore[attr-defined]
        assert live["worker_id"] == b.app.state.runtime.worker_id
        assert live["question_id"] == "q2" and 0 < live["time_remaining_s"] <= 480
        assert a.get(url, headers=auth(iv)).json()["live"] is None  # not the candidate's to read


def test_the_organisation_stream_carries_status_changes_from_every_server(servers):
    a, b = servers
    token = a.recruiter["Authorization"].removeprefix("Bearer ")  # type: ignore[attr-defined]
    iv = create(a, mode="chat")
    with (
        concurrent.futures.ThreadPoolExecutor(1) as pool,
        a.websocket_connect(f"/api/v1/ws/events?token={token}") as stream,
    ):
        with contextlib.suppress(concurrent.futures.TimeoutError):
            receive(stream, pool)  # a greeting, if the stream sends one
        b.post(f"/api/v1/interviews/{iv['id']}/messages", json={"text": "Hi"}, headers=auth(iv))
        status = until(stream, pool, "interview_status")[-1]["data"]
        assert status["interview_id"] == iv["id"] and status["status"] == "in_progress"


def test_one_worker_drives_a_spoken_interview_at_a_time(servers):
    """While server a holds an interview's lease, server b answers neither its media offer
    (409, before touching the SDP) nor its phone call (closed: try again later)."""
    a, b = servers
    runtime_a, runtime_b = a.app.state.runtime, b.app.state.runtime
    audio, phone = create(a, mode="audio"), create(a, mode="phone")
    held = [a.portal.call(runtime_a.driving.take, iv["id"]) for iv in (audio, phone)]
    b.post(f"/api/v1/interviews/{audio['id']}/consent", json={"recording": True}, headers=auth(audio))
    offer = {"sdp": "v=0\r\n", "type": "offer"}
    r = b.post(f"/api/v1/interviews/{audio['id']}/rtc/offer", json=offer, headers=auth(audio))
    error = assert_error(r, 409, "INTERVIEW_HELD_ELSEWHERE")
    assert error["details"]["worker"] == runtime_a.worker_id
    assert b.portal.call(runtime_b.backends.leases.holder, audio["id"]).token == held[0].token
    start = {"streamSid": "MZ1", "customParameters": {"token": phone["join_token"]}}
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        b.websocket_connect(f"/api/v1/phone/{phone['id']}/stream") as call,
    ):
        call.send_json({"event": "start", "start": start})
        call.receive_json()
    assert closed.value.code == 1013
    runtime_b.repo.update(audio["id"], status="in_progress")  # as if a had started it
    for verb in ("end", "cancel"):  # nor does it end what a drives
        r = b.post(f"/api/v1/interviews/{audio['id']}/{verb}", headers=b.recruiter)  # type: ignore[attr-defined]
        assert_error(r, 409, "INTERVIEW_HELD_ELSEWHERE")
    a.portal.call(runtime_a.driving.release_all)
    assert b.portal.call(runtime_b.backends.leases.holder, audio["id"]) is None
