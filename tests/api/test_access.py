"""Who may call what, for every route the app has: one row per route, one column per
kind of caller. A route added without a row here fails `test_every_route_has_a_row`."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.app import create_app
from tests.api.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, api_settings, login
from tests.helpers import record_tones
from workspace.tokens import issue_access_token

CALLERS = ("none", "garbage", "expired", "join", "viewer", "recruiter", "admin", "other_admin", "revoked_key")
_ids = itertools.count()


@dataclass
class World:
    client: TestClient
    headers: dict[str, dict[str, str]]  # caller -> Authorization header (join: filled per request)
    completed: dict[str, Any]  # a finished chat interview of organisation A

    def new_interview(
        self, mode: str = "chat", consented: bool = False, started: bool = False, code: bool = False
    ) -> dict:
        body = {"role": "Backend Engineer", "mode": mode}
        if mode == "coding":
            body |= {"task_id": "balanced-brackets", "code_language": "python"}
        r = self.client.post("/api/v1/interviews", json=body, headers=self.headers["admin"])
        assert r.status_code == 201, r.text
        iv = r.json()
        join = {"Authorization": f"Bearer {iv['join_token']}"}
        if code:
            self.client.put(f"/api/v1/interviews/{iv['id']}/code", json=CODE, headers=join)
        if consented:
            self.client.post(f"/api/v1/interviews/{iv['id']}/consent", json={"recording": True}, headers=join)
        if started:
            self.client.post(f"/api/v1/interviews/{iv['id']}/messages", json={"text": "hi"}, headers=join)
        return iv

    def new_user(self) -> dict:
        body = {"email": f"u{next(_ids)}@acme.test", "password": "long enough password", "role": "viewer"}
        r = self.client.post("/api/v1/users", json=body, headers=self.headers["admin"])
        assert r.status_code == 201, r.text
        return r.json()

    def new_key(self) -> dict:
        r = self.client.post(
            "/api/v1/api-keys", json={"name": "ci", "role": "viewer"}, headers=self.headers["admin"]
        )
        assert r.status_code == 201, r.text
        return r.json()

    def new_job(self) -> dict:
        r = self.client.post("/api/v1/jobs", json={"title": "Data Engineer"}, headers=self.headers["admin"])
        assert r.status_code == 201, r.text
        return r.json()

    def new_candidate(self) -> dict:
        r = self.client.post("/api/v1/candidates", json={"name": "Robin"}, headers=self.headers["admin"])
        assert r.status_code == 201, r.text
        return r.json()

    def scheduled_interview(self) -> dict:
        body = {"role": "Backend Engineer", "mode": "chat", "scheduled_at": "2030-01-02T09:30:00Z"}
        r = self.client.post("/api/v1/interviews", json=body, headers=self.headers["admin"])
        assert r.status_code == 201, r.text
        return r.json()

    def new_webhook(self) -> dict:
        body = {"url": "https://hooks.example.com/intervox", "events": ["report.ready"]}
        r = self.client.post("/api/v1/webhooks", json=body, headers=self.headers["admin"])
        assert r.status_code == 201, r.text
        return r.json()

    def new_share(self) -> dict:
        r = self.client.post(
            f"/api/v1/interviews/{self.completed['id']}/share", headers=self.headers["admin"]
        )
        assert r.status_code == 201, r.text
        return r.json()

    def refresh_token(self) -> str:
        r = self.client.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        return str(r.json()["refresh_token"])


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Any:
    # LiveKit's keys (the aiortc backend still serves the media): its webhook checks signatures
    livekit = {"api_key": "APIaccess", "api_secret": "a-secret-of-at-least-thirty-two-characters"}
    settings = api_settings(tmp_path_factory.mktemp("access"), rate_limit={"enabled": False}, livekit=livekit)
    with TestClient(create_app(settings)) as c:
        admin = login(c)
        runtime = c.app.state.runtime
        for email, role in (("viewer@acme.test", "viewer"), ("recruiter@acme.test", "recruiter")):
            body = {"email": email, "password": "long enough password", "role": role}
            assert c.post("/api/v1/users", json=body, headers=admin).status_code == 201
        c.portal.call(_other_org_admin, runtime)
        key = c.post("/api/v1/api-keys", json={"name": "old", "role": "admin"}, headers=admin).json()
        c.delete(f"/api/v1/api-keys/{key['id']}", headers=admin)
        me = c.get("/api/v1/me", headers=admin).json()
        expired = issue_access_token(
            runtime.accounts._secret, me["id"], me["org"]["id"], "admin", timedelta(minutes=-1)
        )
        headers = {
            "none": {},
            "garbage": {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.garbage.garbage"},
            "expired": {"Authorization": f"Bearer {expired}"},
            "viewer": login(c, "viewer@acme.test", "long enough password"),
            "recruiter": login(c, "recruiter@acme.test", "long enough password"),
            "admin": admin,
            "other_admin": login(c, "admin@other.test", "long enough password"),
            "revoked_key": {"Authorization": f"Bearer {key['key']}"},
        }
        w = World(c, headers, {})
        done = w.new_interview(started=True)
        c.post(f"/api/v1/interviews/{done['id']}/end", headers=admin)
        record_tones(runtime.recordings, done["id"], 0.5)  # what a spoken interview leaves
        w.completed = done
        yield w


async def _other_org_admin(runtime: Any) -> None:
    runtime.accounts.ensure_admin("admin@other.test", "long enough password", "Other Ltd")


# -- the table ------------------------------------------------------------------------------
# Each row: how to build one request (method, path, json, the interview whose join token
# the "join" caller sends), and the expected status per caller.
Request = tuple[str, str, Any, dict | None]
PUBLIC = dict.fromkeys(CALLERS, 200)
READ = {
    "none": 401,
    "garbage": 401,
    "expired": 401,
    "join": 403,
    "viewer": 200,
    "recruiter": 200,
    "admin": 200,
    "other_admin": 404,
    "revoked_key": 401,
}
WRITE = READ | {"viewer": 403}
ORG_LIST = READ | {"other_admin": 200}  # their own organisation's (empty) list
ADMIN_ONLY = WRITE | {"recruiter": 403}
CANDIDATE = {
    "none": 401,
    "garbage": 403,
    "expired": 403,
    "join": 200,
    "viewer": 403,
    "recruiter": 403,
    "admin": 403,
    "other_admin": 403,
    "revoked_key": 403,
}
EITHER_READ = READ | {"join": 200}


@dataclass
class Row:
    build: Callable[[World], Request]
    expect: dict[str, int]


EVALUATE = {
    "question": "How would you make a slow query faster?",
    "key_points": ["index", "query plan"],
    "answer": "I read the query plan and add an index on the filtered column, because it avoids a full scan.",
    "section": "technical",
}
FILES = {"file": ("cv.txt", b"Backend engineer, 2019 - 2024: Python, PostgreSQL, Kubernetes.", "text/plain")}


def _iv(mode: str = "chat", **kw: Any) -> Callable[[World], dict]:
    return lambda w: w.new_interview(mode, **kw)


ROWS: dict[tuple[str, str], Row] = {
    ("GET", "/health"): Row(lambda w: ("GET", "/health", None, None), PUBLIC),
    # the dashboard's page holds no data (it signs in and calls the API), like the room's page
    ("GET", "/"): Row(lambda w: ("GET", "/", None, None), PUBLIC),
    ("POST", "/api/v1/auth/login"): Row(
        lambda w: ("POST", "/api/v1/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, None),
        PUBLIC,
    ),
    ("POST", "/api/v1/auth/refresh"): Row(
        lambda w: ("POST", "/api/v1/auth/refresh", {"refresh_token": w.refresh_token()}, None), PUBLIC
    ),
    ("POST", "/api/v1/auth/logout"): Row(
        lambda w: ("POST", "/api/v1/auth/logout", {"refresh_token": w.refresh_token()}, None),
        dict.fromkeys(CALLERS, 204),
    ),
    ("GET", "/api/v1/me"): Row(lambda w: ("GET", "/api/v1/me", None, None), READ | {"other_admin": 200}),
    ("GET", "/api/v1/users"): Row(
        lambda w: ("GET", "/api/v1/users", None, None), ADMIN_ONLY | {"other_admin": 200}
    ),
    ("POST", "/api/v1/users"): Row(
        lambda w: (
            "POST",
            "/api/v1/users",
            {"email": f"n{next(_ids)}@acme.test", "password": "long enough password"},
            None,
        ),
        ADMIN_ONLY | {"admin": 201, "other_admin": 201},
    ),
    ("DELETE", "/api/v1/users/{user_id}"): Row(
        lambda w: ("DELETE", f"/api/v1/users/{w.new_user()['id']}", None, None), ADMIN_ONLY | {"admin": 204}
    ),
    ("POST", "/api/v1/api-keys"): Row(
        lambda w: ("POST", "/api/v1/api-keys", {"name": "k", "role": "viewer"}, None),
        WRITE | {"recruiter": 201, "admin": 201, "other_admin": 201},
    ),
    ("GET", "/api/v1/api-keys"): Row(lambda w: ("GET", "/api/v1/api-keys", None, None), ORG_LIST),
    ("DELETE", "/api/v1/api-keys/{key_id}"): Row(
        lambda w: ("DELETE", f"/api/v1/api-keys/{w.new_key()['id']}", None, None), WRITE
    ),
    ("POST", "/api/v1/interviews"): Row(
        lambda w: ("POST", "/api/v1/interviews", {"role": "QA Engineer"}, None),
        WRITE | {"recruiter": 201, "admin": 201, "other_admin": 201},
    ),
    ("GET", "/api/v1/interviews"): Row(lambda w: ("GET", "/api/v1/interviews", None, None), ORG_LIST),
    ("GET", "/api/v1/interviews/{interview_id}"): Row(
        lambda w: ("GET", f"/api/v1/interviews/{w.completed['id']}", None, w.completed), EITHER_READ
    ),
    ("POST", "/api/v1/interviews/{interview_id}/end"): Row(
        lambda w: (lambda iv: ("POST", f"/api/v1/interviews/{iv['id']}/end", None, iv))(_iv(started=True)(w)),
        WRITE | {"join": 200},
    ),
    ("POST", "/api/v1/interviews/{interview_id}/cancel"): Row(
        lambda w: (lambda iv: ("POST", f"/api/v1/interviews/{iv['id']}/cancel", None, iv))(_iv()(w)), WRITE
    ),
    ("DELETE", "/api/v1/interviews/{interview_id}"): Row(
        lambda w: (lambda iv: ("DELETE", f"/api/v1/interviews/{iv['id']}", None, iv))(_iv()(w)),
        WRITE | {"recruiter": 204, "admin": 204},
    ),
    ("POST", "/api/v1/interviews/{interview_id}/resume"): Row(
        lambda w: (lambda iv: ("POST", f"/api/v1/interviews/{iv['id']}/resume", FILES, iv))(_iv()(w)), WRITE
    ),
    ("POST", "/api/v1/evaluate"): Row(
        lambda w: ("POST", "/api/v1/evaluate", EVALUATE, None), WRITE | {"other_admin": 200}
    ),
    ("POST", "/api/v1/coaching/feedback"): Row(
        lambda w: ("POST", "/api/v1/coaching/feedback", EVALUATE, None), WRITE | {"other_admin": 200}
    ),
    ("POST", "/api/v1/coaching/practice-questions"): Row(
        lambda w: (
            "POST",
            "/api/v1/coaching/practice-questions",
            {"role": "Data Engineer", "skill": "sql"},
            None,
        ),
        WRITE | {"other_admin": 200},
    ),
    ("GET", "/api/v1/interviewers"): Row(
        lambda w: ("GET", "/api/v1/interviewers", None, None), READ | {"other_admin": 200}
    ),
    ("GET", "/api/v1/voices"): Row(
        lambda w: ("GET", "/api/v1/voices", None, None), READ | {"other_admin": 200}
    ),
    ("GET", "/api/v1/interviews/{interview_id}/transcript"): Row(
        lambda w: ("GET", f"/api/v1/interviews/{w.completed['id']}/transcript", None, w.completed), READ
    ),
    ("GET", "/api/v1/interviews/{interview_id}/report"): Row(
        lambda w: ("GET", f"/api/v1/interviews/{w.completed['id']}/report", None, w.completed), READ
    ),
    ("GET", "/api/v1/interviews/{interview_id}/events"): Row(
        lambda w: ("GET", f"/api/v1/interviews/{w.completed['id']}/events", None, w.completed), READ
    ),
    ("GET", "/api/v1/interviews/{interview_id}/attention.png"): Row(
        lambda w: (lambda iv: ("GET", f"/api/v1/interviews/{iv['id']}/attention.png", None, iv))(
            _iv("video")(w)
        ),
        READ,
    ),
    ("GET", "/api/v1/interviews/{interview_id}/report.pdf"): Row(
        lambda w: ("GET", f"/api/v1/interviews/{w.completed['id']}/report.pdf", None, w.completed), READ
    ),
    # the recording: recruiters of the organisation only, never its candidate
    ("GET", "/api/v1/interviews/{interview_id}/recording"): Row(
        lambda w: ("GET", f"/api/v1/interviews/{w.completed['id']}/recording", None, w.completed), READ
    ),
    # webhooks send candidates' data elsewhere: admins only
    ("POST", "/api/v1/webhooks"): Row(
        lambda w: (
            "POST",
            "/api/v1/webhooks",
            {"url": "https://h.example.com/x", "events": ["report.ready"]},
            None,
        ),
        ADMIN_ONLY | {"admin": 201, "other_admin": 201},
    ),
    ("GET", "/api/v1/webhooks"): Row(
        lambda w: ("GET", "/api/v1/webhooks", None, None), ADMIN_ONLY | {"other_admin": 200}
    ),
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): Row(
        lambda w: ("DELETE", f"/api/v1/webhooks/{w.new_webhook()['id']}", None, None),
        ADMIN_ONLY | {"admin": 204},
    ),
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): Row(
        lambda w: ("GET", f"/api/v1/webhooks/{w.new_webhook()['id']}/deliveries", None, None), ADMIN_ONLY
    ),
    ("POST", "/api/v1/interviews/{interview_id}/share"): Row(
        lambda w: ("POST", f"/api/v1/interviews/{w.completed['id']}/share", None, w.completed),
        WRITE | {"recruiter": 201, "admin": 201},
    ),
    ("GET", "/api/v1/interviews/{interview_id}/shares"): Row(
        lambda w: ("GET", f"/api/v1/interviews/{w.completed['id']}/shares", None, w.completed), READ
    ),
    ("DELETE", "/api/v1/shares/{share_id}"): Row(
        lambda w: ("DELETE", f"/api/v1/shares/{w.new_share()['id']}", None, None),
        WRITE | {"recruiter": 204, "admin": 204},
    ),
    # a share link opens its report whoever sends it, with or without a credential
    ("GET", "/api/v1/shared/{share_token}"): Row(
        lambda w: ("GET", f"/api/v1/shared/{w.new_share()['share_token']}", None, None), PUBLIC
    ),
    ("GET", "/api/v1/shared/{share_token}/report.pdf"): Row(
        lambda w: ("GET", f"/api/v1/shared/{w.new_share()['share_token']}/report.pdf", None, None), PUBLIC
    ),
    ("GET", "/shared/{share_token}"): Row(
        lambda w: ("GET", f"/shared/{w.new_share()['share_token']}", None, None), PUBLIC
    ),
    ("POST", "/api/v1/interviews/{interview_id}/consent"): Row(
        lambda w: (lambda iv: ("POST", f"/api/v1/interviews/{iv['id']}/consent", {"recording": True}, iv))(
            _iv("audio")(w)
        ),
        CANDIDATE,
    ),
    ("POST", "/api/v1/interviews/{interview_id}/messages"): Row(
        lambda w: (lambda iv: ("POST", f"/api/v1/interviews/{iv['id']}/messages", {"text": "hello"}, iv))(
            _iv()(w)
        ),
        CANDIDATE,
    ),
    ("GET", "/api/v1/interviews/{interview_id}/feedback"): Row(  # allowed, but off by default
        lambda w: ("GET", f"/api/v1/interviews/{w.completed['id']}/feedback", None, w.completed),
        CANDIDATE | {"join": 404},
    ),
    ("POST", "/api/v1/interviews/{interview_id}/rtc/offer"): Row(  # past the door: the SDP is refused
        lambda w: (
            lambda iv: (
                "POST",
                f"/api/v1/interviews/{iv['id']}/rtc/offer",
                {"sdp": "v=0", "type": "offer"},
                iv,
            )
        )(_iv("audio", consented=True)(w)),
        CANDIDATE | {"join": 400},
    ),
    ("POST", "/api/v1/interviews/{interview_id}/rtc/join"): Row(  # aiortc here: {"backend": "aiortc"}
        lambda w: (lambda iv: ("POST", f"/api/v1/interviews/{iv['id']}/rtc/join", None, iv))(
            _iv("audio", consented=True)(w)
        ),
        CANDIDATE,
    ),
    # LiveKit's server signs its webhooks with the API secret: no credential of ours opens it
    ("POST", "/api/v1/livekit/webhook"): Row(
        lambda w: ("POST", "/api/v1/livekit/webhook", {"event": "participant_joined"}, None),
        dict.fromkeys(CALLERS, 401),
    ),
    ("GET", "/api/v1/interviews/{interview_id}/rtc/config"): Row(
        lambda w: (lambda iv: ("GET", f"/api/v1/interviews/{iv['id']}/rtc/config", None, iv))(
            _iv("audio")(w)
        ),
        CANDIDATE,
    ),
    ("POST", "/api/v1/phone/{interview_id}/twiml"): Row(
        lambda w: (lambda iv: ("POST", f"/api/v1/phone/{iv['id']}/twiml", None, iv))(_iv("phone")(w)),
        CANDIDATE,
    ),
    ("GET", "/interview/{interview_id}"): Row(  # the room page; a recruiter credential is not its token
        lambda w: (lambda iv: ("GET", f"/interview/{iv['id']}", None, iv))(_iv("audio")(w)),
        CANDIDATE
        | {
            "none": 200,
            "garbage": 404,
            "expired": 404,
            "viewer": 404,
            "recruiter": 404,
            "admin": 404,
            "other_admin": 404,
            "revoked_key": 404,
        },
    ),
}
CREATED = {"recruiter": 201, "admin": 201, "other_admin": 201}  # in their own organisation
JOB = "/api/v1/jobs"
CAND = "/api/v1/candidates"


def _job(method: str, tail: str = "", body: Any = None) -> Callable[[World], Request]:
    return lambda w: (method, f"{JOB}/{w.new_job()['id']}{tail}", body, None)


def _cand(method: str, tail: str = "", body: Any = None) -> Callable[[World], Request]:
    return lambda w: (method, f"{CAND}/{w.new_candidate()['id']}{tail}", body, None)


def _invitation(tail: str) -> Callable[[World], Request]:
    return lambda w: (lambda iv: ("GET", f"/api/v1/interviews/{iv['id']}/{tail}", None, iv))(
        w.scheduled_interview()
    )


ROWS |= {
    ("POST", JOB): Row(lambda w: ("POST", JOB, {"title": "QA Engineer"}, None), WRITE | CREATED),
    ("GET", JOB): Row(lambda w: ("GET", JOB, None, None), ORG_LIST),
    ("POST", f"{JOB}/generate-description"): Row(
        lambda w: ("POST", f"{JOB}/generate-description", {"title": "QA Engineer"}, None),
        WRITE | {"other_admin": 200},
    ),
    ("GET", f"{JOB}/{{job_id}}"): Row(_job("GET"), READ),
    ("PATCH", f"{JOB}/{{job_id}}"): Row(_job("PATCH", body={"skills": ["SQL"]}), WRITE),
    ("POST", f"{JOB}/{{job_id}}/archive"): Row(_job("POST", "/archive"), WRITE),
    ("DELETE", f"{JOB}/{{job_id}}"): Row(_job("DELETE"), WRITE | {"recruiter": 204, "admin": 204}),
    ("POST", CAND): Row(lambda w: ("POST", CAND, {"name": "Sam"}, None), WRITE | CREATED),
    ("GET", CAND): Row(lambda w: ("GET", CAND, None, None), ORG_LIST),
    ("GET", f"{CAND}/{{candidate_id}}"): Row(_cand("GET"), READ),
    ("PATCH", f"{CAND}/{{candidate_id}}"): Row(_cand("PATCH", body={"phone": "+1 555 0100"}), WRITE),
    ("DELETE", f"{CAND}/{{candidate_id}}"): Row(_cand("DELETE"), WRITE),
    ("GET", f"{CAND}/{{candidate_id}}/export"): Row(_cand("GET", "/export"), WRITE),  # the whole file
    ("POST", f"{CAND}/{{candidate_id}}/resume"): Row(_cand("POST", "/resume", FILES), WRITE),
    ("POST", f"{CAND}/{{candidate_id}}/notes"): Row(
        _cand("POST", "/notes", {"text": "Strong on SQL"}), WRITE | {"recruiter": 201, "admin": 201}
    ),
    ("GET", f"{CAND}/{{candidate_id}}/notes"): Row(_cand("GET", "/notes"), READ),
    ("GET", f"{CAND}/{{candidate_id}}/interviews"): Row(_cand("GET", "/interviews"), READ),
    ("GET", "/api/v1/audit"): Row(
        lambda w: ("GET", "/api/v1/audit", None, None), ADMIN_ONLY | {"other_admin": 200}
    ),
    ("GET", "/api/v1/workers"): Row(
        lambda w: ("GET", "/api/v1/workers", None, None), ADMIN_ONLY | {"other_admin": 200}
    ),
    ("GET", "/api/v1/interviews/{interview_id}/invitation"): Row(_invitation("invitation"), READ),
    ("GET", "/api/v1/interviews/{interview_id}/invitation.ics"): Row(_invitation("invitation.ics"), READ),
}
CODE = {"language": "python", "code": "def is_balanced(s):\n    return True\n"}
TASK = "/api/v1/tasks"


def _coding(
    tail: str, body: Any = None, method: str = "POST", code: bool = False
) -> Callable[[World], Request]:
    """A new coding interview (with a saved draft when `code`), and a request on it."""

    def build(w: World) -> Request:
        iv = w.new_interview("coding", code=code)
        return (method, f"/api/v1/interviews/{iv['id']}/{tail}", body, iv)

    return build


def _new_task(w: World) -> Request:
    body = w.client.get(f"{TASK}/balanced-brackets", headers=w.headers["admin"]).json()
    return ("POST", TASK, {k: v for k, v in body.items() if k != "source"}, None)


ROWS |= {
    ("GET", "/api/v1/interviews/{interview_id}/task"): Row(_coding("task", method="GET"), EITHER_READ),
    ("PUT", "/api/v1/interviews/{interview_id}/code"): Row(_coding("code", CODE, "PUT"), CANDIDATE),
    ("POST", "/api/v1/interviews/{interview_id}/run"): Row(_coding("run", CODE), CANDIDATE),
    ("POST", "/api/v1/interviews/{interview_id}/integrity"): Row(
        _coding("integrity", {"type": "tab_switch", "details": {"duration_ms": 1500}}),
        CANDIDATE | {"join": 202},
    ),
    ("GET", "/api/v1/interviews/{interview_id}/code"): Row(_coding("code", method="GET", code=True), READ),
    ("GET", "/api/v1/interviews/{interview_id}/integrity"): Row(_coding("integrity", method="GET"), READ),
    ("GET", TASK): Row(lambda w: ("GET", TASK, None, None), ORG_LIST),
    ("GET", f"{TASK}/{{task_id}}"): Row(
        lambda w: ("GET", f"{TASK}/balanced-brackets", None, None), READ | {"other_admin": 200}
    ),
    ("POST", TASK): Row(_new_task, WRITE | CREATED),
}
WEBSOCKETS = {
    # the events socket: the candidate's stream with the join token, everything for a recruiter
    "/api/v1/ws/interviews/{interview_id}": {
        "none": 4001,
        "garbage": 4001,
        "expired": 4001,
        "join": "open",
        "viewer": "open",
        "recruiter": "open",
        "admin": "open",
        "other_admin": 4004,
        "revoked_key": 4001,
    },
    # the organisation's live status stream: recruiter credentials, each for its own organisation
    "/api/v1/ws/events": dict.fromkeys(CALLERS, 4001)
    | dict.fromkeys(("viewer", "recruiter", "admin", "other_admin"), "open"),
    # a phone call's media stream: only the join token, sent in the start message
    "/api/v1/phone/{interview_id}/stream": dict.fromkeys(CALLERS, 4001) | {"join": "open"},
}


def flat_routes(routes: list[Any]) -> list[Any]:
    """The app's routes, with included routers opened (FastAPI keeps them nested)."""
    flat = []
    for route in routes:
        included = getattr(route, "original_router", None)
        flat += flat_routes(included.routes) if included is not None else [route]
    return flat


