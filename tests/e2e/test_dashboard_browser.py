"""The recruiter's dashboard in a real headless Chromium, the whole story once: sign in, create a
job, a candidate (with a resume uploaded through the form) and an interview from them, watch a
short spoken interview (the simulated WebRTC candidate) live in two tabs, end it, and review it:
the transcript seeks the recording, by mouse and by keyboard, at desktop and at phone width."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.async_api import Page, async_playwright

from tests.conftest import speech
from tests.e2e.browser import chromium_path, launch_args, wait_until
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, join, state_of, wait_listening

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"
ANSWERS = [
    "I have built payment services in Python for four years, and I enjoy designing clear APIs. That's it.",
    "First I reproduce the problem, then I read the logs, fix the cause and add a test. That's all.",
]
FOCUSED_LINE_START = """() => {
    const el = document.activeElement;
    return el && el.matches("#transcript button.line") ? el.dataset.start : null;
}"""
RESUME = (
    "Ada Lovelace\nBackend engineer\n\nExperience\nSenior Backend Engineer, Acme (2019 - 2024): Python, "
    "PostgreSQL, Kubernetes, REST APIs.\n"
)


async def signed_in(browser, base_url: str, errors: list[str], hash_: str = "") -> Page:
    """A tab signed in through the form (each tab keeps its own session)."""
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text} {m.location}"))
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    await page.goto(f"{base_url}/{hash_}")
    await page.get_by_label("Email").fill(ADMIN_EMAIL)
    await page.get_by_label("Password").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.locator("#live.up").wait_for(timeout=10_000)  # the organisation's status stream is open
    return page


async def create_job_candidate_and_interview(page: Page, tmp_path: Path) -> tuple[str, str]:
    """Through the forms, as a recruiter would; returns the interview's id and join token."""
    await page.get_by_role("link", name="Jobs", exact=True).click()
    await page.get_by_role("button", name="New job").click()
    await page.get_by_label("Title").fill("Backend Engineer")
    await page.get_by_label("Skills (comma-separated)").fill("Python, SQL")
    await page.get_by_role("button", name="Draft a description").click()
    await wait_until(page, "document.querySelector('textarea[name=description]').value.length > 40")
    await page.get_by_role("button", name="Create the job").click()
    await page.locator("table.list tr", has_text="Backend Engineer").wait_for()

    await page.get_by_role("link", name="Candidates", exact=True).click()
    await page.get_by_role("button", name="New candidate").click()
    await page.get_by_label("Name").fill("Ada Lovelace")
    await page.get_by_label("Email (optional)").fill("ada@example.com")
    resume = tmp_path / "ada-resume.txt"
    resume.write_text(RESUME)
    await page.get_by_label("Resume (optional").set_input_files(str(resume))
    await page.get_by_role("button", name="Add the candidate").click()
    await page.get_by_role("heading", name="Ada Lovelace").wait_for()
    skills = await page.locator("#resume-skills").inner_text()
    assert "Python" in skills and "Kubernetes" in skills, skills

    await page.get_by_role("link", name="New interview with this candidate").click()
    await page.get_by_label("Job", exact=True).select_option(label="Backend Engineer (middle)")
    await page.get_by_label("Mode").select_option("audio")
    await page.get_by_label("Duration (minutes)").fill("8")
    tomorrow = (datetime.now() + timedelta(days=1)).replace(hour=10, minute=30)
    await page.get_by_label("Scheduled at (optional)").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_role("button", name="Create the interview").click()
    await page.get_by_role("heading", name="Invitation").wait_for()
    join_url = await page.locator("#join-url").input_value()
    body = await page.locator("#invitation-body").inner_text()
    assert "Dear Ada Lovelace" in body and join_url in body and "/interview/" in join_url
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Download the calendar event (.ics)").click()
    ics = Path(await (await download_info.value).path()).read_text()
    assert "BEGIN:VCALENDAR" in ics and "DTSTART" in ics
    link = urlparse(join_url)
    return link.path.rsplit("/", 1)[-1], parse_qs(link.query)["token"][0]


async def current_time(page: Page) -> float:
    return float(await page.evaluate("document.getElementById('recording').currentTime"))


