"""Shared pieces: the server in its own process, scripted candidates, statistics."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field

import httpx
import numpy as np
from aiortc.mediastreams import MediaStreamTrack

from api.demo import speak
from api.server import InterviewClient, free_port
from core.audio import SAMPLE_RATE
from media.webrtc.candidate import CandidatePeer

# Answers a candidate might give; the ones with "|" pause mid-clause for 1.2 s,
# as a candidate does while thinking: the interviewer must not cut in there.
ANSWERS = [
    "I have worked as a backend developer for four years, mostly on payment services in Python.",
    "I would start with the logs and metrics, and | then reproduce the problem in a test.",
    "An index makes reads faster, but every insert and update has to maintain it as well.",
    "I would put a queue between the services so that a spike does not | take the database down.",
    "We agreed to build a small prototype first and compare both approaches with real data.",
    "I hash passwords with bcrypt and a salt, and tokens expire after one hour.",
    "First I would measure where the time goes, and | only then add a cache in front of it.",
    "My mistake was deploying on a Friday without a rollback plan. Now we always have one.",
    "I pair with new colleagues on their first tickets and review their code together.",
    "Containers share the host kernel, so they start faster than virtual machines.",
    "I would roll out with a canary release and | watch the error rate before going further.",
    "The hardest part was agreeing on the data model with the other team.",
]
THINKING_PAUSE_S = 1.2


@dataclass
class Clip:
    """A spoken answer and where, in samples, its voiced parts end."""

    text: str
    pcm: np.ndarray
    speech_end: int  # index after the last voiced sample
    pause_spans: list[tuple[int, int]] = field(default_factory=list)  # thinking pauses
    pause_kind: str = ""  # "clause" (at a clause boundary) or "mid" (mid-clause)
    phone_pcm: np.ndarray | None = None  # the same answer at 8 kHz (recorded corpus only)
    name: str = ""


CORPORA = ("human", "synthetic")


def corpus_clips(corpus: str = "human") -> list[Clip]:
    """The candidate's answers: recorded human speech (`bench.human_speech`, the default),
    or the simulated candidate's synthetic voice reading ANSWERS."""
    if corpus == "synthetic":
        return [make_clip(a) for a in ANSWERS]
    from bench.human_speech import build

    return [Clip(a.text, a.pcm, a.speech_end, a.pause_spans, a.pause_kind, a.pcm8k, a.name) for a in build()]


def make_clip(text: str) -> Clip:
    parts = [p.strip() for p in text.split("|")]
    pcm_parts: list[np.ndarray] = []
    spans = []
    for i, part in enumerate(parts):
        voiced = trim(speak(part)[SAMPLE_RATE // 2 :])
        if i:
            start = sum(len(p) for p in pcm_parts)
            pause = np.zeros(int(THINKING_PAUSE_S * SAMPLE_RATE), dtype=np.int16)
            pcm_parts.append(pause)
            spans.append((start, start + len(pause)))
        pcm_parts.append(voiced)
    lead = np.zeros(SAMPLE_RATE // 4, dtype=np.int16)
    pcm = np.concatenate([lead, *pcm_parts])
    return Clip(" ".join(parts), pcm, len(pcm), [(a + len(lead), b + len(lead)) for a, b in spans])


def trim(pcm: np.ndarray, level: int = 300) -> np.ndarray:
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > level)
    return pcm[loud[0] : loud[-1] + 1] if len(loud) else pcm


BENCH_ADMIN_EMAIL, BENCH_ADMIN_PASSWORD = "admin@bench.example", "bench-admin-password"
KEY_ENV = "INTERVOX_BENCH_RECRUITER_KEY"  # inherited by the candidate processes the benches spawn


def create_recruiter_key(base_url: str) -> str:
    """Sign in as the bench server's admin and make an API key (it does not lapse in a long run)."""
    with httpx.Client(base_url=base_url, timeout=30) as http:
        login = http.post(
            "/api/v1/auth/login", json={"email": BENCH_ADMIN_EMAIL, "password": BENCH_ADMIN_PASSWORD}
        )
        login.raise_for_status()
        access = login.json()["access_token"]
        created = http.post(
            "/api/v1/api-keys",
            json={"name": "bench", "role": "recruiter"},
            headers={"Authorization": f"Bearer {access}"},
        )
        created.raise_for_status()
        return str(created.json()["key"])


def recruiter_key() -> str:
    """The recruiter credential of the server `server_process` started (in this process or a parent)."""
    key = os.environ.get(KEY_ENV)
    if not key:
        raise RuntimeError("no bench server: run inside `with server_process() as base_url:`")
    return key


@contextlib.contextmanager
def server_process(**env: str) -> Iterator[str]:
    """`intervox serve` in its own process (its own GIL), on a fresh database, with an
    admin; a recruiter API key for it is in the environment (see `recruiter_key`)."""
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="intervox-bench-")
    full_env = {
        **os.environ,
        "INTERVOX_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
        "INTERVOX_LOG_LEVEL": "warning",
        "INTERVOX_ADMIN_EMAIL": BENCH_ADMIN_EMAIL,
        "INTERVOX_ADMIN_PASSWORD": BENCH_ADMIN_PASSWORD,
        **env,
    }
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)], env=full_env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180  # a loaded machine (the benches share it) starts slowly
        while time.time() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        os.environ[KEY_ENV] = create_recruiter_key(base)
        yield base
    finally:
        os.environ.pop(KEY_ENV, None)
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class TurnResult:
    latency_ms: float | None  # end of candidate speech -> first audible reply sample, at the candidate
    cut_off: bool  # the interviewer spoke before the candidate had finished
    pause_cut_ins: list[bool] = field(default_factory=list)  # per pause: audible inside it
    speech_end_at: float = 0.0  # monotonic time the last voiced sample was sent
    heard_at: float | None = None  # monotonic time the reply became audible


