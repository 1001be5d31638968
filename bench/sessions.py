"""How many simultaneous interviews one machine holds while every turn stays under
1.5 s (end of candidate speech -> first audible reply, at the candidate) and every
answer spoken is in the stored transcript, counting the server's CPU only.

The server runs in its own process. All simulated candidates of a level run in one
other process (one asyncio loop, one aiortc peer each; `--candidate-processes`
splits them if that loop lags), capped at `--candidate-cores` by a cgroup CFS quota
when the machine allows it (root, cgroup cpu controller). Over each level we read
the CPU seconds of the server (all threads and children, /proc) and of the
candidates, and the machine's busy time, so the JSON says how many cores the server
used, how many the candidates and everything else took, and whether the server
still had idle CPU (if not, the level measured the machine share, not the server).

    python -m bench.sessions [--max 12] [--turns 4] [--limit-ms 1500] [--video]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from api.server import InterviewClient
from bench.common import (
    ANSWERS,
    Clip,
    level_figures,
    make_clip,
    ramp,
    recruiter_key,
    server_process,
    speak_turn,
    wait_for_turn,
)
from bench.cpu import CpuShare, LoopLag, machine_busy_seconds, server_pid, tree_cpu_seconds
from media.webrtc.candidate import CandidatePeer, ImageTrack
from vision.samples import one_face

RAMP = [1, 2, 3, 4, 6, 8, 10, 12]  # what bench.common.ramp climbs, for --all-levels
# Clearly finished answers only: this measures load, not the patience policy.
COMPLETE = [a for i, a in enumerate(ANSWERS) if "|" not in a and i != 5]


@dataclass
class CandidateRun:
    """What one simulated candidate did and heard."""

    interview_id: str | None = None
    answers_spoken: int = 0
    latencies_ms: list[float] = field(default_factory=list)  # inf: no reply within 15 s
    error: str | None = None


@dataclass
class ProcessRun:
    """One candidates' process over a level."""

    candidates: list[CandidateRun]
    cpu_s: float  # this process, every thread, from the start signal to the end
    loop_lag: dict[str, float | None]


async def _candidate(base_url: str, key: str, clips: list[Clip], seed: int, video: bool) -> CandidateRun:
    rng = random.Random(seed)
    run = CandidateRun()
    await asyncio.sleep(rng.uniform(0, 3))  # candidates do not all start at once
    mode = "video" if video else "audio"
    client = InterviewClient(base_url, key)
    peer = CandidatePeer(video=ImageTrack(one_face(), fps=15) if video else None)
    try:
        created = await client.create(role="Backend Engineer", level="middle", duration_minutes=60, mode=mode)
        run.interview_id = created["id"]
        await client.consent(created["id"], created["join_token"], camera_analysis=video)
        await peer.connect(client.signal(created["id"], created["join_token"]))
        cursor = 0
        for clip in clips:
            cursor = await wait_for_turn(peer, cursor, timeout=120)
            await asyncio.sleep(rng.uniform(0.2, 1.0))  # a human takes a moment to start
            result = await speak_turn(peer, clip)
            run.answers_spoken += 1
            run.latencies_ms.append(result.latency_ms if result.latency_ms is not None else float("inf"))
    except Exception as error:  # reported per level; the other candidates go on
        run.error = repr(error)
    finally:
        await peer.close()
        await client.aclose()
    run.latencies_ms += [float("inf")] * (len(clips) - len(run.latencies_ms))
    return run


async def _candidates(base_url: str, key: str, jobs: list[tuple[int, list[Clip]]], video: bool) -> ProcessRun:
    lag = LoopLag()
    lag.start()
    cpu_start = time.process_time()
    runs = await asyncio.gather(*(_candidate(base_url, key, clips, seed, video) for seed, clips in jobs))
    return ProcessRun(list(runs), time.process_time() - cpu_start, lag.stop())


def candidates_process(args: tuple[str, str, list[tuple[int, list[Clip]]], bool, Any, Any]) -> None:
    """Entry point of a candidates' process: wait for the start signal, run, send back."""
    base_url, key, jobs, video, go, results = args
    results.put("ready")
    go.wait()
    results.put(asyncio.run(_candidates(base_url, key, jobs, video)))


def stored_answers(base_url: str, interview_id: str) -> int:
    """Candidate segments in the stored transcript, read as the recruiter."""
    response = httpx.get(
        f"{base_url}/api/v1/interviews/{interview_id}/transcript",
        headers={"Authorization": f"Bearer {recruiter_key()}"},
        timeout=30,
    )
    response.raise_for_status()
    return sum(1 for s in response.json()["segments"] if s["speaker"] == "candidate")


