"""The recruiter's workspace: webhooks delivered through the outbox (across a restart), share
links, the PDF report (looked at as an image and read as text), and the retention job."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import subprocess
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.events import utc_now
from tests.api.conftest import api_settings, assert_error, login
from workspace.retention import RetentionJob
from workspace.webhooks import verify

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
QUESTIONS = [
    {
        "text": "How would you make a slow database query faster?",
        "key_points": ["query plan", "index"],
        "section": "technical",
    },
    {
        "text": "Tell me about a time you disagreed with a colleague.",
        "key_points": ["listened", "outcome"],
        "section": "behavioural",
    },
]
ANSWERS = [
    "First I read the query plan with EXPLAIN ANALYZE, then I add an index on the filtered column "
    "so the database avoids a full table scan.",
    "I listened to my colleague's concerns about the migration, we agreed on a staged rollout, "
    "and the outcome was a release without downtime.",
]


class Receiver:
    """A real HTTP server that answers 500 to its first `failures` requests, then 200."""

    def __init__(self, failures: int) -> None:
        self.failures, self.requests = failures, []  # type: ignore[var-annotated]
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                outer.requests.append((dict(self.headers), body))
                self.send_response(500 if len(outer.requests) <= outer.failures else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/intervox"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def wait_for(check: Any, timeout_s: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.05)
    raise AssertionError("timed out")


def settings_for(tmp_path: Path, **overrides: Any) -> Any:
    webhooks = {"allow_private_addresses": True, "backoff_s": [0.3, 0.3, 0.3], "idle_poll_s": 0.2}
    return api_settings(
        tmp_path, rate_limit={"enabled": False}, vision={"enabled": False}, webhooks=webhooks, **overrides
    )


def interview(c: TestClient, admin: dict[str, str], mode: str = "chat") -> dict[str, Any]:
    body = {
        "role": "Backend Engineer",
        "mode": mode,
        "candidate_name": "Robin Example",
        "questions": QUESTIONS,
    }
    r = c.post("/api/v1/interviews", json=body, headers=admin)
    assert r.status_code == 201, r.text
    return r.json()


def answered(c: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    """A chat interview the candidate answered, ended by the recruiter."""
    iv = interview(c, admin)
    join = {"Authorization": f"Bearer {iv['join_token']}"}
    c.post(f"/api/v1/interviews/{iv['id']}/messages", json={"text": "hello"}, headers=join)
    for text in ANSWERS:
        assert (
            c.post(f"/api/v1/interviews/{iv['id']}/messages", json={"text": text}, headers=join).status_code
            == 200
        )
    assert c.post(f"/api/v1/interviews/{iv['id']}/end", headers=admin).status_code == 200
    return iv


async def _video_interview(runtime: Any, interview_id: str) -> None:
    """A video interview answered through the session, with a second face seen for a while."""
    session = await runtime.session(interview_id)
    async with session.lock:
        await (await session.start()).full_text()
        for text in ANSWERS:
            await (await session.answer(text)).full_text()
    samples = [
        {
            "t": t / 2,
            "faces": 2 if 40 <= t < 60 else 1,
            "looking": t % 17 != 0,
            "eyes_closed": False,
            "yaw": 0.0,
            "pitch": 0.0,
            "movement": 1.0,
            "issue": None,
        }
        for t in range(0, 180)
    ]
    await asyncio.to_thread(runtime.repo.add_attention_samples, interview_id, samples)
    await runtime.end(interview_id)


# -- webhooks -------------------------------------------------------------------------------------


def test_a_webhook_is_delivered_after_two_failures_and_a_restart(tmp_path):
    receiver = Receiver(failures=2)
    settings = settings_for(tmp_path)
    try:
        with TestClient(create_app(settings)) as c:
            admin = login(c)
            created = c.post(
                "/api/v1/webhooks", json={"url": receiver.url, "events": ["interview.started"]}, headers=admin
            ).json()
            assert created["secret"].startswith("whsec_")
            listed = c.get("/api/v1/webhooks", headers=admin).json()
            assert [w["id"] for w in listed] == [created["id"]] and "secret" not in listed[0]
            iv = interview(c, admin)
            join = {"Authorization": f"Bearer {iv['join_token']}"}
            c.post(f"/api/v1/interviews/{iv['id']}/messages", json={"text": "hello"}, headers=join)
            wait_for(lambda: len(receiver.requests) >= 1)
            # the first attempt is written to the outbox's log before the server stops
            def attempted() -> bool:
                items = c.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=admin).json()["items"]
                return bool(items) and items[0]["attempts"] >= 1

            wait_for(attempted)
        # the server stopped after the first failed attempt; the outbox is in the database
        seen = len(receiver.requests)
        with TestClient(create_app(settings)) as c:
            admin = login(c)
            wait_for(lambda: len(receiver.requests) >= 3)
            deliveries = wait_for(
                lambda: (
                    (
                        d := c.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=admin).json()[
                            "items"
                        ]
                    )
                    and d[0]["status"] == "delivered"
                    and d
                )
            )
        assert seen < 3
        (delivery,) = deliveries
        assert delivery["event"] == "interview.started" and delivery["attempts"] == 3
        assert [a["status_code"] for a in delivery["log"]] == [500, 500, 200]
        assert delivery["log"][0]["error"] == "the receiver answered 500"
        assert all(a["duration_ms"] >= 0 for a in delivery["log"])
        bodies = {body for _, body in receiver.requests}
        assert len(receiver.requests) == 3 and len(bodies) == 1  # the same event, sent again
        body = bodies.pop()
        payload = json.loads(body)
        assert payload["event"] == "interview.started" and payload["ts"]
        assert payload["data"]["interview_id"] == iv["id"] and payload["data"]["status"] == "in_progress"
        for headers, sent in receiver.requests:
            assert verify(created["secret"], sent, headers["X-Intervox-Signature"], int(time.time()))
            assert not verify("whsec_wrong", sent, headers["X-Intervox-Signature"], int(time.time()))
    finally:
        receiver.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    settings = settings_for(tmp_path_factory.mktemp("workspace"), retention={"days": 30, "interval_s": 0.2})
    with TestClient(create_app(settings)) as c:
        c.admin = login(c)  # type: ignore[attr-defined]
        yield c


def test_completion_and_the_report_are_announced_once_each(app):
    receiver = Receiver(failures=0)
    try:
        body = {"url": receiver.url, "events": ["interview.completed", "report.ready"]}
        hook = app.post("/api/v1/webhooks", json=body, headers=app.admin).json()
        iv = answered(app, app.admin)
        wait_for(lambda: len(receiver.requests) >= 2)
        events = [json.loads(b) for _, b in receiver.requests]
        assert [e["event"] for e in events] == ["interview.completed", "report.ready"]
        ready = events[1]["data"]
        assert ready["interview_id"] == iv["id"] and ready["recommendation"] in (
            "strong_hire",
            "hire",
            "maybe",
            "no_hire",
        )
        assert ready["report_url"].endswith(f"/api/v1/interviews/{iv['id']}/report")
        assert app.delete(f"/api/v1/webhooks/{hook['id']}", headers=app.admin).status_code == 204
        assert_error(
            app.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=app.admin), 404, "WEBHOOK_NOT_FOUND"
        )
    finally:
        receiver.close()


def test_webhook_urls_are_http_and_private_addresses_can_be_refused(app):
    bad = app.post(
        "/api/v1/webhooks", json={"url": "ftp://example.com/x", "events": ["report.ready"]}, headers=app.admin
    )
    assert_error(bad, 400, "INVALID_WEBHOOK_URL")
    unknown = app.post(
        "/api/v1/webhooks", json={"url": "https://example.com", "events": ["x"]}, headers=app.admin
    )
    assert_error(unknown, 422, "VALIDATION_ERROR")
    # the operator's default: private targets refused (one app for the module: memory is shared)
    runtime = app.app.state.runtime
    allowed, options = runtime.settings.webhooks.allow_private_addresses, runtime.delivery.options
    runtime.settings.webhooks.allow_private_addresses = False
    runtime.delivery.options = dataclasses.replace(options, allow_private_addresses=False)
    try:
        for url in (
            "http://127.0.0.1:9/x",
            "http://169.254.169.254/latest",
            "http://[::1]/x",
            "http://10.1.2.3/",
        ):
            body = {"url": url, "events": ["report.ready"]}
            assert_error(
                app.post("/api/v1/webhooks", json=body, headers=app.admin), 400, "INVALID_WEBHOOK_URL"
            )
        # a name is checked when delivering, against the addresses it resolves to
        body = {"url": "http://localhost:9/x", "events": ["interview.started"]}
        hook = app.post("/api/v1/webhooks", json=body, headers=app.admin).json()
        iv = interview(app, app.admin)
        join = {"Authorization": f"Bearer {iv['join_token']}"}
        app.post(f"/api/v1/interviews/{iv['id']}/messages", json={"text": "hi"}, headers=join)
        deliveries = f"/api/v1/webhooks/{hook['id']}/deliveries"
        log = wait_for(lambda: app.get(deliveries, headers=app.admin).json()["items"][0]["log"])
        assert "not a public address" in log[0]["error"] and log[0]["status_code"] is None
        app.delete(f"/api/v1/webhooks/{hook['id']}", headers=app.admin)
    finally:
        runtime.settings.webhooks.allow_private_addresses = allowed
        runtime.delivery.options = options


# -- share links ----------------------------------------------------------------------------------


def test_a_share_link_opens_its_report_only_until_revoked(app):
    done = answered(app, app.admin)
    other = answered(app, app.admin)
    r = app.post(f"/api/v1/interviews/{done['id']}/share", json={"expires_in_hours": 2}, headers=app.admin)
    assert r.status_code == 201, r.text
    share = r.json()
    assert share["url"].endswith(f"/shared/{share['share_token']}") and share["active"]
    report = app.get(f"/api/v1/shared/{share['share_token']}").json()  # no credential at all
    assert report["interview_id"] == done["id"] and report["questions"][0]["answer"].startswith(
        "First I read"
    )
    pdf = app.get(f"/api/v1/shared/{share['share_token']}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = app.get(f"/shared/{share['share_token']}")
    assert page.status_code == 200 and "Robin Example" in page.text and "EXPLAIN ANALYZE" in page.text
    assert "script" not in page.text and page.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    # the token opens nothing else: not the other interview, not the recruiter's routes
    token = {"Authorization": f"Bearer {share['share_token']}"}
    assert app.get(f"/api/v1/interviews/{other['id']}/report", headers=token).status_code in (401, 403)
    assert app.get(f"/api/v1/interviews/{done['id']}/transcript", headers=token).status_code in (401, 403)
    listed = app.get(f"/api/v1/interviews/{done['id']}/shares", headers=app.admin).json()
    assert [s["id"] for s in listed] == [share["id"]] and "share_token" not in listed[0]
    assert app.delete(f"/api/v1/shares/{share['id']}", headers=app.admin).status_code == 204
    assert_error(app.get(f"/api/v1/shared/{share['share_token']}"), 404, "SHARE_NOT_FOUND")
    assert app.get(f"/shared/{share['share_token']}").status_code == 404
    assert app.get(f"/api/v1/interviews/{done['id']}/shares", headers=app.admin).json()[0]["active"] is False
    # a report leaving the organisation is in the audit log, and so is its end
    logged = app.get("/api/v1/audit", headers=app.admin).json()["items"]
    mine = [(a["action"], a["details"]) for a in logged if a["target_id"] == done["id"]]
    assert ("share.create", {"share_id": share["id"], "expires_in_hours": 2}) in mine
    assert ("share.revoke", {"share_id": share["id"]}) in mine


def test_an_expired_share_link_answers_410(app):
    done = answered(app, app.admin)
    share = app.post(f"/api/v1/interviews/{done['id']}/share", headers=app.admin).json()
    runtime = app.app.state.runtime
    row = runtime.shares.get(share["id"])
    with runtime.shares._sessions.begin() as s:
        s.merge(row).expires_at = utc_now() - timedelta(minutes=1)
    assert_error(app.get(f"/api/v1/shared/{share['share_token']}"), 410, "SHARE_EXPIRED")
    assert app.get(f"/shared/{share['share_token']}").status_code == 410
    too_long = app.post(
        f"/api/v1/interviews/{done['id']}/share", json={"expires_in_hours": 10_000}, headers=app.admin
    )
    assert_error(too_long, 422, "VALIDATION_ERROR")


# -- the PDF --------------------------------------------------------------------------------------


def test_the_pdf_report_has_the_verdict_the_answers_and_the_flags(app):
    iv = interview(app, app.admin, mode="video")
    runtime = app.app.state.runtime
    app.portal.call(_video_interview, runtime, iv["id"])
    r = app.get(f"/api/v1/interviews/{iv['id']}/report.pdf", headers=app.admin)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "report.pdf"
    pdf.write_bytes(r.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / "report-page")],
        check=True,
    )
    assert (ARTIFACTS / "report-page-1.png").stat().st_size > 20_000  # a drawn page, not a blank one
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Robin Example" in flat and "Backend Engineer" in flat and "Overall score" in flat
    report = app.get(f"/api/v1/interviews/{iv['id']}/report", headers=app.admin).json()
    assert report["recommendation"].replace("_", " ").title() in flat
    assert "EXPLAIN ANALYZE" in flat and "staged rollout" in flat  # the candidate's answers
    assert "Integrity flags" in flat and "never a verdict" in flat and "second face" in flat
    assert "Attention over the interview" in flat


def test_no_pdf_before_the_report(app):
    iv = interview(app, app.admin)
    assert_error(
        app.get(f"/api/v1/interviews/{iv['id']}/report.pdf", headers=app.admin), 404, "REPORT_NOT_READY"
    )


# -- retention ------------------------------------------------------------------------------------


def test_the_retention_job_deletes_the_recorded_data_and_keeps_a_summary(app, tmp_path):
    runtime = app.app.state.runtime
    old, recent = answered(app, app.admin), answered(app, app.admin)
    samples = [
        {
            "t": 1.0,
            "faces": 1,
            "looking": True,
            "eyes_closed": False,
            "yaw": 0,
            "pitch": 0,
            "movement": 0,
            "issue": None,
        }
    ]
    for iv in (old, recent):
        runtime.repo.add_attention_samples(iv["id"], samples)
    recording = tmp_path / f"{old['id']}.webm"
    recording.write_bytes(b"not really a video")
    deleted: list[str] = []

    def delete_recording(interview_id: str) -> None:
        deleted.append(interview_id)
        (tmp_path / f"{interview_id}.webm").unlink(missing_ok=True)

    ended = runtime.repo.get(old["id"]).ended_at
    assert ended is not None
    runtime.repo.update(recent["id"], ended_at=utc_now() + timedelta(days=20))  # still within 30 days
    runtime.retention.recordings_hooks.append(delete_recording)
    runtime.retention.now = lambda: utc_now() + timedelta(days=31)  # the server's hourly job, a month on
    try:
        wait_for(lambda: runtime.repo.get(old["id"]).data_purged_at is not None)
    finally:
        runtime.retention.now = utc_now
        runtime.retention.recordings_hooks.remove(delete_recording)
    assert old["id"] in deleted and not recording.exists()
    headers = app.admin
    assert app.get(f"/api/v1/interviews/{old['id']}/transcript", headers=headers).json()["segments"] == []
    assert app.get(f"/api/v1/interviews/{old['id']}/events", headers=headers).json()["events"] == []
    assert runtime.repo.attention_samples(old["id"]) == []
    kept = app.get(f"/api/v1/interviews/{old['id']}", headers=headers).json()
    assert kept["status"] == "completed" and kept["candidate_name"] == "Robin Example"
    summary = app.get(f"/api/v1/interviews/{old['id']}/report", headers=headers).json()
    assert summary["overall_score"] is not None and summary["recommendation"]
    assert [q["score"] for q in summary["questions"]] and "answer" not in summary["questions"][0]
    assert "EXPLAIN" not in json.dumps(summary) and summary["retention"]["purged_at"]
    purges = app.get("/api/v1/audit", params={"action": "interview.purge"}, headers=headers).json()["items"]
    purged = {a["target_id"]: (a["actor_kind"], a["actor_id"]) for a in purges}
    assert purged[old["id"]] == ("system", "retention") and recent["id"] not in purged
    # the recent one keeps everything
    assert app.get(f"/api/v1/interviews/{recent['id']}/transcript", headers=headers).json()["segments"]
    assert runtime.repo.attention_samples(recent["id"])


def test_retention_zero_keeps_everything(app):
    runtime = app.app.state.runtime
    done = answered(app, app.admin)
    job = RetentionJob(runtime.retention.repo, days=0, now=lambda: utc_now() + timedelta(days=10_000))
    assert job.run_once() == []
    assert app.get(f"/api/v1/interviews/{done['id']}/transcript", headers=app.admin).json()["segments"]
