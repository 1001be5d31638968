"""What each peer's jitter buffer adds, over real aiortc on loopback, without Whisper
or the interview: a burst of sound after silence, timed from the frame handed to
aiortc to the first loud chunk the other side decodes.

    uplink:   candidate microphone -> server transport (server prefetch)
    downlink: server outbound track -> candidate recording (candidate prefetch)

Both peers share this process, so the figures hold on a busy machine better than
full turns do (those wait on Whisper and the CPU).

    python -m bench.jitter [--bursts 20] [--prefetch 0,1,2,4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import numpy as np

from bench.common import percentile
from core.audio import CHUNK_SAMPLES, rms_dbfs
from media.webrtc.candidate import AUDIBLE_DBFS, CandidatePeer
from media.webrtc.transport import WebRtcOptions, WebRtcTransport

BURST = (np.sin(np.arange(CHUNK_SAMPLES * 10) / 3) * 12000).astype(np.int16)  # 200 ms


async def _loud_chunk_after(transport: WebRtcTransport, ts: float) -> float:
    async for chunk in transport.audio_chunks():
        if chunk.ts > ts and rms_dbfs(chunk.pcm) > AUDIBLE_DBFS:
            return chunk.ts
    raise RuntimeError("the connection ended")


async def measure(server_prefetch: int, candidate_prefetch: int, bursts: int) -> dict:
    transport = WebRtcTransport(WebRtcOptions(jitter_prefetch=server_prefetch))
    peer = CandidatePeer(open_events=False, jitter_prefetch=candidate_prefetch)

    async def signal(offer: str) -> str:
        return (await transport.accept(offer)).sdp

    sent: list[float] = []
    peer.microphone.on_sent = lambda pcm, ts: sent.append(ts) if pcm.any() else None
    handed: list[float] = []
    transport.outbound.on_sent = lambda pcm, ts: handed.append(ts) if pcm.any() else None
    await peer.connect(signal)
    await asyncio.wait_for(transport.connected.wait(), 20)
    await asyncio.sleep(1.0)
    uplink, downlink = [], []
    for i in range(bursts):
        sent.clear()
        start = time.monotonic()
        heard = asyncio.ensure_future(_loud_chunk_after(transport, start))
        await peer.say(BURST)
        uplink.append((await asyncio.wait_for(heard, 5) - sent[0]) * 1000)
        await asyncio.sleep(0.3 + (i % 5) * 0.0043)  # start at different points of the 20 ms tick
        handed.clear()
        start = time.monotonic()
        transport.output.enqueue(BURST, f"burst-{i}")
        await transport.output.drained()
        await asyncio.sleep(0.3)
        arrival = peer.first_audible_after(start)
        if arrival is not None and handed:
            downlink.append((arrival - handed[0]) * 1000)
    await peer.close()
    await transport.close()
    return {
        "server_prefetch": server_prefetch,
        "candidate_prefetch": candidate_prefetch,
        "uplink_ms_p50": percentile(uplink, 50),
        "uplink_ms_p95": percentile(uplink, 95),
        "downlink_ms_p50": percentile(downlink, 50),
        "downlink_ms_p95": percentile(downlink, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bursts", type=int, default=20)
    parser.add_argument("--prefetch", default="0,1,2,4", help="values tried on both sides")
    args = parser.parse_args()
    rows = [asyncio.run(measure(p, p, args.bursts)) for p in (int(v) for v in args.prefetch.split(","))]
    print(json.dumps({"benchmark": "jitter", "bursts": args.bursts, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
