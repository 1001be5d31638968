"""An app on a temporary database with a first admin, and helpers to call it as each side."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.servers import api_database_url

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@acme.test", "correct horse battery staple"


def api_settings(tmp_path, **overrides) -> Settings:
    base = {
        "database_url": api_database_url(tmp_path),
        "admin_email": ADMIN_EMAIL,
        "admin_password": ADMIN_PASSWORD,
        "admin_org": "Acme",
    }
    return Settings(**(base | overrides))


def login(client: TestClient, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with TestClient(create_app(api_settings(tmp_path_factory.mktemp("api")))) as c:
        c.recruiter = login(c)  # type: ignore[attr-defined]
        yield c


def create(client, **body):
    body.setdefault("role", "Backend Engineer")
    r = client.post("/api/v1/interviews", json=body, headers=client.recruiter)
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


def consent(client, interview):
    r = client.post(
        f"/api/v1/interviews/{interview['id']}/consent", json={"recording": True}, headers=auth(interview)
    )
    assert r.status_code == 200, r.text
