"""Signing in at the trust boundary: brute force is throttled per account and client, secrets stay
out of the logs, and access/refresh tokens expire, rotate and revoke as a recruiter would expect."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, api_settings, assert_error, create, login
from workspace.tokens import issue_access_token

OTHER_EMAIL, OTHER_PASSWORD = "second@acme.test", "another long passphrase 42"
WRONG_PASSWORDS = [f"Wrong-Guess-{i}-zebra" for i in range(5)]


@pytest.fixture
def fresh(tmp_path):
    """A client with its own limiter counters (module-scoped clients would share the lock-out)."""
    with TestClient(create_app(api_settings(tmp_path))) as c:
        c.recruiter = login(c)  # type: ignore[attr-defined]
        r = c.post(
            "/api/v1/users",
            json={"email": OTHER_EMAIL, "password": OTHER_PASSWORD, "role": "recruiter"},
            headers=c.recruiter,  # type: ignore[attr-defined]
        )
        assert r.status_code == 201, r.text
        yield c


def _login(client: TestClient, email: str, password: str):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def _all_log_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record as a handler would print it, plus its raw args."""
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_text:
            parts.append(record.exc_text)
    return "\n".join(parts)


def test_brute_force_is_locked_out_with_retry_after_and_secrets_stay_out_of_the_logs(fresh, caplog):
    caplog.set_level(logging.DEBUG)
    interview = create(fresh, mode="chat")
    token = interview["join_token"]
    # The candidate's token travels in a query string once, as a link would carry it.
    assert fresh.get(f"/api/v1/interviews/{interview['id']}?token={token}").status_code in (200, 401, 403)
    fresh.post(
        f"/api/v1/interviews/{interview['id']}/consent",
        json={"recording": True},
        headers={"Authorization": f"Bearer {token}"},
    )

    for wrong in WRONG_PASSWORDS:
        assert_error(_login(fresh, ADMIN_EMAIL, wrong), 401, "INVALID_CREDENTIALS")

    # The sixth attempt is refused before the password is even checked, even when it is right.
    locked = _login(fresh, ADMIN_EMAIL, ADMIN_PASSWORD)
    error = assert_error(locked, 429, "RATE_LIMITED")
    retry_after = locked.headers.get("Retry-After")
    assert retry_after is not None and retry_after.isdigit(), locked.headers
    assert 1 <= int(retry_after) <= 60
    assert error["details"].get("retry_after") == int(retry_after)
    # Same account, different case: still the same account.
    assert_error(_login(fresh, ADMIN_EMAIL.upper(), ADMIN_PASSWORD), 429, "RATE_LIMITED")

    # Another account from the same client is not locked out.
    assert _login(fresh, OTHER_EMAIL, OTHER_PASSWORD).status_code == 200

    logs = _all_log_text(caplog)
    assert "failed login" in logs  # the failures are logged, so the check below looks at real records
    for secret in [*WRONG_PASSWORDS, ADMIN_PASSWORD, OTHER_PASSWORD, token]:
        assert secret not in logs, f"{secret!r} leaked into the logs"


def test_successful_logins_do_not_count_towards_the_lock_out(fresh):
    for _ in range(8):
        assert _login(fresh, ADMIN_EMAIL, ADMIN_PASSWORD).status_code == 200
    for wrong in WRONG_PASSWORDS[:4]:
        assert _login(fresh, ADMIN_EMAIL, wrong).status_code == 401
    assert _login(fresh, ADMIN_EMAIL, ADMIN_PASSWORD).status_code == 200


def test_an_expired_access_token_is_refused_with_token_expired(fresh):
    me = fresh.get("/api/v1/me", headers=fresh.recruiter).json()
    secret = fresh.app.state.runtime.accounts._secret
    expired = issue_access_token(secret, me["id"], me["org"]["id"], me["role"], timedelta(seconds=-60))
    assert_error(
        fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"}), 401, "TOKEN_EXPIRED"
    )
    # The same claims, still valid, pass: it is the expiry that is refused.
    valid = issue_access_token(secret, me["id"], me["org"]["id"], me["role"], timedelta(minutes=5))
    assert fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {valid}"}).status_code == 200
    # A token signed with another secret is not expired, just invalid.
    forged = issue_access_token("x" * 40, me["id"], me["org"]["id"], me["role"], timedelta(minutes=5))
    forged_error = assert_error(
        fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}), 401, "UNAUTHORIZED"
    )
    assert forged_error["code"] != "TOKEN_EXPIRED"