def app_routes(app: Any) -> tuple[set[tuple[str, str]], set[str]]:
    routes = flat_routes(app.routes)
    http = {(m, r.path) for r in routes if isinstance(r, APIRoute) for m in r.methods if m != "HEAD"}
    ws = {r.path for r in routes if isinstance(r, APIWebSocketRoute)}
    assert len(http) > 20  # the walk found the routes
    return http, ws


def test_every_route_has_a_row(world):
    http, ws = app_routes(world.client.app)
    docs = {("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/docs/oauth2-redirect"), ("GET", "/redoc")}
    assert http - docs - set(ROWS) == set(), "routes without a row in the access table"
    assert set(ROWS) - http == set(), "rows for routes that do not exist"
    assert ws == set(WEBSOCKETS)


@pytest.mark.parametrize("route", list(ROWS), ids=lambda r: f"{r[0]} {r[1]}")
def test_each_caller_gets_what_the_table_says(world, route):
    row = ROWS[route]
    got = {}
    for caller in CALLERS:
        method, path, body, interview = row.build(world)
        headers = dict(world.headers.get(caller, {}))
        if caller == "join":
            target = interview or world.completed
            headers = {"Authorization": f"Bearer {target['join_token']}"}
        if body is FILES:
            response = world.client.request(method, path, files=FILES, headers=headers)
        else:
            response = world.client.request(method, path, json=body, headers=headers)
        got[caller] = response.status_code
        if response.status_code >= 400 and response.headers.get("content-type", "").startswith(
            "application/json"
        ):
            assert set(response.json()) == {"error"}, response.text
    assert got == row.expect


