"""Phone path: turn latency (end of the caller's speech -> first audible reply, at the
caller), concurrent calls with every turn under 1.5 s, and word error rate of the
default model on 8 kHz mu-law speech against the same speech at 16 kHz.

    python -m bench.phone [--max 12] [--turns 4] [--wer-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random

import numpy as np

from api.server import InterviewClient
from bench.common import ANSWERS, level_figures, make_clip, ramp, recruiter_key, server_process
from core.audio import SAMPLE_RATE, mulaw_decode, mulaw_encode, resample, to_float32
from media.phone.caller import SimulatedCaller

COMPLETE = [a for i, a in enumerate(ANSWERS) if "|" not in a and i != 5]


def narrowband_wer() -> dict:
    """The simulated candidate's sentences, at 16 kHz and through 8 kHz mu-law, beam 1 and 5."""
    from stt.whisper import WhisperEngine
    from tests.helpers import wer

    engine = WhisperEngine()
    rows: dict[str, list[float]] = {"16k_beam1": [], "8k_mulaw_beam1": [], "8k_mulaw_beam5": []}
    for answer in ANSWERS:
        text = answer.replace("|", "")
        pcm = make_clip(text).pcm
        phone = resample(mulaw_decode(mulaw_encode(resample(pcm, SAMPLE_RATE, 8000))), 8000, SAMPLE_RATE)
        rows["16k_beam1"].append(wer(text, engine.transcribe(to_float32(pcm)).text))
        rows["8k_mulaw_beam1"].append(wer(text, engine.transcribe(to_float32(phone), 1).text))
        rows["8k_mulaw_beam5"].append(wer(text, engine.transcribe(to_float32(phone), 5).text))
    return {k: round(float(np.mean(v)), 3) for k, v in rows.items()} | {"sentences": len(ANSWERS)}


def call(args: tuple[str, int, int]) -> list[float]:
    return asyncio.run(_call(*args))


async def _call(base_url: str, turns: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, 3))
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
    parser.add_argument("--max", type=int, default=12)
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--limit-ms", type=float, default=1500)
    parser.add_argument("--wer-only", action="store_true")
    args = parser.parse_args()
    out: dict = {"benchmark": "phone", "word_error_rate": narrowband_wer()}
    if not args.wer_only:
        with server_process() as base_url:
            held, levels = ramp(lambda n: run_level(base_url, n, args.turns), args.max, args.limit_ms)
        out |= {"limit_ms": args.limit_ms, "calls_held": held, "levels": levels}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
