"""The recruiter's dashboard as the server serves it (page, modules, styles, CSP), the
organisation's live status socket (scoped to one organisation), and the list fields it shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.middleware import STRICT_PAGE_CSP
from tests.api.conftest import api_settings, login
from tests.api.test_reports_and_webhooks import ANSWERS, QUESTIONS, _video_interview

DASHBOARD = Path(__file__).parents[2] / "web" / "dashboard"
OTHER = ("admin@other.test", "long enough password")


@pytest.fixture(scope="module")
def app_client(tmp_path_factory) -> Any:
    settings = api_settings(
        tmp_path_factory.mktemp("dashboard"), rate_limit={"enabled": False}, vision={"enabled": False}
    )
    with TestClient(create_app(settings)) as c:
        c.portal.call(_other_org_admin, c.app.state.runtime)
        c.admin = login(c)  # type: ignore[attr-defined]
        c.other = login(c, *OTHER)  # type: ignore[attr-defined]
        yield c


async def _other_org_admin(runtime: Any) -> None:
    runtime.accounts.ensure_admin(OTHER[0], OTHER[1], "Other Ltd")


def token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def create(c: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    body = {"role": "Backend Engineer", "mode": "chat", "questions": QUESTIONS} | body
    r = c.post("/api/v1/interviews", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


# -- the page and its files --------------------------------------------------------------------


def test_the_dashboard_is_served_at_the_root_with_a_strict_policy(app_client):
    page = app_client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == STRICT_PAGE_CSP
    assert "unsafe-inline" not in STRICT_PAGE_CSP and "script-src 'self'" in STRICT_PAGE_CSP
    assert page.text == (DASHBOARD / "index.html").read_text()
    # no inline script or style: the policy would block them
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts and all('src="/static/dashboard/' in attrs and not body.strip() for attrs, body in scripts)
    assert "<style" not in page.text and " style=" not in page.text
    assert ' type="module"' in scripts[0][0]


def test_every_module_and_stylesheet_is_served_with_its_type(app_client):
    modules = sorted(DASHBOARD.glob("*.js"))
    assert {m.name for m in modules} >= {"app.js", "api.js", "interview.js"}
    for module in modules:
        r = app_client.get(f"/static/dashboard/{module.name}")
        assert r.status_code == 200, module.name
        assert r.headers["content-type"].split(";")[0] in ("text/javascript", "application/javascript")
        assert r.headers["x-content-type-options"] == "nosniff"
        # every relative import names a file that exists (a typo would only show in a browser)
        for imported in re.findall(r'from "\./([\w.-]+)"', r.text):
            assert (DASHBOARD / imported).is_file(), f"{module.name} imports {imported}"
        assert ".innerHTML" not in r.text, f"{module.name}: build elements from text, not markup"
    css = app_client.get("/static/dashboard/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


# -- the organisation's live status ------------------------------------------------------------


def next_status(ws: Any) -> dict[str, Any]:
    event = ws.receive_json()
    assert event["type"] == "interview_status", event
    assert set(event) == {"type", "data", "ts"}
    return dict(event["data"])


def test_status_changes_reach_only_their_own_organisation(app_client):
    c = app_client
    with (
        c.websocket_connect(f"/api/v1/ws/events?token={token(c.admin)}") as ours,
        c.websocket_connect(f"/api/v1/ws/events?token={token(c.other)}") as theirs,
    ):
        assert ours.receive_json()["type"] == "connected"
        assert theirs.receive_json()["type"] == "connected"

        iv = create(c, c.admin)
        assert next_status(ours) == {"interview_id": iv["id"], "status": "scheduled"}
        join = {"Authorization": f"Bearer {iv['join_token']}"}
        c.post(f"/api/v1/interviews/{iv['id']}/messages", json={"text": "hello"}, headers=join)
        assert next_status(ours) == {"interview_id": iv["id"], "status": "in_progress"}
        c.post(f"/api/v1/interviews/{iv['id']}/messages", json={"text": ANSWERS[0]}, headers=join)
        assert c.post(f"/api/v1/interviews/{iv['id']}/end", headers=c.admin).status_code == 200
        assert next_status(ours) == {"interview_id": iv["id"], "status": "completed"}
        ready = next_status(ours)
        assert ready["status"] == "completed" and ready["report_ready"] is True
        assert ready["recommendation"] and isinstance(ready["overall_score"], int | float)

        called_off = create(c, c.admin)
        assert next_status(ours)["status"] == "scheduled"
        assert c.post(f"/api/v1/interviews/{called_off['id']}/cancel", headers=c.admin).status_code == 200
        assert next_status(ours) == {"interview_id": called_off["id"], "status": "cancelled"}

        # the other organisation heard none of that: the first thing it hears is its own interview
        theirs_iv = create(c, c.other)
        assert next_status(theirs) == {"interview_id": theirs_iv["id"], "status": "scheduled"}
        ours.send_json({"type": "ping"})  # what a client says is ignored, the socket stays open
        mine_again = create(c, c.admin)
        assert next_status(ours)["interview_id"] == mine_again["id"]


def test_the_list_shows_each_reports_headline_and_the_transcript_names_segments(app_client):
    c = app_client
    iv = create(c, c.admin, mode="video", candidate_name="Robin Example")
    c.portal.call(_video_interview, c.app.state.runtime, iv["id"])
    waiting = create(c, c.admin)
    items = {i["id"]: i for i in c.get("/api/v1/interviews", headers=c.admin).json()["items"]}
    done = items[iv["id"]]
    report = c.get(f"/api/v1/interviews/{iv['id']}/report", headers=c.admin).json()
    assert done["overall_score"] == report["overall_score"]
    assert done["recommendation"] == report["recommendation"]
    assert done["flag_count"] == len(report["attention"]["flags"]) >= 1  # the second face
    assert items[waiting["id"]]["overall_score"] is None and items[waiting["id"]]["flag_count"] is None
    segments = c.get(f"/api/v1/interviews/{iv['id']}/transcript", headers=c.admin).json()["segments"]
    assert segments and all(isinstance(s["id"], int) for s in segments)
