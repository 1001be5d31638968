"""`intervox api` and `intervox worker` as servers of their own (here in one test process, on
one real Redis and one SQLite file): a phone call reaching the API process is relayed to the
worker, which drives it; the recruiter's `end` through the API process reaches the worker too;
the API process loads no engines and lists the worker."""

from __future__ import annotations

import asyncio

import pytest

from api.server import running_server
from api.settings import Settings, TtsSettings
from media.phone.caller import SimulatedCaller
from tests.conftest import speech
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, recruiter_client, state_of, transcript_of
from tests.helpers import wer

pytestmark = [pytest.mark.slow]
ANSWER = "I have been a backend developer for four years. I built payment services in Python. That's it."


def role_settings(tmp_path, redis_url: str, role: str) -> Settings:
    """The worker announces http://127.0.0.1:<the port running_server bound>."""
    return Settings(
        role=role,
        redis_url=redis_url,
        database_url=f"sqlite:///{tmp_path}/shared.db",
        data_dir=str(tmp_path / "data"),
        secret_key="one key for the whole deployment",
        admin_email=ADMIN_EMAIL,
        admin_password=ADMIN_PASSWORD,
        tts=TtsSettings(rate_wpm=230),
    )


async def test_a_phone_call_to_the_api_process_is_driven_by_the_worker(tmp_path, redis_url):
    async with (
        running_server(role_settings(tmp_path, redis_url, "worker")) as worker,
        running_server(role_settings(tmp_path, redis_url, "api")) as api,
    ):
        client = await recruiter_client(api.base_url)
        listed = (await client.get("/api/v1/workers", client.recruiter)).json()
        assert listed["role"] == "api"
        assert [w["worker_id"] for w in listed["items"]] == [worker.runtime.worker_id]
        health = (await client.http.get("/health")).json()
        assert health["role"] == "api" and health["components"]["stt"] == "on workers"
        assert api.runtime.stt is None  # no engines in an API process

        interview = await client.create(role="Backend Engineer", duration_minutes=8, mode="phone")
        iid, token = interview["id"], interview["join_token"]
        await client.consent(iid, token)
        caller = SimulatedCaller()
        stream = api.base_url.replace("http://", "ws://") + f"/api/v1/phone/{iid}/stream"
        await caller.dial(stream, token)
        marks = await caller.wait_turn()
        assert caller.first_audible_after(caller.started_at) is not None  # greeted through the relay
        assert (await state_of(client, iid))["live"]["worker_id"] == worker.runtime.worker_id
        assert worker.runtime.agent(iid) is not None and api.runtime.agent(iid) is None
        await caller.say(speech(ANSWER, lead_s=0.5))
        await caller.wait_turn(marks)
        answers = [s for s in await transcript_of(client, iid) if s["speaker"] == "candidate"]
        assert len(answers) == 1 and wer(ANSWER, answers[0]["text"]) < 0.45, answers

        # the recruiter ends it through the API process: the worker writes the report
        ended = await client.post(f"/api/v1/interviews/{iid}/end", client.recruiter)
        assert ended.status_code == 200, ended.text
        assert ended.headers["x-intervox-worker"] == worker.runtime.worker_id
        assert ended.json()["status"] == "completed"
        for _ in range(50):  # the worker hangs up; the relay passes its close on
            if caller.close_code is not None:
                break
            await asyncio.sleep(0.1)
        assert caller.close_code is not None
        await client.aclose()
