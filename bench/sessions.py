"""How many simultaneous audio-only interviews one machine holds while every turn
stays under 1.5 s (end of candidate speech -> first audible reply, at the candidate).

The server runs in its own process; each simulated candidate runs in a process of
its own too, so candidates do not queue behind each other's Python. They share
this machine's two cores with the server, which makes the figure conservative.

    python -m bench.sessions [--max 12] [--turns 4] [--limit-ms 1500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random

from bench.common import (
    ANSWERS,
    interview,
    level_figures,
    make_clip,
    ramp,
    server_process,
    speak_turn,
    wait_for_turn,
)

# Clearly finished answers only: this measures load, not the patience policy.
COMPLETE = [a for i, a in enumerate(ANSWERS) if "|" not in a and i != 5]


def candidate(args: tuple[str, int, int, bool]) -> list[float]:
    base_url, turns, seed, video = args
    return asyncio.run(_candidate(base_url, turns, seed, video))


async def _candidate(base_url: str, turns: int, seed: int, video: bool) -> list[float]:
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, 3))  # candidates do not all start at once
    clips = [make_clip(COMPLETE[(seed + i) % len(COMPLETE)]) for i in range(turns)]
    latencies: list[float] = []
    camera = None
    if video:
        from media.webrtc.candidate import ImageTrack
        from vision.samples import one_face

        camera = ImageTrack(one_face(), fps=15)
    async with interview(base_url, minutes=60, mode="video" if video else "audio", video=camera) as peer:
        cursor = 0
        for clip in clips:
            cursor = await wait_for_turn(peer, cursor, timeout=120)
            await asyncio.sleep(rng.uniform(0.2, 1.0))  # a human takes a moment to start
            result = await speak_turn(peer, clip)
            latencies.append(result.latency_ms if result.latency_ms is not None else float("inf"))
    return latencies


def run_level(base_url: str, sessions: int, turns: int, video: bool) -> dict:
    with multiprocessing.get_context("spawn").Pool(sessions) as pool:
        per_candidate = pool.map(candidate, [(base_url, turns, s, video) for s in range(sessions)])
    return {"sessions": sessions, **level_figures([v for vs in per_candidate for v in vs])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max", type=int, default=12)
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--limit-ms", type=float, default=1500)
    parser.add_argument("--video", action="store_true", help="each candidate also sends a 640x480 camera")
    args = parser.parse_args()
    with server_process() as base_url:
        held, levels = ramp(lambda n: run_level(base_url, n, args.turns, args.video), args.max, args.limit_ms)
    print(
        json.dumps(
            {
                "benchmark": "sessions",
                "video": args.video,
                "limit_ms": args.limit_ms,
                "sessions_held": held,
                "levels": levels,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