async def test_the_recruiters_whole_story_in_the_dashboard(server, client, tmp_path):
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), headless=True, args=launch_args())
        listing = await signed_in(browser, server.base_url, errors)
        interview_id, join_token = await create_job_candidate_and_interview(listing, tmp_path)
        await listing.get_by_role("link", name="Interviews", exact=True).click()
        row = listing.locator(f'tr[data-id="{interview_id}"]')
        await row.locator(".badge", has_text="scheduled").wait_for()

        # a second tab watches the interview itself
        watching = await signed_in(browser, server.base_url, errors, f"#/interviews/{interview_id}")
        await watching.locator("#live-marker").wait_for(state="visible")

        peer = await join(client, {"id": interview_id, "join_token": join_token})
        await row.locator(".badge", has_text="in progress").wait_for(timeout=20_000)  # no reload
        await watching.get_by_role("button", name="End it now").wait_for(timeout=10_000)
        cursor = 0
        for answer in ANSWERS:
            cursor = await wait_listening(peer, cursor)
            await peer.say(speech(answer, lead_s=0.4))
        lines = watching.locator('#transcript li[data-speaker="candidate"] button.line')
        await lines.nth(len(ANSWERS) - 1).wait_for(timeout=30_000)  # live, as they were said
        assert await watching.locator('#transcript li[data-speaker="interviewer"] button.line').count() >= 2
        cursor = await wait_listening(peer, cursor)

        await watching.get_by_role("button", name="End it now").click()
        await watching.get_by_role("button", name="Press again to end it").click()
        await watching.get_by_role("heading", name="Recommendation").wait_for(timeout=30_000)
        await row.locator(".badge", has_text="completed").wait_for(timeout=10_000)
        await row.locator(".verdict").wait_for(timeout=10_000)  # the score arrived with report_ready
        state = await state_of(client, interview_id)
        assert state["status"] == "completed"
        await peer.close()
        # one connection, one part; a transcript time t plays at t - part start within it
        (part,) = state.get("recordings") or [{"start": 0.0}]

        # the recording, fetched with the token and played from memory; a line seeks it
        audio = watching.locator("#recording")
        await audio.wait_for(state="visible", timeout=20_000)
        await wait_until(watching, "document.getElementById('recording').readyState >= 1")
        answer_line = lines.first
        start = float(await answer_line.get_attribute("data-start") or "nan")
        assert start > 1.0  # the candidate spoke after the greeting
        await answer_line.click()
        assert abs(await current_time(watching) - (start - part["start"])) < 1.0
        assert await answer_line.get_attribute("aria-current") == "time"

        # by keyboard: Tab from the transcript's heading reaches a line, Enter seeks
        await watching.evaluate("document.getElementById('recording').pause()")
        await watching.locator("#transcript-title").click()
        focused = None
        for _ in range(10):
            await watching.keyboard.press("Tab")
            focused = await watching.evaluate(FOCUSED_LINE_START)
            if focused is not None:
                break
        assert focused is not None, "Tab never reached a transcript line"
        await watching.keyboard.press("Enter")
        assert abs(await current_time(watching) - max(0.0, float(focused) - part["start"])) < 1.0
        await watching.evaluate("document.getElementById('recording').pause()")

        ARTIFACTS.mkdir(exist_ok=True)
        await watching.screenshot(path=str(ARTIFACTS / "dashboard-interview-desktop.png"), full_page=True)
        await listing.screenshot(path=str(ARTIFACTS / "dashboard-interviews-desktop.png"), full_page=True)
        for page in (watching, listing):
            await page.set_viewport_size({"width": 390, "height": 844})  # a phone's width
        await asyncio.sleep(0.3)
        assert await watching.evaluate("document.documentElement.scrollWidth <= 390")
        assert await listing.evaluate("document.documentElement.scrollWidth <= 390")
        await watching.screenshot(path=str(ARTIFACTS / "dashboard-interview-phone.png"), full_page=True)
        await listing.screenshot(path=str(ARTIFACTS / "dashboard-interviews-phone.png"), full_page=True)
        assert not errors, errors
        await browser.close()
