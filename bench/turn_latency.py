"""Turn latency over real WebRTC: end of the candidate's speech -> first audible
sample of the interviewer's reply, measured at the candidate; whether the
interviewer cut in while the candidate paused to think; and the word error rate
of the stored transcript and of the live captions.

    python -m bench.turn_latency [--corpus human|synthetic] [--turns N] [--jitter-prefetch 4]
                                 [--candidate-jitter-prefetch 1] [--complete-silence-ms 400]
                                 [--tts-engine piper|pyttsx3] [--compare-engines]

The default corpus is recorded human speech (`bench.human_speech`), every answer once.
`--compare-engines` runs the same turns with Piper and with espeak-ng and reports
whether the voice moved the turn latency (the first sentence is on the critical path).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from dataclasses import dataclass

from bench.common import (
    CORPORA,
    Clip,
    TurnResult,
    corpus_clips,
    corpus_wer,
    interview_with_id,
    medians,
    percentile,
    server_process,
    settled_transcript,
    speak_turn,
    wait_for_turn,
    wait_until_answered,
)
from media.webrtc.candidate import CandidatePeer


@dataclass
class Turn:
    clip: Clip
    result: TurnResult
    thinking: dict  # the server's metrics for the turn that followed the answer
    speaking: dict  # the `speaking` "started" event's data of the reply
    caption: str | None  # the first final live caption of the answer
    all_captions: str  # every final caption of the answer (more than one after a cut-in)


async def measure(base_url: str, clips: list[Clip], peer_options: dict[str, int] | None = None) -> dict:
    turns: list[Turn] = []
    interviews: list[str] = []
    while len(turns) < len(clips):
        async with interview_with_id(base_url, minutes=60, peer_options=peer_options) as (peer, interview_id):
            interviews.append(interview_id)
            said = await answer_until_wrap_up(peer, clips[len(turns) :])
        if not said:
            break
        turns += said
    stored = await settled_transcript(base_url, interviews)
    return figures(turns, stored, len(interviews))


async def answer_until_wrap_up(peer: CandidatePeer, clips: list[Clip]) -> list[Turn]:
    """Answer each question with the next clip until the interview wraps up."""
    said: list[tuple[Clip, TurnResult, int]] = []
    cursor = 0
    for clip in clips:
        try:
            cursor = await wait_until_answered(peer, cursor)
        except TimeoutError:
            break
        if any(e["data"].get("phase") == "wrap_up" for e in peer.events if e["type"] == "phase_update"):
            break
        start = len(peer.events)  # this answer's events: from here to the next answer
        try:
            result = await speak_turn(peer, clip)
        except TimeoutError:  # the server hung up: the next interview takes this answer again
            break
        said.append((clip, result, start))
        latency = "-" if result.latency_ms is None else f"{result.latency_ms:.0f} ms"
        print(f"answer {clip.name}: {latency}, cut in: {result.pause_cut_ins}", file=sys.stderr, flush=True)
    with contextlib.suppress(TimeoutError):  # the last reply's events
        await wait_for_turn(peer, cursor, timeout=15)
    turns = []
    for i, (clip, result, start) in enumerate(said):
        end = said[i + 1][2] if i + 1 < len(said) else len(peer.events)
        turns.append(turn_of(clip, result, peer.events[start:end]))
    return turns


def turn_of(clip: Clip, result: TurnResult, events: list[dict]) -> Turn:
    """The answer's first final caption; the metrics of the last turn it caused (a cut-in
    inside a pause makes an earlier one): the reply that followed the whole answer."""

    def matching(kind: str, **match: object) -> list[dict]:
        return [
            e["data"]
            for e in events
            if e["type"] == kind and all(e["data"].get(k) == v for k, v in match.items())
        ]

    captions = matching("transcript", speaker="candidate", final=True)
    thinking = matching("thinking")
    speaking = matching("speaking", state="started")
    return Turn(
        clip,
        result,
        thinking[-1].get("metrics", {}) if thinking else {},
        speaking[-1] if speaking else {},
        captions[0].get("text") if captions else None,
        " ".join(c.get("text", "") for c in captions),
    )


def figures(turns: list[Turn], stored: list[str], interviews: int) -> dict:
    latencies = [t.result.latency_ms for t in turns if t.result.latency_ms is not None]
    pauses = [(t.clip.pause_kind, cut) for t in turns for cut in t.result.pause_cut_ins]
    references = [t.clip.text for t in turns]
    return {
        "turns": len(turns),
        "interviews": interviews,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": percentile(latencies, 100),
        "unanswered_turns": len(turns) - len(latencies),
        "thinking_pauses": len(pauses),
        "cut_ins_in_pauses": sum(cut for _, cut in pauses),
        "cut_ins_by_kind": {
            kind: f"{sum(c for k, c in pauses if k == kind)}/{sum(k == kind for k, _ in pauses)}"
            for kind in sorted({k for k, _ in pauses})
        },
        "answers_talked_over": sum(t.result.cut_off for t in turns),
        "stored_transcript_wer": corpus_wer(references, stored),
        "caption_wer": corpus_wer(references, [t.caption or "" for t in turns]),
        "caption_wer_every_final": corpus_wer(references, [t.all_captions for t in turns]),
        "server_breakdown": medians([t.thinking for t in turns]) | medians([t.speaking for t in turns]),
        "client_breakdown": client_breakdown(turns),
        "per_turn": [
            {
                "answer": t.clip.name,
                "latency_ms": None if t.result.latency_ms is None else round(t.result.latency_ms),
                "pause": t.clip.pause_kind or None,
                "cut_in": any(t.result.pause_cut_ins) or t.result.cut_off,
                "caption": t.caption,
            }
            for t in turns
        ],
        "stored_candidate_segments": stored,
    }


def client_breakdown(turns: list[Turn]) -> dict:
    """Delays between the two clocks (CLOCK_MONOTONIC is shared by processes on Linux):
    uplink = the server's last voiced window - the client sending the last voiced sample
    (capture pacing, Opus, the server's jitter buffer, the VAD window); downlink = the
    client hearing the reply - the server's first reply frame (pacing, Opus, the
    candidate's jitter buffer)."""
    uplink = [
        (t.thinking["speech_end_at"] - t.result.speech_end_at) * 1000
        for t in turns
        if "speech_end_at" in t.thinking
    ]
    downlink = [
        (t.result.heard_at - t.speaking["first_audio_at"]) * 1000
        for t in turns
        if t.result.heard_at is not None and "first_audio_at" in t.speaking
    ]
    return {"uplink_ms_p50": percentile(uplink, 50), "downlink_ms_p50": percentile(downlink, 50)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", choices=CORPORA, default="human")
    parser.add_argument("--turns", type=int, help="default: every answer of the corpus once")
    parser.add_argument("--jitter-prefetch", type=int)
    # a browser sizes its own jitter buffer (tens of ms on a LAN); 1 packet stands in for it
    parser.add_argument("--candidate-jitter-prefetch", type=int, default=1)
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
    peer = {"jitter_prefetch": args.candidate_jitter_prefetch}
    corpus = corpus_clips(args.corpus)
    clips = [corpus[i % len(corpus)] for i in range(args.turns or len(corpus))]
    settings = {
        **env,
        "corpus": args.corpus,
        "candidate_jitter_prefetch": args.candidate_jitter_prefetch,
    }
    if args.compare_engines:
        print(json.dumps(compare_engines(env, clips, settings), indent=1))
        return
    with server_process(**env) as base_url:
        figures = asyncio.run(measure(base_url, clips, peer))
    print(json.dumps({"benchmark": "turn_latency", "settings": settings, **figures}, indent=1))


def compare_engines(env: dict[str, str], clips: list[Clip], settings: dict) -> dict:
    """The same turns spoken to a Piper server and to an espeak-ng server."""
    runs = {}
    for engine in ("piper", "pyttsx3"):
        with server_process(**env, INTERVOX_TTS__ENGINE=engine) as base_url:
            runs[engine] = asyncio.run(measure(base_url, clips))
    piper, espeak = runs["piper"]["p50_ms"], runs["pyttsx3"]["p50_ms"]
    delta = {} if piper is None or espeak is None else {"p50_ms_piper_minus_espeak": round(piper - espeak, 1)}
    shown = ("turns", "p50_ms", "p95_ms", "server_breakdown", "answers_talked_over", "cut_ins_in_pauses")
    summary = {engine: {k: run[k] for k in shown} for engine, run in runs.items()}
    return {"benchmark": "turn_latency_by_voice", "settings": settings, **summary, **delta}


if __name__ == "__main__":
    main()
