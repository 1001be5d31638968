"""A whole spoken interview over real WebRTC: real Whisper, real Piper and espeak-ng, real store."""

import asyncio
from datetime import datetime

import numpy as np
import pytest

from core.audio import SAMPLE_RATE, to_float32
from media.resample import resample_speech
from orchestrator.interviewer import RulesInterviewer, Say
from stt.whisper import WhisperEngine
from tests.conftest import speech
from tests.e2e.conftest import (
    EventSocket,
    assert_candidate_safe,
    join,
    report_of,
    state_of,
    transcript_of,
    wait_listening,
    ws_url,
)
from tests.helpers import decode_recording, normalise, wer

pytestmark = pytest.mark.slow

ANSWERS = [
    "I have been a backend developer for four years. I work on payment services in Python and "
    "I enjoy designing clear interfaces for other teams. That's it.",
    "First I reproduce the problem, then I read the logs and metrics, isolate the cause, fix it, "
    "and add a regression test. That's all.",
    "I would do the same again and write a short design document first. That's it.",
]


async def test_spoken_interview_end_to_end(server, client):
    interview = await client.create(
        role="Backend Engineer", level="middle", duration_minutes=8, candidate_name="Alex"
    )
    iid, token = interview["id"], interview["join_token"]
    # the candidate's own WebSocket (join token) and a recruiter watching live (access token)
    candidate_ws = await EventSocket(ws_url(server.base_url, iid, token)).open()
    recruiter_ws = await EventSocket(ws_url(server.base_url, iid, client.recruiter)).open()
    peer = await join(client, interview)
    said, cursor = [], 0
    first_question_window = None
    for answer in ANSWERS:
        start = asyncio.get_running_loop().time()
        cursor = await wait_listening(peer, cursor)
        if first_question_window is None:
            first_question_window = (peer.heard[0].ts if peer.heard else 0, peer.heard[-1].ts)
            await typed_answers_are_refused(peer, candidate_ws, recruiter_ws, client, iid, cursor)
        if any(e["type"] == "phase_update" and e["data"]["phase"] == "wrap_up" for e in peer.events):
            break
        assert asyncio.get_running_loop().time() - start < 60
        await peer.say(speech(answer, lead_s=0.4))
        said.append(answer)
    ended = await peer.wait_event("interview_ended", timeout=60)
    watched = await recruiter_ws.wait_for("interview_ended", timeout=10)
    await asyncio.sleep(0.5)  # the server closes both sockets after interview_ended
    await candidate_ws.close()
    await recruiter_ws.close()

    # the candidate's channels carried only candidate-safe events; the recruiter saw everything
    assert_candidate_safe(peer.events, "data channel")
    assert_candidate_safe(candidate_ws.events, "candidate WebSocket")
    assert candidate_ws.events[-1]["type"] == "interview_ended"
    assert "recommendation" not in ended["data"] and "overall_score" not in ended["data"]
    assert any(e["type"] == "score_update" for e in recruiter_ws.events)
    assert watched["data"]["recommendation"] and watched["data"]["overall_score"] > 0

    # what the candidate said is in the stored transcript, word for word (almost)
    transcript = await transcript_of(client, iid)
    heard_by_server = " ".join(s["text"] for s in transcript if s["speaker"] == "candidate")
    assert wer(" ".join(said), heard_by_server) < 0.2, heard_by_server
    candidate_segments = [s for s in transcript if s["speaker"] == "candidate"]
    assert len(candidate_segments) == len(said)
    # ...and comes from the accurate second pass (Whisper base), not the live tiny.en
    assert [s["stt_model"] for s in candidate_segments] == ["base"] * len(said)
    assert all(s["stt_model"] is None for s in transcript if s["speaker"] == "interviewer")
    assert all(s["words"] and s["end"] > s["start"] for s in candidate_segments)
    assert [s["start"] for s in transcript] == sorted(s["start"] for s in transcript)

    # the interviewer's audio reached the candidate and is the stored speech
    opening = next(s for s in transcript if s["speaker"] == "interviewer")
    heard = peer.heard_audio(*first_question_window)
    heard_text = WhisperEngine().transcribe(to_float32(heard)).text
    assert wer(opening["text"], heard_text) < 0.35, heard_text

    # the events came in a sensible order
    types = [e["type"] for e in peer.events]
    assert types[0] == "connected" and types[-1] == "interview_ended"
    assert types.index("question") < types.index("speaking") < types.index("thinking")
    phases = [e["data"]["phase"] for e in peer.events if e["type"] == "phase_update"]
    assert phases == ["intro", "questions", "wrap_up", "completed"]
    captions = [e for e in peer.events if e["type"] == "transcript" and e["data"]["speaker"] == "candidate"]
    finals = [e for e in captions if e["data"]["final"] and not e["data"].get("revised")]
    assert len(finals) == len(said)
    # each final caption was replaced by the accurate pass's text, matched by segment id
    revised = {e["data"]["segment_id"]: e["data"]["text"] for e in captions if e["data"].get("revised")}
    assert sorted(revised) == sorted(f["data"]["segment_id"] for f in finals)
    assert sorted(revised.values()) == sorted(s["text"] for s in candidate_segments)
    first_final = captions.index(finals[0])
    assert first_final > 0 and not captions[first_final - 1]["data"]["final"]  # live caption came first

    # the report exists and scores every planned question
    report = await report_of(client, iid)
    assert report["status"] == "completed" and len(report["questions"]) == 2
    assert report["recommendation"] == watched["data"]["recommendation"]
    assert report["questions"][0]["score"] > 0 and 0 < report["overall_score"] <= 100
    assert report["communication"]["words_per_minute"] > 60
    await the_recording_holds_both_voices_on_the_transcripts_clock(client, iid, transcript, said)
    await peer.close()


