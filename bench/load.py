"""Several candidates spread over two media workers, and one worker killed mid-answer.

    python -m bench.load [--candidates 4] [--turns 4] [--kill-at-turn 2] [--out load.json]

Starts a real Redis and PostgreSQL (as the tests do), one API process and two workers
(`bench/cluster.py`); every candidate joins its own audio interview through the API process
over real WebRTC and answers `--turns` questions with the synthetic voice. At the first
candidate's `--kill-at-turn`-th answer, 1.5 s into it, the worker driving that interview is
killed with SIGKILL; its candidates notice their audio stop, reconnect through the API, and
another worker resumes their interviews at the same question.

Reports turn latency (end of the answer's speech to the reply's first audible sample, at the
candidate) p50/p95, answers lost (answered, yet missing from the stored transcript: must be
0), and each interrupted candidate's time from the kill to the question asked again."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from api.server import InterviewClient
from bench.cluster import Cluster, cluster_env, rejoin, silent_for
from bench.common import (
    ANSWERS,
    BENCH_ADMIN_EMAIL,
    BENCH_ADMIN_PASSWORD,
    Clip,
    corpus_wer,
    create_recruiter_key,
    level_figures,
    make_clip,
    speak_turn,
    wait_until_answered,
)
from media.webrtc.candidate import CandidatePeer

LEASE_TTL_S = 3.0
KILL_AFTER_S = 1.5  # into the answer


@dataclass
class Candidate:
    index: int
    interview: dict
    peer: CandidatePeer | None = None
    latencies: list[float] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)  # answers the interviewer replied to
    resumed_after_s: float | None = None
    workers: list[str] = field(default_factory=list)  # the workers that drove it, in order


class Run:
    def __init__(self, cluster: Cluster, key: str, clips: list[Clip], turns: int, kill_at_turn: int) -> None:
        self.cluster, self.key, self.clips = cluster, key, clips
        self.turns, self.kill_at_turn = turns, kill_at_turn
        self.api = cluster.apis[0].url
        self.killed_at: float | None = None
        self.victim: str | None = None
        self.killed = asyncio.Event()

    async def live_worker(self, interview_id: str) -> str | None:
        async with httpx.AsyncClient(base_url=self.api, timeout=10) as http:
            state = (await http.get(f"/api/v1/interviews/{interview_id}", headers=self.auth)).json()
        return (state.get("live") or {}).get("worker_id")

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    async def candidate(self, c: Candidate, client: InterviewClient) -> None:
        turn, cursor = 0, 0
        c.peer = CandidatePeer(jitter_prefetch=1)
        await c.peer.connect(client.signal(c.interview["id"], c.interview["join_token"]))
        while turn < self.turns:
            step = asyncio.ensure_future(self.one_turn(c, turn, cursor))
            watchdog = asyncio.ensure_future(self.watch(c))
            await asyncio.wait([step, watchdog], return_when=asyncio.FIRST_COMPLETED)
            if step.done():
                watchdog.cancel()
                cursor = step.result()
                turn += 1
                continue
            step.cancel()  # the worker died under this candidate: reconnect and answer again
            await asyncio.gather(step, return_exceptions=True)
            await c.peer.close()
            c.peer = await rejoin(client, c.interview, lambda: CandidatePeer(jitter_prefetch=1), timeout=30)
            await c.peer.wait_event("question", timeout=30)
            assert self.killed_at is not None
            c.resumed_after_s = round(time.monotonic() - self.killed_at, 2)
            cursor = 0
        await c.peer.close()

    async def one_turn(self, c: Candidate, turn: int, cursor: int) -> int:
        assert c.peer is not None
        cursor = await wait_until_answered(c.peer, cursor)
        worker = await self.live_worker(c.interview["id"])
        if worker and (not c.workers or c.workers[-1] != worker):
            c.workers.append(worker)
        clip = self.clips[(c.index + turn) % len(self.clips)]
        if c.index == 0 and turn == self.kill_at_turn and self.killed_at is None and worker:
            asyncio.get_running_loop().call_later(KILL_AFTER_S, self.kill, worker)
        result = await speak_turn(c.peer, clip)
        if result.latency_ms is None:
            raise TimeoutError("no reply")
        c.latencies.append(result.latency_ms)
        c.answered.append(clip.text)
        return len(c.peer.events)

    def kill(self, worker_id: str) -> None:
        self.victim, self.killed_at = worker_id, time.monotonic()
        self.cluster.worker(worker_id).kill()
        self.killed.set()

    async def watch(self, c: Candidate) -> None:
        """Returns when this candidate's worker was killed and its audio stopped."""
        await self.killed.wait()
        assert c.peer is not None
        await silent_for(c.peer, 1.0, timeout=None)

    async def stored(self, interview_id: str) -> list[dict]:
        async with httpx.AsyncClient(base_url=self.api, timeout=30) as http:
            r = await http.get(f"/api/v1/interviews/{interview_id}/transcript", headers=self.auth)
            return [s for s in r.json()["segments"] if s["speaker"] == "candidate"]


