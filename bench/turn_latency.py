"""Turn latency over real WebRTC: end of the candidate's speech -> first audible
sample of the interviewer's reply, measured at the candidate; and how often the
interviewer cut in while the candidate paused to think.

    python -m bench.turn_latency [--turns 12] [--jitter-prefetch 0] [--candidate-jitter-prefetch 4]
                                 [--complete-silence-ms 400]
                                 [--tts-engine piper|pyttsx3] [--compare-engines]

`--compare-engines` runs the same turns with Piper and with espeak-ng and reports
whether the voice moved the turn latency (the first sentence is on the critical path).
"""

from __future__ import annotations

import argparse
import asyncio
import json

from bench.common import ANSWERS, interview, make_clip, percentile, server_process, speak_turn, wait_for_turn


async def measure(base_url: str, turns: int, candidate_prefetch: int | None = None) -> dict:
    clips = [make_clip(ANSWERS[i % len(ANSWERS)]) for i in range(turns)]
    latencies: list[float] = []
    cut_offs = 0
    server_side: list[float] = []
    async with interview(base_url, minutes=60, jitter_prefetch=candidate_prefetch) as peer:
        cursor = 0
        for clip in clips:
            cursor = await wait_for_turn(peer, cursor)
            if any(e["data"].get("phase") == "wrap_up" for e in peer.events if e["type"] == "phase_update"):
                break
            result = await speak_turn(peer, clip)
            cut_offs += result.cut_off
            if result.latency_ms is not None:
                latencies.append(result.latency_ms)
        server_side = [
            e["data"]["reply_latency_ms"]
            for e in peer.events
            if e["type"] == "speaking" and "reply_latency_ms" in e["data"]
        ]
        thinking = [e["data"]["metrics"] for e in peer.events if e["type"] == "thinking"]
        heard = [
            e["data"]["text"]
            for e in peer.events
            if e["type"] == "transcript" and e["data"]["speaker"] == "candidate" and e["data"]["final"]
        ]
    return {
        "turns": len(latencies),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": percentile(latencies, 100),
        "latencies_ms": [round(v) for v in latencies],
        "server_side_p50_ms": percentile(server_side, 50),
        "stt_ms_p50": percentile([m["stt_ms"] for m in thinking if "stt_ms" in m], 50),
        "end_of_turn_wait_ms_p50": percentile(
            [m["end_of_turn_ms"] for m in thinking if "end_of_turn_ms" in m], 50
        ),
        "thinking_pauses": sum(len(c.pause_spans) for c in clips),
        "answers_talked_over": cut_offs,
        "transcribed": heard,
        "turn_metrics": thinking,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=12)
    parser.add_argument("--jitter-prefetch", type=int, help="the server's inbound audio")
    parser.add_argument("--candidate-jitter-prefetch", type=int, help="the simulated candidate's (aiortc: 4)")
    parser.add_argument("--complete-silence-ms", type=int)
    parser.add_argument("--tts-engine", choices=["piper", "pyttsx3"])
    parser.add_argument("--compare-engines", action="store_true")
    args = parser.parse_args()
    env = {}
    if args.tts_engine is not None:
        env["INTERVOX_TTS__ENGINE"] = args.tts_engine
    if args.jitter_prefetch is not None:
        env["INTERVOX_WEBRTC__JITTER_PREFETCH"] = str(args.jitter_prefetch)
    if args.complete_silence_ms is not None:
        env["INTERVOX_TURNS__COMPLETE_SILENCE_MS"] = str(args.complete_silence_ms)
    if args.compare_engines:
        print(json.dumps(compare_engines(env, args.turns), indent=1))
        return
    with server_process(**env) as base_url:
        figures = asyncio.run(measure(base_url, args.turns, args.candidate_jitter_prefetch))
    candidate = {"candidate_jitter_prefetch": args.candidate_jitter_prefetch}
    print(json.dumps({"benchmark": "turn_latency", "settings": env, **candidate, **figures}, indent=1))


def compare_engines(env: dict[str, str], turns: int) -> dict:
    """The same turns spoken to a Piper server and to an espeak-ng server."""
    runs = {}
    for engine in ("piper", "pyttsx3"):
        with server_process(**env, INTERVOX_TTS__ENGINE=engine) as base_url:
            runs[engine] = asyncio.run(measure(base_url, turns))
    keys = ("p50_ms", "server_side_p50_ms")
    delta = {
        f"{k}_piper_minus_espeak": round(runs["piper"][k] - runs["pyttsx3"][k], 1)
        for k in keys
        if runs["piper"][k] is not None and runs["pyttsx3"][k] is not None
    }
    shown = ("turns", "p50_ms", "p95_ms", "server_side_p50_ms", "answers_talked_over", "transcribed")
    summary = {engine: {k: run[k] for k in shown} for engine, run in runs.items()}
    return {"benchmark": "turn_latency_by_voice", "settings": env, **summary, **delta}


if __name__ == "__main__":
    main()
