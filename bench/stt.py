"""Whisper speed on this machine: real-time factor and latency per utterance length,
fast path (utterance-length window) against the standard 30 s window.

    python -m bench.stt [--model tiny.en] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from api.demo import speak
from bench.common import trim
from core.audio import SAMPLE_RATE, to_float32
from stt.whisper import FAST_WINDOWS_S, SttOptions, WhisperEngine

TEXT = (
    "I have been building backend services for about four years. Most of them were written in "
    "Python with PostgreSQL, and a few in Go. The hardest project was a payment system that had "
    "to stay correct when the network failed, so we used idempotency keys, retries with backoff, "
    "and a reconciliation job that ran every night and reported any difference to the team."
)


def clip_of(seconds: float, speech: np.ndarray) -> np.ndarray:
    return speech[: int(seconds * SAMPLE_RATE)]


def timed(fn, audio: np.ndarray, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn(audio)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    engine = WhisperEngine(SttOptions(model=args.model))
    load_ms = (time.perf_counter() - started) * 1000
    speech = to_float32(trim(speak(TEXT)))
    engine.transcribe(speech[:SAMPLE_RATE])  # warm-up
    rows = []
    for seconds in (1, 2, 4, 8, 15):
        audio = clip_of(seconds, speech)
        fast_ms = timed(engine.transcribe, audio, args.repeats)
        standard_ms = timed(engine._standard, audio, args.repeats)  # noqa: SLF001
        rows.append(
            {
                "audio_s": seconds,
                "fast_ms": fast_ms,
                "fast_rtf": round(fast_ms / 1000 / seconds, 3),
                "standard_30s_window_ms": standard_ms,
                "standard_rtf": round(standard_ms / 1000 / seconds, 3),
                "fast_path_used": engine.transcribe(audio).fast_path,
            }
        )
    print(
        json.dumps(
            {
                "benchmark": "stt",
                "model": args.model,
                "compute_type": engine.options.compute_type,
                "cpu_threads": engine.options.cpu_threads,
                "fast_windows_s": FAST_WINDOWS_S,
                "load_ms": round(load_ms),
                "utterances": rows,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