@contextlib.asynccontextmanager
async def interview(
    base_url: str,
    minutes: int = 40,
    mode: str = "audio",
    video: MediaStreamTrack | None = None,
    jitter_prefetch: int | None = None,  # the candidate's receiver; None: aiortc's 4
) -> AsyncIterator[CandidatePeer]:
    options = {} if jitter_prefetch is None else {"jitter_prefetch": jitter_prefetch}
    async with interview_with_id(base_url, minutes, mode, video, options) as (peer, _):
        yield peer


@contextlib.asynccontextmanager
async def interview_with_id(
    base_url: str,
    minutes: int = 40,
    mode: str = "audio",
    video: MediaStreamTrack | None = None,
    peer_options: dict[str, int] | None = None,
) -> AsyncIterator[tuple[CandidatePeer, str]]:
    """A joined interview: the candidate's peer and the interview's id."""
    client = InterviewClient(base_url, recruiter_key())
    created = await client.create(
        role="Backend Engineer", level="middle", duration_minutes=minutes, mode=mode
    )
    # what the room does before joining: the candidate agrees (to the camera analysis too)
    await client.consent(created["id"], created["join_token"], camera_analysis=mode == "video")
    peer = CandidatePeer(video=video, **(peer_options or {}))  # type: ignore[arg-type]
    await peer.connect(client.signal(created["id"], created["join_token"]))
    try:
        yield peer, str(created["id"])
    finally:
        await peer.close()
        await client.aclose()


async def wait_for_turn(peer: CandidatePeer, cursor: int, timeout: float = 90) -> int:
    ev = await peer.wait_event("speaking", timeout=timeout, after=cursor, state="stopped")
    return peer.events.index(ev) + 1


async def wait_until_answered(peer: CandidatePeer, cursor: int, quiet_s: float = 0.6) -> int:
    """`wait_for_turn`, then on until the interviewer is done: a reply that cut in during a
    pause is stopped by the candidate resuming, and the real reply follows it. Done = no
    reply playing or being prepared (a `thinking` answered within 3 s, or abandoned) and
    nothing audible for `quiet_s`."""
    cursor = await wait_for_turn(peer, cursor)
    since = time.monotonic()
    while True:
        await asyncio.sleep(0.1)
        now = time.monotonic()
        turn = [e for e in peer.events[cursor:] if e["type"] in ("thinking", "speaking")]
        if turn and turn[-1]["type"] == "speaking":  # a reply started (and maybe stopped): its end
            cursor, since = await wait_for_turn(peer, cursor), time.monotonic()
        elif turn and now - since < 3:  # thinking: a reply is probably coming
            continue
        elif now - since >= quiet_s and peer.first_audible_after(now - quiet_s) is None:
            return cursor