@pytest.mark.parametrize("path", list(WEBSOCKETS))
def test_each_caller_on_the_websockets(world, path):
    got = {}
    for caller in CALLERS:
        iv = world.new_interview("phone" if "phone" in path else "chat", consented=True)
        header = world.headers.get(caller, {}).get("Authorization", "")
        token = iv["join_token"] if caller == "join" else header.removeprefix("Bearer ")
        url = path.replace("{interview_id}", iv["id"])
        got[caller] = _ws_outcome(world.client, url, token, phone="phone" in path)
    assert got == WEBSOCKETS[path]


def _ws_outcome(client: TestClient, url: str, token: str, phone: bool) -> int | str:
    try:
        if phone:
            with client.websocket_connect(url) as ws:
                ws.send_json(
                    {"event": "start", "start": {"streamSid": "MZ1", "customParameters": {"token": token}}}
                )
                first = ws.receive_json()  # the interviewer's first words arrive when the call is accepted
                ws.send_json({"event": "stop"})
                return "open" if first["event"] == "media" else "?"
        with client.websocket_connect(f"{url}?token={token}" if token else url) as ws:
            return "open" if ws.receive_json()["type"] == "connected" else "?"
    except WebSocketDisconnect as closed:
        return closed.code


def test_another_organisation_sees_none_of_ours(world):
    other = world.headers["other_admin"]
    listed = world.client.get("/api/v1/interviews", headers=other).json()
    assert world.completed["id"] not in [i["id"] for i in listed["items"]]
    users = world.client.get("/api/v1/users", headers=other).json()
    emails = [u["email"] for u in users]
    assert "admin@other.test" in emails and not {
        ADMIN_EMAIL,
        "viewer@acme.test",
        "recruiter@acme.test",
    } & set(emails)
    keys = world.client.get("/api/v1/api-keys", headers=other).json()
    assert all(k["name"] != "old" for k in keys)
    ours = world.new_webhook()
    assert ours["id"] not in [h["id"] for h in world.client.get("/api/v1/webhooks", headers=other).json()]


