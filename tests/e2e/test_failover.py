"""Intervox split as in production: two API processes and two media workers on one PostgreSQL
and one Redis, all real processes on loopback. A spoken interview (the simulated candidate over
real WebRTC, through API b) survives kill -9 of the worker driving it: the candidate reconnects,
another worker takes the lease over and asks the same question again, and the interview
finishes with every committed answer in its transcript and report. A recruiter watching on
API a sees it all, from both workers."""

from __future__ import annotations

import asyncio
import time

import pytest

from api.server import InterviewClient
from bench.cluster import Cluster, cluster_env, rejoin, silent_for
from media.phone.caller import SimulatedCaller
from tests.conftest import speech
from tests.e2e.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Candidate,
    EventSocket,
    recruiter_client,
    report_of,
    state_of,
    transcript_of,
    wait_listening,
    ws_url,
)
from tests.e2e.test_webrtc_interview import ANSWERS
from tests.helpers import wer
from tests.servers import RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
LEASE_TTL_S = 3.0
PHONE_ANSWER = (
    "I have been a backend developer for four years. I built payment services in Python. That's it."
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, postgres_server):
    """One deployment for the module (its start loads the engines twice); each test kills a worker
    and the next one gets a new worker in its place. Its own Redis: other tests on this pytest
    worker empty the shared one."""
    tmp_path = tmp_path_factory.mktemp("cluster")
    redis = RedisServer()
    postgres_url, redis_url = postgres_server.database(), redis.url
    env = cluster_env(
        postgres_url,
        redis_url,
        tmp_path,
        INTERVOX_ADMIN_EMAIL=ADMIN_EMAIL,
        INTERVOX_ADMIN_PASSWORD=ADMIN_PASSWORD,
        INTERVOX_VISION__ENABLED="false",
        INTERVOX_TTS__RATE_WPM="230",
        INTERVOX_LEASE_TTL_S=str(LEASE_TTL_S),
    )
    running = Cluster(env, tmp_path)
    try:
        yield running.start(apis=2, workers=2)
    finally:
        running.stop()
        redis.stop()


@pytest.fixture
def deployment(cluster):
    cluster.replace_killed()
    return cluster


async def driver(recruiter, iid: str, other_than: str, timeout: float = 5) -> str:  # type: ignore[no-untyped-def]
    """The worker driving the interview, once it is not `other_than` any more (the new driver
    writes its live state just after it asks the question: read until that has landed)."""
    deadline = time.monotonic() + timeout
    while True:
        live = (await state_of(recruiter, iid))["live"] or {}
        if live.get("worker_id") != other_than or time.monotonic() > deadline:
            return str(live.get("worker_id"))
        await asyncio.sleep(0.1)