async def speak_turn(peer: CandidatePeer, clip: Clip) -> TurnResult:
    """Say one answer; measure how fast (and whether too early) the reply came."""
    # a server that hung up stops pulling the microphone: do not wait for that clip forever
    sent_end = await asyncio.wait_for(peer.say(clip.pcm), len(clip.pcm) / SAMPLE_RATE + 10)
    clip_start = sent_end - len(clip.pcm) / SAMPLE_RATE
    speech_end = clip_start + clip.speech_end / SAMPLE_RATE
    # from 0.6 s in (the previous reply's last packets may still be arriving)
    cut_off = spoke_during(peer, clip_start + 0.6, speech_end)
    pauses = [
        spoke_during(peer, clip_start + a / SAMPLE_RATE, clip_start + b / SAMPLE_RATE)
        for a, b in clip.pause_spans
    ]
    deadline = time.monotonic() + 15
    while (heard := peer.first_audible_after(speech_end)) is None and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    latency = None if heard is None else (heard - speech_end) * 1000
    return TurnResult(latency, cut_off, pauses, speech_end, heard)


def spoke_during(peer: CandidatePeer, start: float, end: float) -> bool:
    heard = peer.first_audible_after(start)
    return heard is not None and heard < end


async def stored_candidate_text(base_url: str, interview_id: str) -> list[str]:
    """The candidate's segments of the stored transcript, as the recruiter reads them."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        response = await http.get(
            f"/api/v1/interviews/{interview_id}/transcript",
            headers={"Authorization": f"Bearer {recruiter_key()}"},
        )
        response.raise_for_status()
        return [s["text"] for s in response.json()["segments"] if s["speaker"] == "candidate"]


async def settled_transcript(base_url: str, interviews: list[str], settle_s: int = 30) -> list[str]:
    """The candidate's stored segments once the background second pass has had its time:
    read until two reads 5 s apart agree (at most `settle_s`)."""
    previous: list[str] | None = None
    for _ in range(settle_s // 5):
        current = [text for i in interviews for text in await stored_candidate_text(base_url, i)]
        if current == previous:
            break
        previous = current
        await asyncio.sleep(5)
    return current


def corpus_wer(references: list[str], hypotheses: list[str]) -> float | None:
    """Word error rate of everything heard against everything said, one string each (an
    answer split in two segments, or two joined, costs nothing). Both sides go through
    the tests' normaliser: case and punctuation dropped, hyphens split, numbers as words."""
    from tests.helpers import spoken_wer

    if not references:
        return None
    return round(spoken_wer(" ".join(references), " ".join(hypotheses)), 4)


def medians(rows: list[dict]) -> dict[str, float]:
    """Median of every numeric field over `rows` (booleans: the share that is true),
    so metrics the server adds later show up; clock readings (`*_at`) are skipped."""
    keys = sorted(
        {k for row in rows for k, v in row.items() if isinstance(v, int | float) and not k.endswith("_at")}
    )
    out: dict[str, float] = {}
    for key in keys:
        values = [float(row[key]) for row in rows if isinstance(row.get(key), int | float)]
        if values and all(isinstance(row.get(key), bool) for row in rows if key in row):
            out[f"{key}_share"] = round(float(np.mean(values)), 3)
        elif values:
            out[f"{key}_p50"] = round(float(np.median(values)), 1)
    return out


def percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


def level_figures(latencies: list[float]) -> dict:
    """p50/p95/max of one load level; unanswered turns count as infinite."""
    finite = [v for v in latencies if v != float("inf")]
    return {
        "turns": len(latencies),
        "p50_ms": percentile(finite, 50),
        "p95_ms": percentile(finite, 95),
        "max_ms": round(max(latencies), 1) if latencies else None,
        "unanswered_turns": len(latencies) - len(finite),
    }


def ramp(run_level: Callable[[int], dict], maximum: int, limit_ms: float) -> tuple[int, list[dict]]:
    """Raise the load (1, 2, 3, 4, 6, 8, ...) until a level's slowest turn reaches
    `limit_ms`; returns the highest load held and every level measured."""
    levels: list[dict] = []
    held, load = 0, 1
    while load <= maximum:
        level = run_level(load)
        levels.append(level)
        if level["max_ms"] is None or level["max_ms"] >= limit_ms:
            break
        held = load
        load = load + 1 if load < 4 else load + 2
    return held, levels
