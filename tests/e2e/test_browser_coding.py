"""A coding interview's room in a real headless Chromium against a real server: the disclosure,
the interviewer's voice beside the editor, typing into CodeMirror, Run with the keyboard, the
visible tests' results, the language switch, and a large paste recorded as an integrity event."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from coding.tasks import bank
from tests.e2e.browser import chromium_path, launch_args, microphone_wav
from tests.e2e.conftest import report_of, silence, transcript_of

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"
TASK = bank()["balanced-brackets"]
# typed key by key: CodeMirror indents after the colon and closes the brackets it opens
TYPED = "def is_balanced(s):\nreturn len(s) % 2 == 0"


async def test_coding_interview_in_the_browser(server, client, tmp_path):
    interview = await client.create(
        role="Backend Engineer",
        mode="coding",
        task_id=TASK.id,
        code_language="python",
        duration_minutes=10,
        candidate_name="Ada",
    )
    iid, token = interview["id"], interview["join_token"]
    wav = microphone_wav(tmp_path / "quiet.wav", silence(1), lead_s=1, tail_s=90)
    problems: list[str] = []  # console errors (CSP violations among them) and page errors
    failed: list[str] = []  # answers of 400 and more
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium_path(), headless=True, args=launch_args(wav)
        )
        context = await browser.new_context(
            viewport={"width": 1366, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
        )
        page = await context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        await page.goto(f"{server.base_url}/interview/{iid}?token={token}")

        # what the editor records is disclosed before anything starts
        await page.get_by_text("opening the browser's developer tools").wait_for()
        assert not await page.locator('input[value="video"]').is_visible()  # microphone only
        await page.get_by_label("I understand what is recorded").check()
        await page.get_by_role("button", name="Check my microphone").click()
        await page.get_by_role("button", name="Join the interview").click()

        await page.locator("#task-title").filter(has_text=TASK.title).wait_for(timeout=15_000)
        editor = page.locator("#editor .cm-content")
        await editor.click()
        await page.keyboard.press("Control+A")
        await page.keyboard.type(TYPED)
        code = "window.intervoxRoom.coding.code"  # the editor's document
        assert await page.evaluate(code) == "def is_balanced(s):\n    return len(s) % 2 == 0"
        await page.keyboard.press("Control+Enter")
        summary = page.locator("#run-summary")
        await summary.filter(has_text="2 of 3 tests passed").wait_for(timeout=20_000)
        failing = page.locator("#tests li.fail")
        assert await failing.count() == 1 and "wrong kind" in await failing.inner_text()
        assert "Expected" in await failing.inner_text() and "false" in await failing.inner_text()

        # the interviewer speaks beside the editor: its opening names the task
        opening = page.locator('#captions li[data-speaker="interviewer"]').filter(has_text=TASK.title)
        await opening.first.wait_for(timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "room-coding.png"), full_page=True)

        # each language keeps its own code
        await page.get_by_label("Language").select_option("javascript")
        await editor.filter(has_text="function isBalanced").wait_for()
        await page.get_by_label("Language").select_option("python")
        await editor.filter(has_text="len(s) % 2").wait_for()

        # a large paste: the reference-sized block replaces the code and is reported
        block = TASK.reference["python"]
        await page.evaluate("text => navigator.clipboard.writeText(text)", block)
        await editor.click()
        await page.keyboard.press("Control+A")
        await page.keyboard.press("Control+V")
        await editor.filter(has_text="stack.pop()").wait_for()
        await page.get_by_role("button", name="Run tests").click()
        await summary.filter(has_text="3 of 3 tests passed").wait_for(timeout=20_000)
        integrity = await client.get(f"/api/v1/interviews/{iid}/integrity", client.recruiter)
        pastes = integrity.json()["timeline"]
        assert [e["details"]["chars"] for e in pastes if e["type"] == "paste"] == [len(block)], pastes

        await page.set_viewport_size({"width": 390, "height": 844})  # a phone's width
        await page.screenshot(path=str(ARTIFACTS / "room-coding-phone-width.png"), full_page=True)
        await page.get_by_role("button", name="End interview").click()
        await page.get_by_role("button", name="Press again to end the interview").click()
        await page.get_by_text("Thank you!").wait_for(timeout=30_000)
        await browser.close()

    # the thank-you page asks for the optional feedback summary, off by default (404): the only
    # failed request, and its "Failed to load resource" line the only console error allowed
    assert len(failed) == 1 and failed[0].startswith("404 ") and failed[0].endswith("/feedback"), failed
    problems.remove("Failed to load resource: the server responded with a status of 404 (Not Found)")
    assert not problems, "\n".join(problems)
    report = await report_of(client, iid)
    assert report["questions"] == [] and report["coding"]["submitted"]
    assert report["coding"]["correctness"]["share"] == 1.0  # the pasted code was saved before the end
    said = [s["text"] for s in await transcript_of(client, iid) if s["speaker"] == "interviewer"]
    assert said and said[0].startswith("Hi Ada. Thanks for joining this coding interview")
