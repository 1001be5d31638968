"""Floods against a real server: oversized WebSocket messages, phone frames and request bodies, and
hundreds of sockets from one client. Each is refused fast and /health stays under 200 ms meanwhile.

The server runs in its own thread and event loop (as in production, the attacker's work is not on the
server's loop), and /health is polled from a third thread every ~50 ms, like an external monitor."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import websockets
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from api.server import free_port
from api.settings import LimitSettings

pytestmark = [pytest.mark.slow, pytest.mark.serial]

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@floods.test", "flood-proof passphrase 1"
HEALTH_BUDGET_S = 0.2
REFUSAL_BUDGET_S = 2.0
MB = 1024 * 1024


@dataclass
class Server:
    base_url: str
    ws_url: str
    limits: LimitSettings
    recruiter: dict[str, str] = field(default_factory=dict)


@contextmanager
def server_process(env: dict[str, str]) -> Iterator[Server]:
    """`intervox serve` in a process of its own (an attacker's work is never on the server's
    interpreter); yields once /health answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:] if proc.stderr else "exited"
            with suppress(httpx.HTTPError):
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        yield Server(base, f"ws://127.0.0.1:{port}", LimitSettings())
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:  # connections the floods left open keep uvicorn waiting
            proc.kill()
            proc.wait(10)


POLLER = """
import json, sys, time, httpx
interval, stop_file = float(sys.argv[2]), sys.argv[3]
import os
with httpx.Client(base_url=sys.argv[1], timeout=5) as http:
    while not os.path.exists(stop_file):
        t0 = time.perf_counter()
        try:
            status = http.get("/health").status_code
        except httpx.HTTPError:
            status = 0
        print(json.dumps([status, time.perf_counter() - t0]), flush=True)
        time.sleep(interval)
"""