async def run(candidates: int, turns: int, kill_at_turn: int, cluster: Cluster) -> dict:
    key = create_recruiter_key(cluster.apis[0].url)
    clips = [make_clip(a.replace("|", "")) for a in ANSWERS]
    bench = Run(cluster, key, clips, turns, kill_at_turn)
    client = InterviewClient(bench.api, key)
    people = []
    for i in range(candidates):
        created = await client.create(
            role="Backend Engineer", level="middle", duration_minutes=40, mode="audio"
        )
        await client.consent(created["id"], created["join_token"])
        people.append(Candidate(i, created))
    started = time.monotonic()
    await asyncio.gather(*(bench.candidate(c, client) for c in people))
    elapsed = time.monotonic() - started
    await asyncio.sleep(3)  # the last answers' rows
    lost, said, heard = 0, [], []
    for c in people:
        stored = await bench.stored(c.interview["id"])
        lost += max(0, len(c.answered) - len(stored))
        said += c.answered
        heard += [s["text"] for s in stored]
    await client.aclose()
    latencies = [v for c in people for v in c.latencies]
    return {
        "candidates": candidates,
        "workers": len(cluster.workers),
        "turns_per_candidate": turns,
        "lease_ttl_s": LEASE_TTL_S,
        "turn_latency": level_figures(latencies),
        "answers": len(said),
        "lost_utterances": lost,
        "stored_wer": corpus_wer(said, heard),
        "spread": {
            w: sum(1 for c in people if c.workers and c.workers[0] == w)
            for w in (p.worker_id for p in cluster.workers)
        },
        "killed_worker": bench.victim,
        "resume_after_kill_s": sorted(c.resumed_after_s for c in people if c.resumed_after_s is not None),
        "wall_s": round(elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=4)
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--kill-at-turn", type=int, default=2, help="0-based; -1: no kill")
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()
    from tests.servers import PostgresServer, RedisServer

    redis, postgres = RedisServer(), PostgresServer()
    folder = Path(tempfile.mkdtemp(prefix="intervox-load-"))
    env = cluster_env(
        postgres.database(),
        redis.url,
        folder,
        INTERVOX_ADMIN_EMAIL=BENCH_ADMIN_EMAIL,
        INTERVOX_ADMIN_PASSWORD=BENCH_ADMIN_PASSWORD,
        INTERVOX_VISION__ENABLED="false",
        INTERVOX_LEASE_TTL_S=str(LEASE_TTL_S),
    )
    cluster = Cluster(env, folder)
    try:
        cluster.start(apis=1, workers=2)
        figures = asyncio.run(run(args.candidates, args.turns, args.kill_at_turn, cluster))
    finally:
        cluster.stop()
        postgres.stop()
        redis.stop()
    text = json.dumps(figures, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    sys.exit(0 if figures["lost_utterances"] == 0 else 1)


if __name__ == "__main__":
    main()
