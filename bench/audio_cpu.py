"""CPU of the server's per-interview audio path (no Whisper, no speech synthesis):
N audio interviews whose candidates stay silent after the greeting (the silence
prompt is switched off), measured from /proc of the server process only.

The candidates all run in this one process, the server in its own; the figure
is the server's CPU time (user + system, all its threads) over the window,
minus the same server with no interview, divided by N.

    python -m bench.audio_cpu [--sessions 4] [--seconds 20] [--profile out.svg]

`--profile` also runs `py-spy record` on the server during the window (collapsed
stacks, one per line: `grep -o` the frames you care about and add the counts).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import interview, server_process

TICKS = os.sysconf("SC_CLK_TCK")


def server_pid() -> int:
    me = os.getpid()
    children = Path(f"/proc/{me}/task/{me}/children").read_text().split()
    return int(children[-1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def cpu_percent(pid: int, seconds: float) -> float:
    before, started = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return round((cpu_seconds(pid) - before) / (time.monotonic() - started) * 100, 1)


async def _window(base_url: str, pid: int, sessions: int, seconds: float, profile: str | None) -> float:
    async with contextlib.AsyncExitStack() as stack:
        peers = [await stack.enter_async_context(interview(base_url, minutes=60)) for _ in range(sessions)]
        # the greeting and first question spoken (synthesis is not the audio path): listening now
        await asyncio.gather(*(p.wait_event("speaking", timeout=180, state="stopped") for p in peers))
        await asyncio.sleep(1)
        spy = None
        if profile:
            spy = subprocess.Popen(
                [os.path.join(os.path.dirname(sys.executable), "py-spy"), "record", "-p", str(pid)]
                + ["-d", str(int(seconds)), "-o", profile, "--format", "raw", "--threads"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        percent = await asyncio.to_thread(cpu_percent, pid, seconds)
        if spy is not None:
            spy.wait()
        return percent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--profile")
    args = parser.parse_args()
    quiet = {"INTERVOX_TURNS__SILENCE_PROMPT_S": "3600", "INTERVOX_TURNS__SILENCE_SKIP_S": "7200"}
    with server_process(**quiet) as base_url:
        pid = server_pid()
        time.sleep(3)
        idle = cpu_percent(pid, args.seconds / 2)
        loaded = asyncio.run(_window(base_url, pid, args.sessions, args.seconds, args.profile))
    figures = {
        "benchmark": "audio_cpu",
        "sessions": args.sessions,
        "server_idle_cpu_percent": idle,
        "server_cpu_percent": loaded,
        "per_interview_cpu_percent": round((loaded - idle) / args.sessions, 1),
        "load_average": os.getloadavg(),
    }
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