class HealthWatch:
    """Polls /health from a process of its own, like an external monitor; every sample is
    (status, latency in seconds)."""

    def __init__(self, base_url: str, interval: float = 0.05) -> None:
        self.base_url, self.interval = base_url, interval
        self.samples: list[tuple[int, float]] = []
        self._stop_file = os.path.join(tempfile.mkdtemp(), "stop")
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> HealthWatch:
        args = [sys.executable, "-c", POLLER, self.base_url, str(self.interval), self._stop_file]
        self._proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        for _ in range(2):  # a couple of samples before the flood starts
            self.samples.append(tuple(json.loads(self._proc.stdout.readline())))  # type: ignore[arg-type]
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(3 * self.interval)  # and a couple after it
        open(self._stop_file, "w").close()
        assert self._proc is not None
        out, _ = self._proc.communicate(timeout=10)
        self.samples += [tuple(json.loads(line)) for line in out.splitlines() if line.strip()]  # type: ignore[misc]

    def assert_healthy(self) -> None:
        assert len(self.samples) >= 4, f"too few /health samples to judge: {self.samples}"
        bad = [s for s in self.samples if s[0] != 200]
        assert not bad, f"/health failed during the flood: {bad}"
        worst = max(latency for _, latency in self.samples)
        assert worst < HEALTH_BUDGET_S, (
            f"/health took {worst * 1000:.0f} ms during the flood (budget {HEALTH_BUDGET_S * 1000:.0f} ms); "
            f"samples (ms): {[round(lat * 1000) for _, lat in self.samples]}"
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("floods")
    env = {
        "INTERVOX_DATABASE_URL": f"sqlite:///{tmp}/floods.db",
        "INTERVOX_ADMIN_EMAIL": ADMIN_EMAIL,
        "INTERVOX_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "INTERVOX_VISION__ENABLED": "false",
        "INTERVOX_LOG_LEVEL": "warning",
    }
    with server_process(env) as srv:
        r = httpx.post(
            srv.base_url + "/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        assert r.status_code == 200, r.text
        srv.recruiter = {"Authorization": f"Bearer {r.json()['access_token']}"}
        yield srv


def create(server: Server, mode: str) -> dict:
    r = httpx.post(
        server.base_url + "/api/v1/interviews",
        json={"role": "Backend Engineer", "mode": mode},
        headers=server.recruiter,
    )
    assert r.status_code == 201, r.text
    return r.json()


async def closed_with(ws, timeout: float = REFUSAL_BUDGET_S) -> int | None:  # type: ignore[no-untyped-def]
    """Read until the server closes the socket; its close code (None when it never closed)."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                await ws.recv()
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None
    except TimeoutError:
        return None


def events_url(server: Server, interview: dict) -> str:
    return f"{server.ws_url}/api/v1/ws/interviews/{interview['id']}?token={interview['join_token']}"


def phone_url(server: Server, interview: dict) -> str:
    return f"{server.ws_url}/api/v1/phone/{interview['id']}/stream"


def start_message(interview: dict) -> str:
    start = {
        "streamSid": "MZflood",
        "callSid": "CAflood",
        "customParameters": {"token": interview["join_token"]},
    }
    return json.dumps({"event": "start", "start": start})


def media_message(payload_chars: int) -> str:
    payload = base64.b64encode(b"\xff" * (payload_chars * 3 // 4)).decode()
    return json.dumps({"event": "media", "media": {"payload": payload}})


async def test_a_15_mb_websocket_message_closes_the_events_socket_with_1009(server):
    interview = create(server, "chat")
    with HealthWatch(server.base_url) as health:
        async with connect(events_url(server, interview), max_size=None, compression=None) as ws:
            first = json.loads(await ws.recv())
            assert first["type"] == "connected"  # accepted: the token was good
            t0 = time.perf_counter()
            with pytest.raises(ConnectionClosed):  # the server may close while the frame is still going out
                await ws.send("a" * (15 * MB))
                await ws.recv()
            code = await closed_with(ws)
            elapsed = time.perf_counter() - t0
    assert code == 1009, f"closed with {code}, expected 1009 (message too big)"
    assert elapsed < REFUSAL_BUDGET_S, f"refusing the 15 MB message took {elapsed:.2f} s"
    health.assert_healthy()


async def test_a_compressed_bomb_is_measured_after_inflating(server):
    """15 MB of one letter deflates to a few KB; the limit applies to what it inflates to."""
    interview = create(server, "chat")
    with HealthWatch(server.base_url) as health:
        async with connect(events_url(server, interview), max_size=None) as ws:
            assert json.loads(await ws.recv())["type"] == "connected"
            t0 = time.perf_counter()
            with suppress(ConnectionClosed):  # the server may close while the frame is still going out
                await ws.send("a" * (15 * MB))
            code = await closed_with(ws)
            elapsed = time.perf_counter() - t0
    assert code == 1009, f"closed with {code}, expected 1009 (message too big)"
    assert elapsed < REFUSAL_BUDGET_S
    health.assert_healthy()


async def test_an_11_mb_phone_frame_closes_the_call_with_1009(server):
    interview = create(server, "phone")
    with HealthWatch(server.base_url) as health:
        async with connect(phone_url(server, interview), max_size=None, compression=None) as ws:
            await ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
            await ws.send(start_message(interview))
            await ws.send(media_message(160))  # one ordinary 20 ms frame: the call is up
            t0 = time.perf_counter()
            with suppress(ConnectionClosed):  # the server may close while the frame is still going out
                await ws.send(media_message(11 * MB))
            code = await closed_with(ws)
            elapsed = time.perf_counter() - t0
    assert code == 1009, f"closed with {code}, expected 1009 (message too big)"
    assert elapsed < REFUSAL_BUDGET_S, f"refusing the 11 MB frame took {elapsed:.2f} s"
    health.assert_healthy()


async def test_a_phone_payload_over_2_kb_closes_the_call_with_1009(server):
    """3 KB of base64 fits in a WebSocket message but is no 20 ms μ-law frame."""
    interview = create(server, "phone")
    frame = media_message(3 * 1024)
    assert len(frame) < server.limits.max_ws_message_bytes
    with HealthWatch(server.base_url) as health:
        async with connect(phone_url(server, interview), max_size=None) as ws:
            await ws.send(start_message(interview))
            for _ in range(5):
                await ws.send(media_message(160))
            t0 = time.perf_counter()
            await ws.send(frame)
            code = await closed_with(ws)
            elapsed = time.perf_counter() - t0
    assert code == 1009, f"closed with {code}, expected 1009 (payload over 2 KB)"
    assert elapsed < REFUSAL_BUDGET_S
    health.assert_healthy()


async def test_ordinary_phone_frames_are_accepted(server):
    """The control for the two above: 160-byte frames keep the call open."""
    interview = create(server, "phone")
    async with connect(phone_url(server, interview)) as ws:
        await ws.send(start_message(interview))
        for _ in range(25):  # half a second of audio
            await ws.send(media_message(160))
        assert await closed_with(ws, timeout=0.5) is None  # still open


def _http_flood(server: Server, total: int, chunked: bool) -> tuple[int, dict, float]:
    """POST `total` bytes of body from one thread while another reads the answer, as a client that keeps
    uploading until the server hangs up; (status, error body, seconds until the answer was read)."""
    host, port = server.base_url.split("://", 1)[1].split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    head = (
        f"POST /api/v1/interviews HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: {server.recruiter['Authorization']}\r\nContent-Type: application/json\r\n"
    )
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {total}\r\n\r\n"
    chunk = b'{"role": "' + b"x" * (MB - 10)

    def upload() -> None:
        sent = 0
        try:
            while sent < total:
                piece = chunk[: total - sent]
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server hung up on the rest of the body: that is the point

    t0 = time.perf_counter()
    sock.sendall(head.encode())
    sender = threading.Thread(target=upload, daemon=True)
    sender.start()
    received = b""
    try:
        while b"\r\n\r\n" not in received or len(received) < _expected_length(received):
            data = sock.recv(65536)
            if not data:
                break
            received += data
        elapsed = time.perf_counter() - t0
    finally:
        sock.close()
        sender.join(10)
    head_part, _, body = received.partition(b"\r\n\r\n")
    assert head_part, "no answer before the connection closed"
    return int(head_part.split()[1]), json.loads(body), elapsed


def _expected_length(received: bytes) -> int:
    head, _, _ = received.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(head) + 4 + int(value)
    return len(received) + 1


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "streamed"])
async def test_a_50_mb_body_is_refused_with_413_fast(server, chunked):
    with HealthWatch(server.base_url) as health:
        status, body, elapsed = await asyncio.to_thread(_http_flood, server, 50 * MB, chunked)
    assert status == 413, body
    assert set(body) == {"error"} and body["error"]["code"] == "PAYLOAD_TOO_LARGE", body
    assert isinstance(body["error"]["message"], str) and isinstance(body["error"]["details"], dict)
    assert elapsed < REFUSAL_BUDGET_S, f"answering the 50 MB body took {elapsed:.2f} s"
    health.assert_healthy()
    # The server is still fine for everyone else.
    assert httpx.get(server.base_url + "/api/v1/me", headers=server.recruiter).status_code == 200


async def test_a_300_kb_webrtc_offer_is_refused_with_413(server):
    interview = create(server, "audio")
    sdp = "v=0\r\n" + "a=x-padding:" + "p" * (300 * 1024) + "\r\n"
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        t0 = time.perf_counter()
        r = await http.post(
            f"/api/v1/interviews/{interview['id']}/rtc/offer",
            json={"sdp": sdp, "type": "offer"},
            headers={"Authorization": f"Bearer {interview['join_token']}"},
        )
        elapsed = time.perf_counter() - t0
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert elapsed < REFUSAL_BUDGET_S


async def _open(url: str) -> tuple[str, Any]:
    """("open", ws) with the connected event read, or ("closed", code) / ("refused", status)."""
    try:
        ws = await connect(url, open_timeout=REFUSAL_BUDGET_S * 2)
    except InvalidStatus as exc:
        return "refused", exc.response.status_code
    try:
        async with asyncio.timeout(REFUSAL_BUDGET_S * 2):
            message = json.loads(await ws.recv())
    except ConnectionClosed as exc:
        return "closed", exc.rcvd.code if exc.rcvd else None
    assert message["type"] == "connected"
    return "open", ws


async def test_300_sockets_at_once_are_capped_per_client(server):
    interview = create(server, "chat")
    limit = server.limits.max_websockets_per_ip
    assert limit < 300
    url = events_url(server, interview)
    with HealthWatch(server.base_url) as health:
        t0 = time.perf_counter()
        results = await asyncio.gather(*(_open(url) for _ in range(300)))
        elapsed = time.perf_counter() - t0
        opened = [ws for kind, ws in results if kind == "open"]
        refused = [(kind, detail) for kind, detail in results if kind != "open"]
        try:
            assert len(opened) == limit, f"{len(opened)} sockets were accepted, the limit is {limit}"
            assert refused and all(r == ("closed", 1013) for r in refused), (
                f"sockets over the limit must close with 1013 (try again later); got {set(refused)}"
            )
            assert elapsed < 5, f"opening 300 sockets took {elapsed:.2f} s"
            # The accepted ones work: a message is answered (an unknown type gets an error event).
            for ws in opened[:3]:
                await ws.send(json.dumps({"type": "no_such_type"}))
                reply = json.loads(await asyncio.wait_for(ws.recv(), REFUSAL_BUDGET_S))
                assert reply["type"] == "error"
        finally:
            await asyncio.gather(*(ws.close() for ws in opened))
    health.assert_healthy()
    # Once they are closed the client may connect again.
    await asyncio.sleep(0.2)
    kind, ws = await _open(url)
    assert kind == "open", (kind, ws)
    await ws.close()
    assert websockets  # the library under test