async def recording_of(client, iid: str) -> tuple[dict, dict, np.ndarray, int]:
    """The interview as the recruiter reads it, its one recording part, and that part decoded
    (after checking a range request against the whole file)."""
    state = await state_of(client, iid)
    [part] = state["recordings"]
    recruiter = {"Authorization": f"Bearer {client.recruiter}"}
    ranged = await client.http.get(part["url"], headers=recruiter | {"Range": "bytes=0-99"})
    whole = await client.http.get(part["url"], headers=recruiter)
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/ogg"
    assert ranged.status_code == 206 and ranged.content == whole.content[:100]
    assert ranged.headers["content-range"] == f"bytes 0-99/{len(whole.content)}"
    samples, rate = decode_recording(whole.content)
    interview_s = (
        datetime.fromisoformat(state["ended_at"]) - datetime.fromisoformat(state["started_at"])
    ).total_seconds()
    # the recording starts with the interview and ends with it: its length is the interview's
    assert part["start"] + samples.shape[1] / rate == pytest.approx(interview_s, abs=1.5)
    assert part["duration"] == pytest.approx(samples.shape[1] / rate, abs=0.1)
    return state, part, samples, rate


def window(samples: np.ndarray, rate: int, part: dict, segment: dict, pad_s: float) -> np.ndarray:
    """One channel where the transcript says `segment` was said, as 16 kHz int16."""
    start = max(0, round((segment["start"] - part["start"] - pad_s) * rate))
    end = round((segment["end"] - part["start"] + pad_s) * rate)
    pcm = (np.clip(samples[start:end], -1, 1) * 32767).astype(np.int16)
    return resample_speech(pcm, rate, SAMPLE_RATE)


async def the_recording_holds_both_voices_on_the_transcripts_clock(client, iid, transcript, said) -> None:
    """Each voice is on its own channel where the transcript puts it: transcribed back, the
    candidate's channel says the first answer and the interviewer's the opening, not the other
    way round."""
    _, part, samples, rate = await recording_of(client, iid)
    answer = next(s for s in transcript if s["speaker"] == "candidate")
    opening = next(s for s in transcript if s["speaker"] == "interviewer")
    engine = WhisperEngine()

    def heard(channel: int, segment: dict) -> str:
        pcm = window(samples[channel], rate, part, segment, pad_s=0.3)
        return engine.transcribe(to_float32(pcm)).text

    candidate_says, interviewer_says = heard(0, answer), heard(1, opening)
    assert wer(said[0], candidate_says) < 0.35, candidate_says
    assert wer(opening["text"], interviewer_says) < 0.35, interviewer_says
    assert wer(said[0], heard(1, answer)) > 0.8 and wer(opening["text"], heard(0, opening)) > 0.8


async def typed_answers_are_refused(peer, candidate_ws, recruiter_ws, client, iid, cursor) -> None:
    """A spoken interview takes no typed answers: an error, nothing stored, nothing scored."""
    peer.send("answer", text="I typed this answer instead.")
    refused = await peer.wait_event("error", after=cursor, timeout=10)
    assert refused["data"]["code"] == "MODE_MISMATCH"
    await candidate_ws.send({"type": "answer", "data": {"text": "And I typed this one."}})
    assert (await candidate_ws.wait_for("error", timeout=10))["data"]["code"] == "MODE_MISMATCH"
    await asyncio.sleep(0.5)
    segments = await transcript_of(client, iid)
    assert [s["speaker"] for s in segments] == ["interviewer"]
    assert not any(e["type"] in ("score_update", "thinking") for e in recruiter_ws.events)
    state = await state_of(client, iid)
    assert state["current_question"]["id"] == "q1"


