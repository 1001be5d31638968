"""Phone path: turn latency (end of the caller's speech -> first audible reply, at the
caller), cut-ins inside thinking pauses, and the word error rate of the stored
transcript and of the live captions, on recorded human speech at 8 kHz mu-law; with
`--ramp`, concurrent calls with every turn under 1.5 s; with `--wer-only`, the default
model's word error rate on the corpus at 16 kHz against 8 kHz mu-law (no server).

    python -m bench.phone [--corpus human|synthetic] [--turns N] [--wer-only] [--ramp [--max 12]]

The human corpus reaches the caller at its 8 kHz rate (Asterisk's own 8 kHz recordings,
LibriVox downsampled): it is doubled to 16 kHz by linear interpolation, which the
caller's 2:1 resampler undoes exactly, sample for sample.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import random
import sys
import time

import httpx
import numpy as np
import websockets

from api.server import InterviewClient
from bench.common import (
    ANSWERS,
    CORPORA,
    Clip,
    corpus_clips,
    corpus_wer,
    level_figures,
    make_clip,
    medians,
    ramp,
    recruiter_key,
    server_process,
    settled_transcript,
)
from core.audio import SAMPLE_RATE, mulaw_decode, mulaw_encode, resample, to_float32
from media.phone.caller import SimulatedCaller
from media.phone.transport import PHONE_RATE

COMPLETE = [a for i, a in enumerate(ANSWERS) if "|" not in a and i != 5]


def phone_pcm(clip: Clip) -> np.ndarray:
    """What the caller sends (as 16 kHz for `SimulatedCaller.say`): the 8 kHz recording."""
    if clip.phone_pcm is None:
        return clip.pcm
    return resample(clip.phone_pcm, PHONE_RATE, SAMPLE_RATE)


def narrowband_wer(clips: list[Clip]) -> dict:
    """The corpus at 16 kHz and through 8 kHz mu-law, beam 1 and 5, straight into Whisper."""
    from stt.whisper import WhisperEngine

    engine = WhisperEngine()
    rows: dict[str, list[str]] = {"16k_beam1": [], "8k_mulaw_beam1": [], "8k_mulaw_beam5": []}
    for clip in clips:
        narrow = clip.phone_pcm if clip.phone_pcm is not None else resample(clip.pcm, SAMPLE_RATE, PHONE_RATE)
        phone = resample(mulaw_decode(mulaw_encode(narrow)), PHONE_RATE, SAMPLE_RATE)
        rows["16k_beam1"].append(engine.transcribe(to_float32(clip.pcm)).text)
        rows["8k_mulaw_beam1"].append(engine.transcribe(to_float32(phone), 1).text)
        rows["8k_mulaw_beam5"].append(engine.transcribe(to_float32(phone), 5).text)
    references = [c.text for c in clips]
    return {k: corpus_wer(references, v) for k, v in rows.items()} | {"answers": len(clips)}


async def dial(base_url: str) -> tuple[SimulatedCaller, str]:
    client = InterviewClient(base_url, recruiter_key())
    try:
        created = await client.create(role="Backend Engineer", mode="phone", duration_minutes=60)
        # agreed beforehand through the API: the call starts with the interview, not the notice
        await client.consent(created["id"], created["join_token"])
    finally:
        await client.aclose()
    caller = SimulatedCaller()
    await caller.dial(
        base_url.replace("http://", "ws://") + f"/api/v1/phone/{created['id']}/stream", created["join_token"]
    )
    return caller, str(created["id"])


async def corpus_call(base_url: str, clips: list[Clip]) -> dict:
    """One call per interview, every answer in turn; a new call when the plan runs out."""
    latencies: list[float] = []
    cut_ins: list[tuple[str, bool]] = []
    talked_over = 0
    interviews: list[str] = []
    said = 0
    while said < len(clips):
        caller, interview_id = await dial(base_url)
        interviews.append(interview_id)
        before = said
        try:
            await caller.wait_turn(timeout=120)
            await until_quiet(caller)
            for clip in clips[said:]:
                if caller.close_code is not None:
                    break  # the interview ended (its plan ran out): the next answers go to a new call
                pcm = phone_pcm(clip)
                sent_end = await asyncio.wait_for(caller.say(pcm), len(pcm) / SAMPLE_RATE + 10)
                clip_start = sent_end - len(clip.pcm) / SAMPLE_RATE
                speech_end = clip_start + clip.speech_end / SAMPLE_RATE
                said += 1
                heard = caller.first_audible_after(clip_start + 0.6)
                talked_over += heard is not None and heard < speech_end
                for a, b in clip.pause_spans:
                    heard = caller.first_audible_after(clip_start + a / SAMPLE_RATE)
                    cut_ins.append(
                        (clip.pause_kind, heard is not None and heard < clip_start + b / SAMPLE_RATE)
                    )
                # the reply to the whole answer (not one that cut in during a pause), then its end
                deadline = time.monotonic() + 20
                while caller.first_audible_after(speech_end) is None and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                await until_quiet(caller)
                print(
                    f"answer {clip.name}: {latencies_note(caller, speech_end)}", file=sys.stderr, flush=True
                )
                reply = caller.first_audible_after(speech_end)
                latencies.append((reply - speech_end) * 1000 if reply else float("inf"))
                if await wrapping_up(base_url, interview_id):
                    break
        except TimeoutError:
            pass  # the interview ended (its plan ran out): the next answers go to a new call
        finally:
            with contextlib.suppress(websockets.ConnectionClosed):
                await caller.hang_up()
        if said == before:
            break
    stored = await settled_transcript(base_url, interviews)
    events = [e for i in interviews for e in await stored_events(base_url, i)]
    captions = [
        e["data"]["text"]
        for e in events
        if e["type"] == "transcript" and e["data"].get("speaker") == "candidate" and e["data"].get("final")
    ]
    references = [c.text for c in clips[:said]]
    return {
        "interviews": len(interviews),
        **level_figures(latencies),
        "thinking_pauses": len(cut_ins),
        "cut_ins_in_pauses": sum(c for _, c in cut_ins),
        "cut_ins_by_kind": {
            kind: f"{sum(c for k, c in cut_ins if k == kind)}/{sum(k == kind for k, _ in cut_ins)}"
            for kind in sorted({k for k, _ in cut_ins})
        },
        "answers_talked_over": talked_over,
        "stored_transcript_wer": corpus_wer(references, stored),
        "caption_wer": corpus_wer(references, captions),
        "server_breakdown": medians([e["data"].get("metrics", {}) for e in events if e["type"] == "thinking"])
        | medians(
            [e["data"] for e in events if e["type"] == "speaking" and e["data"].get("state") == "started"]
        ),
        "latencies_ms": [round(v) if v != float("inf") else None for v in latencies],
    }


def latencies_note(caller: SimulatedCaller, speech_end: float) -> str:
    heard = caller.first_audible_after(speech_end)
    return "-" if heard is None else f"{(heard - speech_end) * 1000:.0f} ms"


async def until_quiet(caller: SimulatedCaller, quiet_s: float = 1.5, timeout: float = 60) -> None:
    """On until the interviewer has said nothing for `quiet_s` (a reply that cut in during a
    pause is stopped by the caller resuming; the real reply follows it)."""
    deadline = time.monotonic() + timeout
    while caller.first_audible_after(time.monotonic() - quiet_s) is not None and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


async def stored_events(base_url: str, interview_id: str) -> list[dict]:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        response = await http.get(
            f"/api/v1/interviews/{interview_id}/events",
            headers={"Authorization": f"Bearer {recruiter_key()}"},
        )
        response.raise_for_status()
        return list(response.json()["events"])


async def wrapping_up(base_url: str, interview_id: str) -> bool:
    try:
        events = await stored_events(base_url, interview_id)
    except httpx.HTTPError:  # a slow answer on a loaded machine: ask again after the next turn
        return False
    return any(e["type"] == "phase_update" and e["data"].get("phase") == "wrap_up" for e in events)


def call(args: tuple[str, int, int]) -> list[float]:
    return asyncio.run(_call(*args))


async def _call(base_url: str, turns: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, 3))
    caller, _ = await dial(base_url)
    latencies: list[float] = []
    marks = await caller.wait_turn(timeout=120)
    for i in range(turns):
        clip = make_clip(COMPLETE[(seed + i) % len(COMPLETE)])
        await asyncio.sleep(rng.uniform(0.2, 1.0))
        sent_end = await caller.say(clip.pcm)
        speech_end = sent_end - (len(clip.pcm) - clip.speech_end) / SAMPLE_RATE
        marks = await caller.wait_turn(marks, timeout=120)
        heard = caller.first_audible_after(speech_end)
        latencies.append((heard - speech_end) * 1000 if heard else float("inf"))
    await caller.hang_up()
    return latencies


def run_level(base_url: str, calls: int, turns: int) -> dict:
    with multiprocessing.get_context("spawn").Pool(calls) as pool:
        results = pool.map(call, [(base_url, turns, s) for s in range(calls)])
    return {"calls": calls, **level_figures([v for r in results for v in r])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", choices=CORPORA, default="human")
    parser.add_argument(
        "--turns", type=int, help="answers in the corpus call (default: all); per call with --ramp"
    )
    parser.add_argument("--wer-only", action="store_true")
    parser.add_argument(
        "--ramp", action="store_true", help="also: concurrent calls until a turn reaches --limit-ms"
    )
    parser.add_argument("--max", type=int, default=12)
    parser.add_argument("--limit-ms", type=float, default=1500)
    args = parser.parse_args()
    corpus = corpus_clips(args.corpus)
    clips = [corpus[i % len(corpus)] for i in range(args.turns or len(corpus))]
    out: dict = {"benchmark": "phone", "corpus": args.corpus}
    if args.wer_only:
        print(json.dumps(out | {"word_error_rate": narrowband_wer(corpus)}, indent=1))
        return
    with server_process() as base_url:
        out["call"] = asyncio.run(corpus_call(base_url, clips))
        if args.ramp:
            turns = args.turns or 4
            held, levels = ramp(lambda n: run_level(base_url, n, turns), args.max, args.limit_ms)
            out |= {"limit_ms": args.limit_ms, "calls_held": held, "levels": levels}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
