"""Coding interviews: how long one run takes (sandbox start to result, a trivial solution per
language, the visible tests of a task), and how many runs per second the server completes at
its concurrency limit while an audio interview keeps its turns under 1.5 s.

    python -m bench.coding [--runs 30] [--seconds 30] [--turns 6] [--clients 0,1,2,4,8]

Part one calls the bubblewrap runner in this process (no HTTP). Part two starts `intervox
serve` in its own process; one simulated audio candidate (aiortc, the simulated candidate's
voice) talks to it while, level by level, `--clients` candidates in another process press Run
as fast as answers come back (more clients than sandbox slots keep the queue full; a 503
ENGINE_BUSY is counted, not an error). `runs_per_second_with_audio_held` is the best level
whose every audio turn stayed under `--limit-ms`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import time
from typing import Any

import httpx

from bench.common import (
    ANSWERS,
    Clip,
    interview,
    make_clip,
    percentile,
    recruiter_key,
    server_process,
    speak_turn,
)
from bench.common import wait_until_answered as answered
from coding.queue import RunQueue
from coding.runs import run_visible
from coding.sandbox import BubblewrapRunner, Limits
from coding.tasks import bank

TASK = bank()["balanced-brackets"]
TRIVIAL = {
    "python": "def is_balanced(s):\n    return True\n",
    "javascript": "function isBalanced(s) {\n  return true;\n}\n",
}


def latency(runs: int) -> dict[str, Any]:
    """Wall time of one run (sandbox start to judged result), one at a time, per language."""
    queue = RunQueue(BubblewrapRunner(), concurrency=1)
    figures = {}
    for language, code in TRIVIAL.items():
        walls, cpus, memories = [], [], []
        for i in range(runs + 2):
            t0 = time.perf_counter()
            result = asyncio.run(run_visible(queue, TASK, language, code, Limits(), key=str(i)))  # type: ignore[arg-type]
            if i >= 2:  # the first two warm the page cache
                walls.append((time.perf_counter() - t0) * 1000)
                cpus.append(result["cpu_ms"])
                memories.append(result["memory_kb"])
        figures[language] = {
            "runs": runs,
            "p50_ms": round(statistics.median(walls), 1),
            "p95_ms": round(percentile(walls, 95) or 0, 1),
            "cpu_ms_p50": round(statistics.median(cpus), 1),
            "memory_kb_p50": int(statistics.median(memories)),
        }
    queue.close()
    return figures


def press_run(args: tuple[str, str, int, Any, Any, Any]) -> None:
    """One process of candidates pressing Run on their own interviews until told to stop."""
    base_url, key, clients, ready, stop, results = args

    def client(index: int) -> dict[str, int]:
        counts = {"completed": 0, "busy": 0, "failed": 0}
        language = ("python", "javascript")[index % 2]
        with httpx.Client(base_url=base_url, timeout=60) as http:
            body = {
                "role": "Backend Engineer",
                "mode": "coding",
                "task_id": TASK.id,
                "code_language": language,
            }
            iv = http.post("/api/v1/interviews", json=body, headers={"Authorization": f"Bearer {key}"}).json()
            join = {"Authorization": f"Bearer {iv['join_token']}"}
            run = {"language": language, "code": TRIVIAL[language]}
            ready.release()
            while not stop.is_set():
                r = http.post(f"/api/v1/interviews/{iv['id']}/run", json=run, headers=join)
                key_ = "completed" if r.status_code == 200 else "busy" if r.status_code == 503 else "failed"
                counts[key_] += 1
                if r.status_code != 200:
                    time.sleep(0.2)
        return counts

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(clients) as pool:
        found = list(pool.map(client, range(clients)))
    results.put({k: sum(c[k] for c in found) for k in found[0]})


async def audio_turns(base_url: str, clips: list[Clip]) -> list[float]:
    latencies = []
    async with interview(base_url) as peer:
        cursor = await answered(peer, 0)
        for clip in clips:
            result = await speak_turn(peer, clip)
            latencies.append(result.latency_ms if result.latency_ms is not None else float("inf"))
            cursor = await answered(peer, cursor)
    return latencies


def level(base_url: str, clips: list[Clip], seconds: float, clients: int, limit_ms: float) -> dict[str, Any]:
    """`clients` candidates press Run (all started first) while the audio candidate answers;
    the pressing lasts until the audio turns are done and at least `seconds`."""
    ctx = multiprocessing.get_context("spawn")
    ready, stop, results = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    args = (base_url, recruiter_key(), clients, ready, stop, results)
    pressers = ctx.Process(target=press_run, args=(args,)) if clients else None  # 0: the audio alone
    if pressers is not None:
        pressers.start()
    for _ in range(clients):
        ready.acquire()  # each has its interview and is about to press Run
    t0 = time.monotonic()
    latencies = asyncio.run(audio_turns(base_url, clips))
    time.sleep(max(0.0, seconds - (time.monotonic() - t0)))
    stop.set()
    counts = results.get() if pressers is not None else {"completed": 0, "busy": 0, "failed": 0}
    elapsed = time.monotonic() - t0
    if pressers is not None:
        pressers.join()
    finite = [v for v in latencies if v != float("inf")]
    figures = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        **counts,
        "runs_per_second": round(counts["completed"] / elapsed, 2),
        "audio_turns": len(latencies),
        "audio_turn_p50_ms": round(statistics.median(finite), 1) if finite else None,
        "audio_turn_max_ms": round(max(latencies), 1) if latencies else None,
        "audio_turns_held": bool(latencies) and max(latencies) < limit_ms,
    }
    print(json.dumps(figures), file=sys.stderr, flush=True)
    return figures


def throughput(seconds: float, turns: int, levels: list[int], limit_ms: float) -> dict[str, Any]:
    """Each level of candidates pressing Run, on one server (rate limits off: the bench presses
    faster than the 30 runs a minute one candidate may)."""
    clips = [make_clip(text) for text in ANSWERS if "|" not in text][:turns]  # made before any timing
    with server_process(INTERVOX_VISION__ENABLED="false", INTERVOX_RATE_LIMIT__ENABLED="false") as base_url:
        health = httpx.get(f"{base_url}/health").json()["components"]
        if health.get("coding") != "ok":
            return {"error": f"coding is {health.get('coding')}"}
        figures = [level(base_url, clips, seconds, clients, limit_ms) for clients in levels]
    held = [f for f in figures if f["audio_turns_held"]]
    best = max(held, key=lambda f: f["runs_per_second"], default=None)
    return {"levels": figures, "runs_per_second_with_audio_held": best["runs_per_second"] if best else None}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30, help="runs per language for the latency")
    parser.add_argument("--seconds", type=float, default=30, help="how long candidates press Run")
    parser.add_argument("--turns", type=int, default=6, help="audio turns meanwhile")
    parser.add_argument(
        "--clients",
        default="0,1,2,4,8",
        help="levels: candidates pressing Run back to back (comma-separated; 0 = the audio interview alone)",
    )
    parser.add_argument("--limit-ms", type=float, default=1500)
    parser.add_argument("--latency-only", action="store_true")
    args = parser.parse_args()
    figures: dict[str, Any] = {"benchmark": "coding", "cores": os.cpu_count(), "latency": latency(args.runs)}
    print(json.dumps(figures["latency"]), file=sys.stderr, flush=True)
    if not args.latency_only:
        levels = [int(n) for n in args.clients.split(",")]
        figures["throughput"] = throughput(args.seconds, args.turns, levels, args.limit_ms)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