@dataclass
class Snapshot:
    """The counters read at each end of a level."""

    time: float
    server_cpu: float
    machine_cpu: float
    throttled_s: float | None
    loadavg: str

    @classmethod
    def take(cls, server: int, share: CpuShare) -> Snapshot:
        return cls(
            time.monotonic(),
            tree_cpu_seconds(server),
            machine_busy_seconds(),
            share.throttled_s(),
            Path("/proc/loadavg").read_text().split()[0],
        )


@dataclass
class Bench:
    base_url: str
    server: int  # pid
    clips: list[Clip]
    turns: int
    video: bool
    processes: int
    share: CpuShare

    def run_level(self, sessions: int) -> dict:
        ctx = multiprocessing.get_context("spawn")
        go, results = ctx.Event(), ctx.Queue()
        clips = self.clips
        jobs = [(s, [clips[(s + i) % len(clips)] for i in range(self.turns)]) for s in range(sessions)]
        procs = []
        for group in (jobs[p :: self.processes] for p in range(min(self.processes, sessions))):
            args = (self.base_url, recruiter_key(), group, self.video, go, results)
            procs.append(ctx.Process(target=candidates_process, args=(args,)))
            procs[-1].start()
            self.share.add(procs[-1].pid or 0)
        for _ in procs:
            results.get()  # "ready": imports done, outside the measured window
        before = Snapshot.take(self.server, self.share)
        go.set()
        runs: list[ProcessRun] = [results.get() for _ in procs]
        after = Snapshot.take(self.server, self.share)
        for proc in procs:
            proc.join()
        figures = self.figures(sessions, runs, before, after)
        print(json.dumps(figures), file=sys.stderr, flush=True)  # progress: a ramp takes minutes
        return figures

    def figures(
        self,
        sessions: int,
        runs: list[ProcessRun],
        before: Snapshot,
        after: Snapshot,
    ) -> dict:
        candidates = [c for r in runs for c in r.candidates]
        spoken = sum(c.answers_spoken for c in candidates)
        stored = [stored_answers(self.base_url, c.interview_id) if c.interview_id else 0 for c in candidates]
        lost = sum(max(0, c.answers_spoken - n) for c, n in zip(candidates, stored, strict=True))
        wall = after.time - before.time
        server_cpu, machine_cpu = after.server_cpu - before.server_cpu, after.machine_cpu - before.machine_cpu
        candidate_cpu = sum(r.cpu_s for r in runs)
        cores = os.cpu_count() or 1
        return {
            "sessions": sessions,
            **level_figures([v for c in candidates for v in c.latencies_ms]),
            "answers_spoken": spoken,
            "answers_stored": sum(stored),
            "lost_utterances": lost,
            "failed_candidates": [c.error for c in candidates if c.error],
            "seconds": round(wall, 1),
            "server_cores": round(server_cpu / wall, 2),
            "server_cores_per_interview": round(server_cpu / wall / sessions, 3),
            "candidate_cores": round(candidate_cpu / wall, 2),
            "other_cores": round(max(0.0, machine_cpu - server_cpu - candidate_cpu) / wall, 2),
            "idle_cores": round(max(0.0, cores - machine_cpu / wall), 2),
            "candidate_throttled_s": None
            if after.throttled_s is None or before.throttled_s is None
            else round(after.throttled_s - before.throttled_s, 2),
            "candidate_loop_lag_ms": [r.loop_lag for r in runs],
            "loadavg_before_after": [before.loadavg, after.loadavg],
        }


def held(levels: list[dict], limit_ms: float) -> int:
    """The highest load up to which every level answered every turn in time and lost nothing."""
    best = 0
    for level in levels:
        if level["max_ms"] is None or level["max_ms"] >= limit_ms or level["lost_utterances"]:
            break
        best = level["sessions"]
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max", type=int, default=12)
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--limit-ms", type=float, default=1500)
    parser.add_argument("--video", action="store_true", help="each candidate also sends a 640x480 camera")
    parser.add_argument("--candidate-cores", type=float, default=1.0, help="the candidates' CPU cap; 0: none")
    parser.add_argument("--candidate-processes", type=int, default=1)
    parser.add_argument(
        "--all-levels", action="store_true", help="measure every level up to --max, even past a failed one"
    )
    args = parser.parse_args()
    clips = [make_clip(text) for text in COMPLETE]  # made once, here, outside every measured window
    with server_process() as base_url, CpuShare(args.candidate_cores) as share:
        bench = Bench(base_url, server_pid(), clips, args.turns, args.video, args.candidate_processes, share)
        if args.all_levels:
            levels = [bench.run_level(n) for n in RAMP if n <= args.max]
        else:
            _, levels = ramp(bench.run_level, args.max, args.limit_ms)
    print(
        json.dumps(
            {
                "benchmark": "sessions",
                "video": args.video,
                "limit_ms": args.limit_ms,
                "sessions_held": held(levels, args.limit_ms),
                "cores": os.cpu_count(),
                "candidate_processes": args.candidate_processes,
                "candidate_share": share.how,
                "levels": levels,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