async def test_barge_in_stops_the_interviewer_and_keeps_only_what_was_played(server, client):
    interview = await client.create(role="Backend Engineer", duration_minutes=8, candidate_name="Alex")
    iid = interview["id"]
    peer = await join(client, interview)
    await peer.wait_event("speaking", state="started", timeout=30)
    await asyncio.sleep(2.0)  # the opening lasts ~10 s; talk over it
    interruption = speech("Sorry, I have a question about the role.")
    loop = asyncio.get_running_loop()
    speak_task = asyncio.ensure_future(peer.say(interruption))
    talk_start = loop.time() and __import__("time").monotonic()
    stopped = await peer.wait_event("speaking", state="stopped", timeout=10)
    assert stopped["data"]["interrupted"] is True
    await speak_task
    await asyncio.sleep(0.5)
    # after the server stopped, the candidate heard (next to) nothing more of the opening
    loud_after = [
        f for f in peer.heard if f.ts > talk_start + 1.0 and f.ts < talk_start + 2.5 and f.dbfs > -50
    ]
    assert len(loud_after) <= 5, "the interviewer kept talking over the candidate"
    transcript = await transcript_of(client, iid)
    opening = transcript[0]
    assert opening["speaker"] == "interviewer" and opening["interrupted"] is True
    session = await server.runtime.session(iid)
    full = RulesInterviewer().text(session.context(), Say("opening"))
    assert 2 <= len(opening["text"].split()) < len(full.split())
    assert normalise(full).startswith(normalise(opening["text"]))
    await peer.close()


async def test_reconnect_resumes_the_same_interview(server, client):
    interview = await client.create(role="Backend Engineer", duration_minutes=12)
    iid = interview["id"]
    peer = await join(client, interview)
    await wait_listening(peer)
    await peer.say(speech(ANSWERS[0], lead_s=0.3))
    await peer.wait_event("transcript", speaker="candidate", final=True, timeout=30)
    question = await peer.wait_event("question", id="q2", timeout=30)
    await peer.close()  # the candidate's network drops
    await asyncio.sleep(1.0)
    state = await state_of(client, iid)
    assert state["status"] == "in_progress" and state["current_question"]["id"] == "q2"

    again = await join(client, interview)  # consenting again is harmless
    resumed = await again.wait_event("question", timeout=30)
    assert resumed["data"]["id"] == "q2" and resumed["data"]["text"] == question["data"]["text"]
    await wait_listening(again)
    transcript = await transcript_of(client, iid)
    answers = [s for s in transcript if s["speaker"] == "candidate"]
    assert len(answers) == 1 and wer(ANSWERS[0], answers[0]["text"]) < 0.25  # nothing lost
    assert transcript[-1]["text"].startswith("Welcome back")
    # each connection is a part of the recording, placed on the interview's clock
    first, second = (await state_of(client, iid))["recordings"]
    assert (first["part"], second["part"]) == (1, 2) and first["duration"] > 5
    assert second["start"] >= first["start"] + first["duration"]  # after the gap, not over it
    assert second["start"] <= transcript[-1]["start"] <= second["start"] + second["duration"]
    await again.close()


async def test_noise_is_not_an_answer_and_the_interview_goes_on(server, client):
    interview = await client.create(role="Backend Engineer", duration_minutes=8)
    iid = interview["id"]
    peer = await join(client, interview)
    cursor = await wait_listening(peer)
    noise = (np.random.default_rng(7).standard_normal(SAMPLE_RATE * 3) * 3000).astype(np.int16)
    await peer.say(noise)
    await asyncio.sleep(2.0)
    transcript = await transcript_of(client, iid)
    assert [s["speaker"] for s in transcript] == ["interviewer"]
    await peer.say(speech(ANSWERS[0], lead_s=0.3))
    reply = await peer.wait_event("transcript", speaker="candidate", final=True, timeout=30, after=cursor)
    # the answer after the noise is understood (Opus adapts to the noise first: a little worse than clean)
    assert wer(ANSWERS[0], reply["data"]["text"]) < 0.4
    await peer.close()


async def test_candidate_who_goes_on_after_a_pause_keeps_one_answer(server, client):
    """The interviewer takes the turn after a finished-sounding sentence; the candidate
    goes on. The reply stops and both parts stay one answer to the same question."""
    interview = await client.create(role="Backend Engineer", duration_minutes=12)
    iid = interview["id"]
    peer = await join(client, interview)
    cursor = await wait_listening(peer)
    first, second = "I have worked with Python for four years.", "And before that I wrote Java for two years."
    await peer.say(speech(first, lead_s=0.3))
    await peer.wait_event("speaking", state="started", after=cursor, timeout=20)  # it took the turn
    await asyncio.sleep(0.3)
    await peer.say(speech(second))
    stopped = await peer.wait_event("speaking", state="stopped", after=cursor, timeout=20)
    assert stopped["data"]["interrupted"] is True
    reopened = await peer.wait_event("question", after=cursor, timeout=20, reopened=True)
    assert reopened["data"]["id"] == "q1"
    await peer.wait_event("speaking", state="started", after=peer.events.index(reopened), timeout=30)
    transcript = await transcript_of(client, iid)
    answers = [s for s in transcript if s["speaker"] == "candidate"]
    assert [a["question_id"] for a in answers] == ["q1", "q1"]
    assert wer(first + " " + second, " ".join(a["text"] for a in answers)) < 0.35  # short clips, Opus
    assert any(s["speaker"] == "interviewer" and s["interrupted"] for s in transcript)
    await peer.close()