def test_a_share_token_opens_only_its_own_report(world):
    c, share = world.client, world.new_share()
    other = world.new_interview(started=True)
    c.post(f"/api/v1/interviews/{other['id']}/end", headers=world.headers["admin"])
    token = {"Authorization": f"Bearer {share['share_token']}"}
    assert c.get(f"/api/v1/shared/{share['share_token']}").json()["interview_id"] == world.completed["id"]
    for path in (
        f"/api/v1/interviews/{other['id']}/report",
        f"/api/v1/interviews/{world.completed['id']}/report",
        f"/api/v1/interviews/{world.completed['id']}/transcript",
        f"/api/v1/interviews/{world.completed['id']}/report.pdf",
        "/api/v1/interviews",
    ):
        assert c.get(path, headers=token).status_code in (401, 403), path
    assert c.get(f"/api/v1/interviews/{world.completed['id']}", headers=token).status_code == 403
    assert c.get(f"/api/v1/shared/{share['share_token']}x").status_code == 404
    assert (
        c.get(f"/api/v1/shared/{world.completed['join_token']}").status_code == 404
    )  # a join token is no share


def test_an_api_key_acts_with_its_role_in_its_organisation(world):
    c, admin = world.client, world.headers["admin"]
    created = c.post("/api/v1/api-keys", json={"name": "ats", "role": "recruiter"}, headers=admin).json()
    assert created["key"].startswith("ivx_") and created["prefix"] == created["key"][:12]
    listed = c.get("/api/v1/api-keys", headers=admin).json()
    assert all("key" not in k and "key_hash" not in k for k in listed)  # shown once, stored hashed
    key = {"Authorization": f"Bearer {created['key']}"}
    assert c.get("/api/v1/me", headers=key).json()["role"] == "recruiter"
    assert c.post("/api/v1/interviews", json={"role": "QA"}, headers=key).status_code == 201
    assert c.get("/api/v1/users", headers=key).status_code == 403  # recruiter, not admin
    viewer = world.headers["viewer"]
    r = c.post("/api/v1/api-keys", json={"name": "x", "role": "admin"}, headers=world.headers["recruiter"])
    assert r.status_code == 403  # never more than its creator
    assert c.post("/api/v1/api-keys", json={"name": "x"}, headers=viewer).status_code == 403
    c.delete(f"/api/v1/api-keys/{created['id']}", headers=admin)
    assert c.get("/api/v1/me", headers=key).status_code == 401
