"""The candidate's room in a real headless Chromium, joining a real server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import av
import pytest
from playwright.async_api import async_playwright

from tests.conftest import speech
from tests.e2e.browser import camera_y4m, chromium_path, launch_args, microphone_wav
from tests.e2e.conftest import report_of, state_of, transcript_of
from tests.helpers import wer
from vision import samples as frames

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"
ANSWER = (
    "I have built payment services in Python for four years, and I enjoy designing clear APIs. That's it."
)


async def heard_energy(page) -> float:
    return await page.evaluate("""async () => {
        const stats = await window.intervoxRoom.pc.getStats();
        let energy = 0;
        stats.forEach((s) => {
            if (s.type === "inbound-rtp" && s.kind === "audio") energy = s.totalAudioEnergy || 0;
        });
        return energy;
    }""")


async def assert_no_token_in_address_bar(page) -> None:
    """The room takes the join token out of the address bar (history, screenshots, shared screens)."""
    href = await page.evaluate("location.href")
    assert "token=" not in href, href


async def test_video_interview_in_the_browser(server, client, tmp_path):
    interview = await client.create(
        role="Backend Engineer", duration_minutes=8, mode="video", candidate_name="Ada"
    )
    iid, token = interview["id"], interview["join_token"]
    runtime = server.app.state.runtime  # this server keeps video (INTERVOX_RECORDING__VIDEO)
    runtime.settings.recording.video = runtime.recordings.video = True
    # the opening takes ~12 s; the fake microphone starts at the device check
    wav = microphone_wav(tmp_path / "answer.wav", speech(ANSWER), lead_s=20)
    y4m = camera_y4m(tmp_path / "cam.y4m", frames.one_face())
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium_path(), headless=True, args=launch_args(wav, y4m)
        )
        page = await browser.new_page()
        await page.goto(f"{server.base_url}/interview/{iid}?token={token}&processing=off")
        await page.get_by_text("With the camera on").wait_for()
        await assert_no_token_in_address_bar(page)
        await page.get_by_label("I understand what is recorded").check()
        await page.get_by_label("Keep a video recording of my camera").check()  # only offered now
        await page.get_by_role("button", name="Check my microphone and camera").click()
        await page.locator("#preview").wait_for(state="visible")
        await page.get_by_role("button", name="Join the interview").click()

        await (
            page.locator("#question")
            .filter(has_text="tell me a little about yourself")
            .wait_for(timeout=20_000)
        )
        current = await state_of(client, iid)
        assert current["status"] == "in_progress" and current["consent"]["camera_analysis"] is True
        assert current["consent"]["video_recording"] is True
        assert current["current_question"]["text"] == await page.locator("#question").inner_text()

        # the candidate's words appear as a caption, and the server stored them
        mine = page.locator('#captions li[data-speaker="candidate"]:not(.partial)')
        await mine.first.wait_for(timeout=45_000)
        caption = await mine.first.locator(".text").inner_text()
        assert wer(ANSWER, caption) < 0.35, caption
        segments = await transcript_of(client, iid)
        answers = [s["text"] for s in segments if s["speaker"] == "candidate"]
        assert answers and wer(ANSWER, answers[0]) < 0.35
        assert await heard_energy(page) > 0  # the browser heard the interviewer
        await page.locator('#captions li[data-speaker="interviewer"]').first.wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "room-video.png"), full_page=True)

        await page.get_by_role("button", name="End interview").click()
        await page.get_by_role("button", name="Press again to end the interview").click()
        await page.get_by_text("Thank you!").wait_for(timeout=15_000)
        report = await report_of(client, iid)
        assert report["status"] == "completed" and report["questions"][0]["answer"]
        assert report["attention"]["video_seconds"] > 5 and report["attention"]["present_share"] > 0.8
        assert (await state_of(client, iid))["status"] == "completed"
        await browser.close()
    # the camera kept beside the audio, on its clock: a decodable WebM as long as the audio part
    [part] = runtime.recordings.parts(iid)
    assert part.video is not None
    with av.open(str(part.video)) as container:
        shown = sum(1 for _ in container.decode(video=0))
        seconds = container.duration / 1e6
    assert seconds == pytest.approx(part.duration, abs=0.5) and shown >= 4 * seconds  # ~5 fps


async def test_audio_only_reconnect_and_reload(server, client, tmp_path):
    interview = await client.create(role="Backend Engineer", duration_minutes=8, mode="audio")
    iid, token = interview["id"], interview["join_token"]
    wav = microphone_wav(tmp_path / "quiet.wav", speech("Hello."), lead_s=60)
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium_path(), headless=True, args=launch_args(wav)
        )
        page = await browser.new_page(viewport={"width": 390, "height": 844})  # a phone's width
        await page.goto(f"{server.base_url}/interview/{iid}?token={token}")
        await page.get_by_label("I understand what is recorded").wait_for()
        await assert_no_token_in_address_bar(page)
        assert not await page.locator('input[value="video"]').is_visible()  # audio-only interview
        await page.get_by_label("I understand what is recorded").check()
        await page.get_by_role("button", name="Check my microphone").click()
        await page.get_by_role("button", name="Join the interview").click()
        await page.locator("#question-label").filter(has_text="Question 1 of").wait_for(timeout=20_000)
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "room-audio-phone-width.png"), full_page=True)

        # the network drops: the server loses the connection
        agent = server.runtime.agent(iid)
        await agent.transport.close()
        await page.locator("#reconnecting").wait_for(state="visible", timeout=15_000)
        await page.locator("#reconnecting").wait_for(state="hidden", timeout=30_000)
        assert server.runtime.agent(iid) is not agent  # a new connection, same interview
        await (
            page.locator('#captions li[data-speaker="interviewer"]')
            .filter(has_text="Welcome back")
            .wait_for()
        )

        # a reload rejoins at once, at the same question
        await page.reload()
        await page.locator("#room").wait_for(state="visible", timeout=20_000)
        await page.locator("#question-label").filter(has_text="Question 1 of").wait_for(timeout=20_000)
        await assert_no_token_in_address_bar(page)  # rejoined with the token kept for the tab
        state = await state_of(client, iid)
        assert state["status"] == "in_progress" and state["current_question"]["id"] == "q1"
        assert state["consent"]["recording"] is True and state["consent"]["camera_analysis"] is False
        await browser.close()


async def test_denied_permission_invalid_and_finished_links(server, client):
    interview = await client.create(role="Backend Engineer", mode="audio")
    iid, token = interview["id"], interview["join_token"]
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium_path(), headless=True, args=launch_args(fake_ui=False)
        )
        context = await browser.new_context(permissions=[])
        page = await context.new_page()
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
        await page.goto(f"{server.base_url}/interview/{iid}?token={token}")
        await page.get_by_role("button", name="Check my microphone").click()
        error = page.locator("#device-error")
        await error.wait_for(state="visible", timeout=15_000)
        assert "allow" in (await error.inner_text()).lower()
        assert await page.get_by_role("button", name="Join the interview").is_disabled()

        # bad links get a plain page from the server itself
        response = await page.goto(f"{server.base_url}/interview/{iid}?token=wrong")
        assert response is not None and response.status == 404
        await page.get_by_text("This link does not open an interview").wait_for()
        response = await page.goto(f"{server.base_url}/interview/not-an-interview?token=x")
        assert response is not None and response.status == 404
        await page.get_by_text("This link does not open an interview").wait_for()
        # without a token (none in the link, none kept by this tab) the room says so
        fresh = await context.new_page()
        await fresh.goto(f"{server.base_url}/interview/{iid}")
        await fresh.locator("#invalid").wait_for(state="visible")
        assert "no access token" in await fresh.locator("#invalid-reason").inner_text()

        cancelled = await client.post(f"/api/v1/interviews/{iid}/cancel", client.recruiter)
        assert cancelled.status_code == 200
        response = await page.goto(f"{server.base_url}/interview/{iid}?token={token}")
        assert response is not None and response.status == 410
        await page.get_by_text("This interview has ended").wait_for()
        await browser.close()
