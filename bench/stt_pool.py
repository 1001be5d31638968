"""The transcription pool under load: CTranslate2 replicas x threads per call.

For each configuration: the latency of one utterance alone, then `--streams`
interviews each sending utterances back to back (2-4 s each) through one
`TranscriptionWorker`: throughput (audio seconds per wall second) and latency.

    python -m bench.stt_pool [--streams 4] [--per-stream 4] [--configs 1x2,2x1,1x1,2x2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

import numpy as np

from api.demo import speak
from bench.common import percentile, trim
from bench.stt import TEXT
from core.audio import SAMPLE_RATE, to_float32
from stt.whisper import SttOptions, WhisperEngine
from stt.worker import TranscriptionWorker

CLIP_SECONDS = (2.0, 3.0, 4.0, 2.5)


async def _stream(worker: TranscriptionWorker, key: str, clips: list[np.ndarray], out: list[float]) -> None:
    for clip in clips:
        started = time.perf_counter()
        await worker.transcribe(clip, key=key)
        out.append((time.perf_counter() - started) * 1000)


async def _load(worker: TranscriptionWorker, clips: list[np.ndarray], streams: int, per_stream: int) -> dict:
    latencies: list[float] = []
    plan = [[clips[(s + i) % len(clips)] for i in range(per_stream)] for s in range(streams)]
    started = time.perf_counter()
    await asyncio.gather(*(_stream(worker, f"interview-{s}", plan[s], latencies) for s in range(streams)))
    wall = time.perf_counter() - started
    audio_s = sum(len(c) for p in plan for c in p) / SAMPLE_RATE
    return {
        "wall_s": round(wall, 2),
        "audio_s_per_wall_s": round(audio_s / wall, 2),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
    }


def measure(workers: int, threads: int, speech: np.ndarray, streams: int, per_stream: int) -> dict:
    engine = WhisperEngine(SttOptions(cpu_threads=threads, num_workers=workers))
    clips = [speech[: int(s * SAMPLE_RATE)] for s in CLIP_SECONDS]
    engine.transcribe(to_float32(clips[0]))  # warm-up
    alone = []
    for _ in range(5):
        started = time.perf_counter()
        engine.transcribe(to_float32(clips[1]))
        alone.append((time.perf_counter() - started) * 1000)
    worker = TranscriptionWorker(engine, threads=workers, max_pending=64)
    loaded = asyncio.run(_load(worker, clips, streams, per_stream))
    worker.close()
    return {
        "num_workers": workers,
        "cpu_threads": threads,
        "alone_3s_clip_ms": round(statistics.median(alone), 1),
        f"{streams}_streams": loaded,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=4)
    parser.add_argument("--per-stream", type=int, default=4)
    parser.add_argument("--configs", default="1x2,2x1,1x1,2x2", help="replicas x threads, comma separated")
    args = parser.parse_args()
    speech = trim(speak(TEXT))
    rows = []
    for config in args.configs.split(","):
        workers, threads = (int(v) for v in config.split("x"))
        rows.append(measure(workers, threads, speech, args.streams, args.per_stream))
    print(json.dumps({"benchmark": "stt_pool", "model": "tiny.en", "configs": rows}, indent=1))


if __name__ == "__main__":
    main()
