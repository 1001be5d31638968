"""The candidate's room with the livekit backend, in a real headless Chromium: the page loads
the vendored livekit-client, gets a room token from rtc/join and connects to the LiveKit URL
with it. There is no LiveKit server here, so this is not a media test: a local stand-in
answers the client's WebSocket by closing it, and the page must show that it is reconnecting
without any console error other than that failed connection. The server's interviewer cannot
join a room without a LiveKit server either, so the backend's `open_transport` is replaced by a
transport that is made but never joins (the join's 503 path is tested in tests/api)."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp import WSCloseCode, web
from livekit import api
from playwright.async_api import async_playwright

from api.server import running_server
from api.settings import LiveKitSettings, MediaSettings
from media.livekit.backend import LiveKitBackend
from media.livekit.transport import LiveKitTransport
from tests.api.test_livekit_api import KEY, SECRET, closed_port
from tests.e2e.browser import chromium_path, launch_args
from tests.e2e.conftest import e2e_settings, recruiter_client

pytestmark = pytest.mark.slow


class UnjoinedLiveKit(LiveKitBackend):
    """The real backend, except that its interviewer does not join (no LiveKit server here)."""

    async def open_transport(self, interview_id: str, *, expect_video: bool) -> LiveKitTransport:
        return LiveKitTransport(expect_video=expect_video)


class StandIn:
    """Where the LiveKit URL points: records each request and refuses every connection, by
    closing the WebSocket it accepted, or with a 401 before the upgrade (as LiveKit answers a
    token it does not accept)."""

    def __init__(self, refuse_upgrade: bool) -> None:
        self.requests: list[str] = []
        self.refuse_upgrade = refuse_upgrade

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(str(request.rel_url))
        if self.refuse_upgrade and not request.path.endswith("/validate"):
            return web.Response(status=401, text="no LiveKit server here")
        if request.headers.get("upgrade", "").lower() == "websocket":
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"no LiveKit server here")
            return ws
        # livekit-client asks <url>/rtc/v1/validate why it failed; LiveKit answers any origin
        headers = {"Access-Control-Allow-Origin": "*"}
        return web.Response(status=401, text="no LiveKit server here", headers=headers)

    async def start(self, port: int) -> web.AppRunner:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner


@pytest.mark.parametrize("refuse_upgrade", [False, True], ids=["closed", "refused"])
async def test_the_room_connects_to_livekit_with_its_room_token(tmp_path, refuse_upgrade):
    port = closed_port()
    livekit_url = f"ws://127.0.0.1:{port}"
    settings = e2e_settings(tmp_path).model_copy(
        update={
            "media": MediaSettings(backend="livekit"),
            "livekit": LiveKitSettings(url=livekit_url, api_key=KEY, api_secret=SECRET),
        }
    )
    stand_in = StandIn(refuse_upgrade)
    runner = await stand_in.start(port)
    async with running_server(settings) as server:
        server.app.state.runtime.media = UnjoinedLiveKit(settings.livekit.options())
        client = await recruiter_client(server.base_url)
        interview = await client.create(role="Backend Engineer", mode="video", candidate_name="Ada")
        iid, token = interview["id"], interview["join_token"]
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=chromium_path(), headless=True, args=launch_args()
            )
            page = await browser.new_page()
            console: list[str] = []
            page.on(
                "console",
                lambda m: console.append(f"{m.text} @ {m.location['url']}") if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: console.append(f"page error: {e}"))
            sockets: list[str] = []
            page.on("websocket", lambda ws: sockets.append(ws.url))
            requests: list[tuple[str, str]] = []
            page.on("request", lambda r: requests.append((r.resource_type, r.url)))
            await page.goto(f"{server.base_url}/interview/{iid}?token={token}")
            await page.get_by_label("I understand what is recorded").check()
            await page.get_by_role("button", name="Check my microphone and camera").click()
            await page.get_by_role("button", name="Join the interview").click()
            await page.locator("#reconnecting").wait_for(state="visible", timeout=20_000)
            for _ in range(100):  # the page joins again after the failure
                if sum(url.endswith(f"/{iid}/rtc/join") for _, url in requests) >= 2 and stand_in.requests:
                    break
                await asyncio.sleep(0.1)
            state = await page.locator("#state").text_content()
            await browser.close()
        await client.aclose()
    await runner.cleanup()

    scripts = [url for kind, url in requests if kind == "script"]
    assert f"{server.base_url}/static/vendor/livekit-client.js" in scripts  # ours, no CDN
    assert all(urlsplit(s).netloc == urlsplit(server.base_url).netloc for s in scripts), scripts
    assert sum(url.endswith(f"/{iid}/rtc/join") for _, url in requests) >= 2  # it retries the join
    assert not any(url.endswith("/rtc/offer") for _, url in requests)  # and never offers SDP to us
    # livekit-client 2.23 signals on <url>/rtc/v1 (older servers: /rtc), with the token in the query
    joins = [r for r in stand_in.requests if r.startswith(("/rtc/v1?", "/rtc?"))]
    assert joins, stand_in.requests
    minted = parse_qs(urlsplit(joins[0]).query)["access_token"][0]
    claims = api.TokenVerifier(KEY, SECRET).verify(minted)
    assert claims.identity == "candidate" and claims.video is not None
    assert claims.video.room == f"intervox-{iid}" and claims.video.room_join
    assert sorted(claims.video.can_publish_sources or []) == ["camera", "microphone"]
    # the events come over the events WebSocket meanwhile
    assert any(f"/api/v1/ws/interviews/{iid}" in s for s in sockets), sockets
    assert state == "Connecting…"
    # the failed connection (and, refused, its /validate answer) is all the console reports
    unexpected = [m for m in console if f"127.0.0.1:{port}" not in m]
    assert unexpected == [], console
    if refuse_upgrade:  # livekit-client asked why over HTTP: allowed by the page's CSP
        assert any(r.startswith("/rtc/v1/validate?") for r in stand_in.requests), stand_in.requests
        assert not any("Content Security Policy" in m for m in console), console
