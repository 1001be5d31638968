"""Outbound pacing: from the first synthesized chunk of a reply (handed to the
transport's output, at Piper's 22,050 Hz) to its first frame handed to aiortc
(the paced WebRTC track's `recv` returning it), while the track runs as aiortc
runs it: a loop calling `recv` for the next 20 ms frame.

    python -m bench.pacing [--replies 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time

import numpy as np

from bench.common import percentile
from media.output import AudioOutput
from media.webrtc.tracks import OPUS_RATE, PacedAudioTrack

PIPER_RATE = 22_050


async def measure(replies: int) -> dict:
    output = AudioOutput(OPUS_RATE)
    track = PacedAudioTrack(output.pop_frame, OPUS_RATE)
    output.on_queued = track.wake  # as WebRtcTransport wires them
    sentence = (np.sin(np.arange(PIPER_RATE * 2) / 10) * 8000).astype(np.int16)  # a 2 s sentence
    handed: list[float] = []
    track.on_sent = lambda pcm, ts: handed.append(ts) if pcm.any() else None

    async def sender() -> None:  # what aiortc's RTCRtpSender does with a track
        while True:
            await track.recv()

    running = asyncio.ensure_future(sender())
    delays, enqueue_ms, waits = [], [], []
    rng = random.Random(7)
    for i in range(replies):
        await asyncio.sleep(rng.uniform(0.05, 0.3))  # a reply starts at any point of a 20 ms tick
        handed.clear()
        started = time.monotonic()
        output.enqueue(sentence, f"reply-{i}", PIPER_RATE)
        queued = time.monotonic()
        enqueue_ms.append((queued - started) * 1000)
        while not handed:
            await asyncio.sleep(0.001)
        delays.append((handed[0] - started) * 1000)
        waits.append((handed[0] - queued) * 1000)
        output.clear()
    running.cancel()
    track.stop()
    return {
        "benchmark": "pacing",
        "replies": replies,
        "enqueue_and_resample_ms_p50": percentile(enqueue_ms, 50),
        "first_chunk_to_aiortc_ms_p50": percentile(delays, 50),
        "p95": percentile(delays, 95),
        "max": percentile(delays, 100),
        "queued_to_aiortc_ms_p50": percentile(waits, 50),  # the wait for the track's tick
        "queued_to_aiortc_ms_p95": percentile(waits, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=50)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.replies)), indent=1))


if __name__ == "__main__":
    main()
