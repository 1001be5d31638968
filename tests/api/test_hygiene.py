"""Trust-boundary hygiene: body limits, security headers, log redaction, Twilio, rate limits, origins."""

from __future__ import annotations

import io
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.testclient import TestClient
from uvicorn.logging import AccessFormatter

from api.logs import SecretRedactingFilter, install_log_redaction
from api.middleware import STRICT_PAGE_CSP, BodySizeLimit, SecurityHeaders
from api.origins import origin_allowed
from api.twilio_signature import twilio_signature, verify_twilio_signature

LIMIT = 1024
UPLOAD_LIMIT = 8 * 1024
MB = 1024 * 1024


def make_app(max_bytes: int = LIMIT) -> FastAPI:
    """A tiny app with both middlewares, an echo route, an HTML page and a route with its own headers."""
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}

    @app.post("/uploads/file")
    async def upload(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    @app.get("/page", response_class=HTMLResponse)
    async def page() -> str:
        return "<!doctype html><title>x</title>"

    @app.get("/framable")
    async def framable() -> PlainTextResponse:
        return PlainTextResponse("ok", headers={"X-Frame-Options": "SAMEORIGIN"})

    app.add_middleware(BodySizeLimit, max_bytes=max_bytes, limits={"/uploads": UPLOAD_LIMIT})
    app.add_middleware(SecurityHeaders)
    return app


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(make_app()) as c:
        yield c


def assert_too_large(response: Any, limit: int) -> None:  # TestClient and httpx responses alike
    assert response.status_code == 413, response.text
    assert response.json() == {
        "error": {
            "code": "PAYLOAD_TOO_LARGE",
            "message": response.json()["error"]["message"],
            "details": {"limit_bytes": limit},
        }
    }
    assert str(limit) in response.json()["error"]["message"]


def chunks(total: int, size: int = 256) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        n = min(size, total - sent)
        sent += n
        yield b"x" * n


# --- BodySizeLimit -------------------------------------------------------------------------------------


def test_body_under_the_limit_reaches_the_route(client: TestClient) -> None:
    r = client.post("/echo", content=b"x" * LIMIT)
    assert r.status_code == 200 and r.json() == {"received": LIMIT}


def test_declared_content_length_over_the_limit_is_413(client: TestClient) -> None:
    assert_too_large(client.post("/echo", content=b"x" * (LIMIT + 1)), LIMIT)


def test_chunked_body_over_the_limit_is_413_and_logs_no_error(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        r = client.post("/echo", content=chunks(LIMIT * 4))
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert_too_large(r, LIMIT)
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR]


def test_chunked_body_under_the_limit_passes(client: TestClient) -> None:
    r = client.post("/echo", content=chunks(LIMIT))
    assert r.status_code == 200 and r.json() == {"received": LIMIT}


def test_path_prefix_gets_its_own_limit(client: TestClient) -> None:
    assert client.post("/uploads/file", content=b"x" * UPLOAD_LIMIT).json() == {"received": UPLOAD_LIMIT}
    assert_too_large(client.post("/uploads/file", content=b"x" * (UPLOAD_LIMIT + 1)), UPLOAD_LIMIT)
    assert_too_large(client.post("/echo", content=b"x" * (LIMIT + 1)), LIMIT)


async def test_app_that_already_answered_is_cut_off_without_an_error() -> None:
    """A streaming app started its response before the body passed the limit: no 413, no exception."""

    async def streaming_echo(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise RuntimeError("client went away")  # what a careless app does; must not escape
            await send({"type": "http.response.body", "body": message["body"], "more_body": True})
            if not message.get("more_body"):
                break
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    incoming = [{"type": "http.request", "body": b"x" * 600, "more_body": True} for _ in range(3)]
    sent: list[dict] = []

    async def receive():  # type: ignore[no-untyped-def]
        return incoming.pop(0)

    async def send(message):  # type: ignore[no-untyped-def]
        sent.append(message)

    scope = {"type": "http", "path": "/stream", "headers": [(b"transfer-encoding", b"chunked")]}
    await BodySizeLimit(streaming_echo, max_bytes=LIMIT)(scope, receive, send)
    assert [m.get("status") for m in sent if m["type"] == "http.response.start"] == [200]
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert len(bodies) == 1 and bodies[0]["body"] == b"x" * 600  # only what was under the limit


async def test_declared_oversize_is_refused_without_reading_or_calling_the_app() -> None:
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        raise AssertionError("the app must not run for a body that is declared too large")

    async def receive():  # type: ignore[no-untyped-def]
        raise AssertionError("the body must not be read")

    sent: list[dict] = []

    async def send(message):  # type: ignore[no-untyped-def]
        sent.append(message)

    scope = {"type": "http", "path": "/echo", "headers": [(b"content-length", str(50 * MB).encode())]}
    await BodySizeLimit(app, max_bytes=LIMIT)(scope, receive, send)
    assert sent[0]["status"] == 413 and (b"connection", b"close") in sent[0]["headers"]
    assert b"PAYLOAD_TOO_LARGE" in sent[1]["body"] and sent[1]["more_body"] is False


async def test_websocket_and_lifespan_pass_through() -> None:
    seen: list[str] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        seen.append(scope["type"])

    async def receive():  # type: ignore[no-untyped-def]
        raise AssertionError("the middleware must not read a non-HTTP connection")

    async def send(message):  # type: ignore[no-untyped-def]
        raise AssertionError("the middleware must not answer a non-HTTP connection")

    middleware = BodySizeLimit(SecurityHeaders(app), max_bytes=1)
    for kind in ("websocket", "lifespan"):
        await middleware({"type": kind, "path": "/x", "headers": [(b"content-length", b"99")]}, receive, send)
    assert seen == ["websocket", "lifespan"]


# --- SecurityHeaders -----------------------------------------------------------------------------------


def test_json_response_gets_the_headers_and_frame_ancestors(client: TestClient) -> None:
    r = client.get("/ping")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["content-security-policy"] == "frame-ancestors 'none'"


def test_html_page_gets_the_strict_policy(client: TestClient) -> None:
    r = client.get("/page")
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert csp == STRICT_PAGE_CSP
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


def test_docs_are_exempt_from_the_page_policy_but_not_from_framing(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert r.headers["x-frame-options"] == "DENY"


def test_errors_get_the_headers_too(client: TestClient) -> None:
    r = client.get("/nowhere")
    assert r.status_code == 404 and r.headers["x-content-type-options"] == "nosniff"
    assert_too_large(big := client.post("/echo", content=b"x" * (LIMIT + 1)), LIMIT)
    assert big.headers["x-frame-options"] == "DENY"


def test_a_header_the_app_set_is_not_duplicated(client: TestClient) -> None:
    r = client.get("/framable")
    assert r.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert r.headers.get_list("x-content-type-options") == ["nosniff"]


# --- A real server: a 50 MB body is refused at once and does not block other requests --------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server() -> Iterator[str]:
    port = free_port()
    # log_config=None: uvicorn must not reconfigure this process's logging (caplog relies on propagation).
    config = uvicorn.Config(
        make_app(max_bytes=256 * 1024),
        host="127.0.0.1",
        port=port,
        log_config=None,
        lifespan="off",
        access_log=True,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def test_real_server_refuses_50_mb_fast(live_server: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO), httpx.Client(base_url=live_server, timeout=5) as http:
        started = time.monotonic()
        r = http.post("/echo", content=chunks(50 * MB, 64 * 1024))
        assert time.monotonic() - started < 1.0
        assert_too_large(r, 256 * 1024)

        started = time.monotonic()
        r = http.post("/echo", content=chunks(50 * MB, 64 * 1024), headers={"Content-Length": str(50 * MB)})
        assert time.monotonic() - started < 1.0
        assert_too_large(r, 256 * 1024)

        assert http.get("/ping").json() == {"pong": "yes"}  # the server is still healthy afterwards
    assert not [rec.getMessage() for rec in caplog.records if rec.levelno >= logging.WARNING]


def test_real_server_answers_others_while_a_big_upload_is_in_flight(live_server: str) -> None:
    release = threading.Event()
    result: dict[str, object] = {}

    def stalled_body() -> Iterator[bytes]:
        yield b"x" * (100 * 1024)  # under the limit: the route is now waiting for more
        release.wait(5)
        yield from chunks(50 * MB, 64 * 1024)

    def upload() -> None:
        with httpx.Client(base_url=live_server, timeout=5) as http:
            r = http.post("/echo", content=stalled_body())
            result["status"], result["at"] = r.status_code, time.monotonic()

    uploader = threading.Thread(target=upload)
    uploader.start()
    try:
        time.sleep(0.2)  # the upload is connected and stalled inside the route
        with httpx.Client(base_url=live_server, timeout=5) as http:
            started = time.monotonic()
            assert http.get("/ping").status_code == 200
            assert time.monotonic() - started < 0.5
    finally:
        released_at = time.monotonic()
        release.set()
        uploader.join(5)
    assert result["status"] == 413
    assert float(result["at"]) - released_at < 1.0  # type: ignore[arg-type]


def test_real_uvicorn_access_log_has_the_token_masked(
    live_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    install_log_redaction()
    with caplog.at_level(logging.INFO, logger="uvicorn.access"), httpx.Client(base_url=live_server) as http:
        assert http.get("/ping?token=JOINSECRET&x=1").status_code == 200
        deadline = time.monotonic() + 2
        while not any("/ping" in m for m in caplog.messages) and time.monotonic() < deadline:
            time.sleep(0.01)
    lines = [m for m in caplog.messages if "/ping" in m]
    assert lines and "GET /ping?token=***&x=1 HTTP/1.1" in lines[0]
    assert "JOINSECRET" not in caplog.text


# --- Log redaction -------------------------------------------------------------------------------------


@pytest.fixture
def access_logger(monkeypatch: pytest.MonkeyPatch) -> logging.Logger:
    logger = logging.getLogger("uvicorn.access")
    monkeypatch.setattr(logger, "propagate", True)  # uvicorn's own config turns propagation off
    install_log_redaction()
    return logger


def test_uvicorn_access_line_has_the_token_masked(
    access_logger: logging.Logger, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        access_logger.info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5000",
            "GET",
            "/api/v1/ws/interviews/abc?token=JOINSECRET&lang=en",
            "1.1",
            101,
        )
    assert "JOINSECRET" not in caplog.text
    assert "/api/v1/ws/interviews/abc?token=***&lang=en" in caplog.text
    # uvicorn's own formatter unpacks the five args: the record must still format, without the secret.
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False).format(
        caplog.records[-1]
    )
    request_line = "GET /api/v1/ws/interviews/abc?token=***&lang=en HTTP/1.1"
    assert line == f'127.0.0.1:5000 - "{request_line}" 101 Switching Protocols'


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("/x?access_token=a.b.c", "/x?access_token=***"),
        ("/x?a=1&REFRESH_TOKEN=r1&b=2", "/x?a=1&REFRESH_TOKEN=***&b=2"),
        ("/login?password=hunter2", "/login?password=***"),
        ("/x?secret=s&key=k", "/x?secret=***&key=***"),
        ("/x?Token=t#frag", "/x?Token=***#frag"),
        ("Authorization: Bearer ivx_abcdef123", "Authorization: Bearer ***"),
        ("header {'authorization': 'bearer eyJ.x.y'}", "header {'authorization': 'bearer ***'}"),
        ("/x?monkey=banana&tokens=2", "/x?monkey=banana&tokens=2"),  # similar names are left alone
    ],
)
def test_redaction_cases(raw: str, masked: str, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("intervox.test.redaction")
    logger.addFilter(SecretRedactingFilter())
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("%s", raw)
        logger.info(raw.replace("%", "%%"))
    assert caplog.messages == [masked, masked]


def test_root_handlers_redact_every_logger_and_install_is_idempotent() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        install_log_redaction()
        install_log_redaction()
        assert sum(isinstance(f, SecretRedactingFilter) for f in handler.filters) == 1
        for name in ("uvicorn.access", "uvicorn.error"):
            assert sum(isinstance(f, SecretRedactingFilter) for f in logging.getLogger(name).filters) == 1
        other = logging.getLogger("intervox.elsewhere")
        other.warning("calling %s with Bearer %s", "https://x/api?key=K1", "T0KEN")
    finally:
        root.removeHandler(handler)
    text = stream.getvalue()
    assert "K1" not in text and "T0KEN" not in text
    assert "https://x/api?key=*** with Bearer ***" in text


# --- Twilio signatures ---------------------------------------------------------------------------------

# Vectors computed with Twilio's official library (twilio==9.13.0,
# twilio.request_validator.RequestValidator.compute_signature) in a throwaway venv; the first is also the
# example in Twilio's security documentation.
TWILIO_VECTORS = [
    (
        "12345",
        "https://mycompany.com/myapp.php?foo=1&bar=2",
        {
            "CallSid": "CA1234567890ABCDE",
            "Caller": "+12349013030",
            "Digits": "1234",
            "From": "+12349013030",
            "To": "+18005551212",
        },
        "0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
    ),
    (
        "s3cr3t-auth-token",
        "https://intervox.example.com/api/v1/phone/abc/voice",
        {},
        "nYlkqEExHaizVClYGlvbiMigAkg=",
    ),
    (
        "s3cr3t-auth-token",
        "https://intervox.example.com:443/api/v1/phone/abc/voice?x=y",
        {"AccountSid": "AC00", "CallStatus": "ringing", "Body": "héllo wörld"},
        "n4P7bdt3aprmYI0rElJm0Vk0BsQ=",
    ),
    (
        "tok",
        "http://localhost:8000/api/v1/phone/i1/voice",
        {"b": "2", "a": "1", "A": "0"},
        "0Ef5B6JQASv8Plfho+1QVuOmW7w=",
    ),
]


@pytest.mark.parametrize(("token", "url", "params", "expected"), TWILIO_VECTORS)
def test_signature_matches_twilios_library(
    token: str, url: str, params: dict[str, str], expected: str
) -> None:
    assert twilio_signature(token, url, params) == expected
    assert verify_twilio_signature(token, url, params, expected)
    assert not verify_twilio_signature(token + "x", url, params, expected)
    assert not verify_twilio_signature(token, url, {**params, "Extra": "1"}, expected)


# From twilio==9.13.0: RequestValidator("s3cr3t-auth-token").validate(request_url, P, SIGNED[signed_url]).
P = {"CallSid": "CA1", "From": "+15550001111"}
BASE = "intervox.example.com"
SIGNED = {
    f"https://{BASE}/api/v1/phone/abc/voice": "Ws7Zn8zGNOdoQ9lzK8ZY/q7q7Io=",
    f"https://{BASE}:443/api/v1/phone/abc/voice": "cHs+/13iaD9nKOOj6p27WnJTens=",
    f"http://{BASE}/api/v1/phone/abc/voice": "RFHf5nswlF86+f6eBB6fI1yaifI=",
    f"http://{BASE}:80/api/v1/phone/abc/voice": "ITkRP9zDrRduabN72OTN8SUv8KY=",
    f"https://{BASE}:8443/api/v1/phone/abc/voice": "K4M2Sjy3CY7sdp+SlHq3sk3d21o=",
}
URLS = list(SIGNED)
TWILIO_ACCEPTS = {  # (signed index, request index) pairs Twilio's validate() accepted; all others it refused
    (0, 0),
    (0, 1),
    (0, 4),
    (1, 0),
    (1, 1),
    (2, 2),
    (2, 3),
    (3, 2),
    (3, 3),
    (4, 4),
}


@pytest.mark.parametrize("signed", range(len(URLS)))
@pytest.mark.parametrize("requested", range(len(URLS)))
def test_port_variants_agree_with_twilios_validator(signed: int, requested: int) -> None:
    accepted = verify_twilio_signature("s3cr3t-auth-token", URLS[requested], P, SIGNED[URLS[signed]])
    assert accepted == ((signed, requested) in TWILIO_ACCEPTS)


def test_missing_or_garbage_signature_is_refused() -> None:
    url = URLS[0]
    assert not verify_twilio_signature("s3cr3t-auth-token", url, P, None)
    assert not verify_twilio_signature("s3cr3t-auth-token", url, P, "")
    assert not verify_twilio_signature("s3cr3t-auth-token", url, P, "not base64 at all")
    assert not verify_twilio_signature("", url, P, twilio_signature("", url, P))


# --- Origins -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "host", "allowed", "expected"),
    [
        (None, "intervox.example.com", [], True),  # curl, SDKs, Twilio: judged by their token alone
        ("https://intervox.example.com", "intervox.example.com", [], True),
        ("http://localhost:8000", "localhost:8000", [], True),
        ("https://intervox.example.com", "intervox.example.com:443", [], True),
        ("HTTPS://Intervox.Example.com/", "intervox.example.com", [], True),
        ("http://[::1]:8000", "[::1]:8000", [], True),
        ("http://localhost:8001", "localhost:8000", [], False),
        ("https://evil.example", "intervox.example.com", [], False),
        ("https://intervox.example.com.evil.example", "intervox.example.com", [], False),
        ("https://evil.example", None, [], False),
        ("null", "intervox.example.com", [], False),
        ("null", "intervox.example.com", ["*"], False),
        ("", "intervox.example.com", [], False),
        ("ftp://intervox.example.com", "intervox.example.com", [], False),
        ("https://app.example.org", "intervox.example.com", ["https://app.example.org/"], True),
        ("https://APP.example.org", "intervox.example.com", ["https://app.example.org"], True),
        ("http://app.example.org", "intervox.example.com", ["https://app.example.org"], False),
        ("https://app.example.org:8443", "intervox.example.com", ["https://app.example.org"], False),
        ("https://anything.example", "intervox.example.com", ["*"], True),
    ],
)
def test_origin_allowed(origin: str | None, host: str | None, allowed: list[str], expected: bool) -> None:
    assert origin_allowed(origin, host, allowed) is expected