def test_refresh_rotates_and_reuse_revokes_the_whole_session(fresh):
    first = _login(fresh, ADMIN_EMAIL, ADMIN_PASSWORD).json()
    r = fresh.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (
        fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {second['access_token']}"}).status_code
        == 200
    )

    # The old refresh token is refused the second time ...
    assert_error(
        fresh.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}),
        401,
        "UNAUTHORIZED",
    )
    # ... and that reuse revoked the token it had been rotated into.
    assert_error(
        fresh.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}),
        401,
        "UNAUTHORIZED",
    )


def test_logout_revokes_the_refresh_token(fresh):
    pair = _login(fresh, ADMIN_EMAIL, ADMIN_PASSWORD).json()
    r = fresh.post("/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 204, r.text
    assert_error(
        fresh.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}), 401, "UNAUTHORIZED"
    )
    # Another session of the same user is untouched by this logout.
    other = _login(fresh, ADMIN_EMAIL, ADMIN_PASSWORD).json()
    assert (
        fresh.post("/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 200
    )


@pytest.mark.slow
async def test_over_real_http_the_access_log_never_shows_tokens_or_passwords(tmp_path, caplog):
    """uvicorn's access log writes every URL; the join token rides in `?token=` links."""
    from api.server import InterviewClient, running_server

    async with running_server(api_settings(tmp_path, vision={"enabled": False})) as server:
        caplog.set_level(logging.INFO, logger="uvicorn.access")  # running_server starts it at warning
        access_logger = logging.getLogger("uvicorn.access")
        access_logger.addHandler(caplog.handler)  # uvicorn's access logger does not propagate to the root
        client = InterviewClient(server.base_url)
        try:
            await client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
            interview = await client.create(mode="chat")
            token = interview["join_token"]
            room = await client.http.get(f"/interview/{interview['id']}?token={token}")
            assert room.status_code == 200
            consent = await client.http.post(
                f"/api/v1/interviews/{interview['id']}/consent?token={token}", json={"recording": True}
            )
            assert consent.status_code == 200, consent.text
            await client.http.get(f"/health?password={WRONG_PASSWORDS[0]}&access_token={token}")
            for wrong in WRONG_PASSWORDS:
                r = await client.http.post(
                    "/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": wrong}
                )
                assert r.status_code == 401
            locked = await client.http.post(
                "/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
            )
            assert_error(locked, 429, "RATE_LIMITED")
            assert int(locked.headers["Retry-After"]) >= 1
        finally:
            await client.aclose()
            access_logger.removeHandler(caplog.handler)

    access = [r for r in caplog.records if r.name == "uvicorn.access"]
    assert any(interview["id"] in r.getMessage() for r in access), "no access records were captured"
    logs = _all_log_text(caplog)
    for secret in [*WRONG_PASSWORDS, ADMIN_PASSWORD, token]:
        assert secret not in logs, f"{secret!r} leaked into the logs"


async def test_parallel_guesses_cannot_slip_past_the_failure_limit(tmp_path):
    """Guesses sent all at once queue per account, so each sees the failures before it."""
    import asyncio

    import httpx

    from api.server import running_server

    body = {"email": ADMIN_EMAIL, "password": "wrong password"}
    async with (
        running_server(api_settings(tmp_path)) as server,
        httpx.AsyncClient(base_url=server.base_url, timeout=30) as http,
    ):
        answers = await asyncio.gather(*(http.post("/api/v1/auth/login", json=body) for _ in range(30)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(401) == 5 and statuses.count(429) == 25, statuses
