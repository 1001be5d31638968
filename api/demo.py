"""`intervox demo`: a simulated candidate interviews over a real WebRTC connection."""

from __future__ import annotations

import asyncio
import functools
import secrets

import numpy as np

from api.server import InterviewClient, running_server
from api.settings import Settings
from core.audio import SAMPLE_RATE
from media.resample import resample_speech
from media.webrtc.candidate import CandidatePeer
from tts.piper import PiperSynthesizer
from tts.synth import Pyttsx3Synthesizer, SpeechSynthesizer, TtsOptions
from tts.voices import PRESETS

OPENING_ANSWER = (
    "I have been a backend developer for four years. I built payment services in Python and "
    "PostgreSQL, and I enjoy designing APIs because clear interfaces make teams faster. That's it."
)
GENERIC_ANSWER = (
    "I would start by measuring the problem with metrics and logs, then reproduce it with a test, "
    "fix the cause, and add monitoring so it does not come back. That's all."
)


MAX_CANDIDATE_PAUSE_MS = 300


def speak(text: str, voice: str = "candidate") -> np.ndarray:
    """The simulated candidate's voice as 16 kHz int16, with a short lead-in of silence.

    A Piper voice unlike the interviewer's (espeak-ng if Piper cannot speak), so our
    own figures come from speech closer to a person's."""
    speech = _candidate_synthesizer(voice).synthesize(text)
    pcm = shorten_pauses(resample_speech(speech.pcm, speech.sample_rate, SAMPLE_RATE))
    return np.concatenate([np.zeros(SAMPLE_RATE // 2, dtype=np.int16), pcm])


def shorten_pauses(pcm: np.ndarray, max_ms: int = MAX_CANDIDATE_PAUSE_MS, level: int = 300) -> np.ndarray:
    """Cap the pauses inside a clip (20 ms frames under `level`) at `max_ms`.

    Piper pauses 0.4-0.55 s at every comma, longer than a fluent speaker and as long
    as the interviewer's end-of-turn wait; the simulated candidate is a fluent speaker
    (its thinking pauses are inserted on purpose by the benchmarks and tests)."""
    frame = SAMPLE_RATE // 50
    frames = [pcm[i : i + frame] for i in range(0, len(pcm), frame)]
    quiet = [int(np.abs(f.astype(np.int32)).max(initial=0)) < level for f in frames]
    keep, run = [], 0
    for index, f in enumerate(frames):
        run = run + 1 if quiet[index] else 0
        if not quiet[index] or run * 20 <= max_ms or index == len(frames) - 1:
            keep.append(f)
    return np.concatenate(keep) if keep else pcm


@functools.cache
def _candidate_synthesizer(voice: str) -> SpeechSynthesizer:
    preset = PRESETS[voice]
    if preset.engine == "piper":
        return PiperSynthesizer(TtsOptions(voice=voice, rate_wpm=190), preset)  # a fluent speaker
    return Pyttsx3Synthesizer(TtsOptions(engine="pyttsx3", voice=voice), preset)


async def run_demo(settings: Settings, minutes: int) -> None:
    async with running_server(settings) as server:
        base_url = server.base_url
        # With no admin configured, the demo makes its own and signs in as it.
        email = settings.admin_email or "demo@intervox.invalid"
        password = settings.admin_password or secrets.token_urlsafe(18)
        accounts = server.runtime.accounts
        user, _ = await asyncio.to_thread(accounts.ensure_admin, email, password, "Demo organisation")
        pair = await asyncio.to_thread(accounts.issue, user)
        client = InterviewClient(base_url, pair.access_token)
        interview = await client.create(
            role="Backend Engineer",
            level="middle",
            skills=["Python"],
            mode="audio",  # the simulated candidate has no camera
            duration_minutes=minutes,
            candidate_name="Robin",  # not a persona's name (Alex is the technical lead)
        )
        iid, token = interview["id"], interview["join_token"]
        print(f"interview {iid}: the candidate agrees to the recording and connects over WebRTC")
        await client.consent(iid, token)
        peer = CandidatePeer()
        await peer.connect(client.signal(iid, token))
        await answer_until_end(peer)
        transcript = (await client.get(f"/api/v1/interviews/{iid}/transcript", client.recruiter)).json()
        for seg in transcript["segments"]:
            print(f"[{seg['start']:6.1f}s] {seg['speaker']:>11}: {seg['text']}")
        report = (await client.get(f"/api/v1/interviews/{iid}/report", client.recruiter)).json()
        print(f"\noverall {report['overall_score']}/100, {report['recommendation']}")
        print(f"report: GET /api/v1/interviews/{iid}/report with a recruiter token (as {email})")
        print(f"stored in {settings.database_url}")
        for part in server.runtime.recordings.parts(iid):  # both voices, left the candidate
            print(f"recording: {part.path} ({part.duration:.0f} s, from {part.start:.1f} s)")
        await peer.close()
        await client.aclose()


async def answer_until_end(peer: CandidatePeer, timeout: float = 300) -> None:
    """Answer every question or follow-up once the interviewer stops speaking."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    seen = 0
    while loop.time() < deadline:
        ev = await peer.wait_event("speaking", timeout=deadline - loop.time(), after=seen, state="stopped")
        seen = peer.events.index(ev) + 1
        if any(e["type"] == "interview_ended" or e["data"].get("phase") == "wrap_up" for e in peer.events):
            await peer.wait_event("interview_ended", timeout=30)
            return
        questions = [e["data"]["id"] for e in peer.events if e["type"] == "question"]
        print(f"interviewer asked {questions[-1] if questions else '?'}; the candidate answers")
        await peer.say(speak(OPENING_ANSWER if len(questions) <= 1 else GENERIC_ANSWER))