async def test_a_spoken_interview_survives_kill_9_of_its_worker(deployment):
    cluster = deployment
    api_a, api_b = cluster.apis
    recruiter = await recruiter_client(api_a.url)
    candidate_side = InterviewClient(api_b.url)  # the candidate's requests reach the other API process
    interview = await recruiter.create(role="Backend Engineer", duration_minutes=12)
    iid, token = interview["id"], interview["join_token"]
    watcher = await EventSocket(ws_url(api_a.url, iid, recruiter.recruiter)).open()
    await candidate_side.consent(iid, token)
    peer = Candidate()
    await peer.connect(candidate_side.signal(iid, token))

    # the first answer is committed on the first worker
    await wait_listening(peer)
    await peer.say(speech(ANSWERS[0], lead_s=0.3))
    await peer.wait_event("transcript", speaker="candidate", final=True, timeout=30)
    asked = await peer.wait_event("question", id="q2", timeout=30)
    await wait_listening(peer, peer.events.index(asked))
    first = (await state_of(recruiter, iid))["live"]["worker_id"]
    assert first in {w.worker_id for w in cluster.workers}

    # kill -9 its worker while the candidate is half way through the second answer
    saying = asyncio.ensure_future(peer.say(speech(ANSWERS[1], lead_s=0.3)))
    await asyncio.sleep(2.0)
    cluster.worker(first).kill()
    killed_at = time.monotonic()
    await silent_for(peer, 1.0)
    saying.cancel()
    await peer.close()

    # the room reconnects through an API process; the other worker resumes the same question
    again = await rejoin(candidate_side, interview, Candidate)
    resumed = await again.wait_event("question", timeout=30)
    resume_s = time.monotonic() - killed_at
    assert resumed["data"]["id"] == "q2" and resumed["data"]["text"] == asked["data"]["text"]
    second = await driver(recruiter, iid, other_than=first)
    assert second != first and second in {w.worker_id for w in cluster.workers}
    print(f"resumed {resume_s:.1f} s after kill -9 (lease {LEASE_TTL_S} s)")
    assert resume_s < 15

    # the candidate answers again; the recruiter ends the interview through API a, which hands
    # the request to the worker now driving it
    said = [ANSWERS[0], ANSWERS[1]]
    cursor = await wait_listening(again)
    await again.say(speech(ANSWERS[1], lead_s=0.4))
    await again.wait_event("transcript", speaker="candidate", final=True, after=cursor, timeout=30)
    ended = await recruiter.post(f"/api/v1/interviews/{iid}/end", recruiter.recruiter)
    assert ended.status_code == 200 and ended.headers["x-intervox-worker"] == second, ended.text
    await again.wait_event("interview_ended", timeout=30)
    await watcher.wait_for("interview_ended", timeout=20)

    # every committed answer is in the transcript, the one before the kill included, and the
    # accurate pass covered them all (its queue outlives the worker that was killed)
    deadline = time.monotonic() + 60
    while True:
        answers = [s for s in await transcript_of(recruiter, iid) if s["speaker"] == "candidate"]
        if all(s["stt_model"] == "base" for s in answers) or time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    assert len(answers) == len(said), [s["text"] for s in answers]
    for answer, segment in zip(said, answers, strict=True):
        assert wer(answer, segment["text"]) < 0.25, segment["text"]
    assert [s["stt_model"] for s in answers] == ["base"] * len(said)

    # the recruiter on API a watched both workers' parts of the interview
    finals = [e for e in watcher.events if e["type"] == "transcript" and e["data"].get("final")]
    assert len({e["data"]["segment_id"] for e in finals if e["data"]["speaker"] == "candidate"}) >= len(said)
    # and the report covers the whole interview
    report = await report_of(recruiter, iid)
    assert report["status"] == "completed"
    scored = [q for q in report["questions"] if q.get("score")]
    assert [q["id"] for q in scored][:2] == ["q1", "q2"] and report["overall_score"] > 0
    for answer, question in zip(said, scored, strict=False):  # each from its own worker
        assert wer(answer, question["answer"]) < 0.25, question["answer"]
    await watcher.close()
    await again.close()
    await recruiter.aclose()
    await candidate_side.aclose()


async def test_a_phone_call_survives_kill_9_of_its_worker(deployment):
    """The caller's stream, relayed by the API process, closes with 1013 when its worker dies;
    calling back reaches the other worker, which resumes at the same question."""
    cluster = deployment
    api = cluster.apis[0]
    recruiter = await recruiter_client(api.url)
    interview = await recruiter.create(role="Backend Engineer", duration_minutes=8, mode="phone")
    iid, token = interview["id"], interview["join_token"]
    await recruiter.consent(iid, token)  # agreed beforehand: no consent notice on the call
    stream = api.url.replace("http://", "ws://") + f"/api/v1/phone/{iid}/stream"
    caller = SimulatedCaller()
    await caller.dial(stream, token)
    marks = await caller.wait_turn()
    await caller.say(speech(PHONE_ANSWER, lead_s=0.5))
    await caller.wait_turn(marks)
    before = (await state_of(recruiter, iid))["live"]
    cluster.worker(before["worker_id"]).kill()
    killed_at = time.monotonic()
    while caller.close_code is None and time.monotonic() - killed_at < 10:
        await asyncio.sleep(0.05)
    assert caller.close_code == 1013, (caller.close_code, caller.close_reason)  # try again later

    again = SimulatedCaller()  # the caller calls back
    await again.dial(stream, token)
    await again.wait_turn()
    resume_s = again.first_audible_after(again.started_at) - killed_at  # the interviewer speaks again
    await driver(recruiter, iid, other_than=before["worker_id"])
    after = (await state_of(recruiter, iid))["live"]
    assert after["worker_id"] != before["worker_id"] and after["question_id"] == before["question_id"]
    print(f"phone: the interviewer spoke again {resume_s:.1f} s after kill -9")
    assert resume_s < 15
    transcript = await transcript_of(recruiter, iid)
    answers = [s for s in transcript if s["speaker"] == "candidate"]
    assert len(answers) == 1 and wer(PHONE_ANSWER, answers[0]["text"]) < 0.45, answers
    assert transcript[-1]["speaker"] == "interviewer" and transcript[-1]["text"].startswith("Welcome back")
    await again.send({"event": "stop", "streamSid": again.stream_sid})
    await recruiter.aclose()
