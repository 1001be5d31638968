"""Barge-in: how soon the candidate stops hearing the interviewer after starting to
talk over them (candidate speech start -> last audible interviewer frame, at the
candidate, over real WebRTC).

    python -m bench.barge_in [--trials 6]
"""

from __future__ import annotations

import argparse
import asyncio
import json

from bench.common import interview, make_clip, percentile, server_process
from core.audio import SAMPLE_RATE
from media.webrtc.candidate import AUDIBLE_DBFS

INTERRUPTION = "Sorry, could I ask something about the role first?"


async def trial(base_url: str) -> float | None:
    clip = make_clip(INTERRUPTION)
    async with interview(base_url) as peer:
        await peer.wait_event("speaking", state="started", timeout=30)
        await asyncio.sleep(1.5)  # the opening is ~10 s long: talk over it
        sent_end = await peer.say(clip.pcm)
        speech_start = sent_end - (len(clip.pcm) - SAMPLE_RATE // 4) / SAMPLE_RATE
        await peer.wait_event("speaking", state="stopped", timeout=10)
        await asyncio.sleep(0.5)
        audible = [f.ts for f in peer.heard if f.dbfs > AUDIBLE_DBFS and f.ts < speech_start + 3]
        return (max(audible) - speech_start) * 1000 if audible else None


async def measure(base_url: str, trials: int) -> dict:
    stops = [s for s in [await trial(base_url) for _ in range(trials)] if s is not None]
    return {
        "trials": len(stops),
        "stop_p50_ms": percentile(stops, 50),
        "stop_max_ms": percentile(stops, 100),
        "stops_ms": [round(s) for s in stops],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=6)
    args = parser.parse_args()
    with server_process() as base_url:
        figures = asyncio.run(measure(base_url, args.trials))
    print(json.dumps({"benchmark": "barge_in", **figures}, indent=1))


if __name__ == "__main__":
    main()
