"""Vision cost: milliseconds per 640x480 frame on one core, and the server's CPU
share for one live interview, audio only and with a 640x480 camera analysed at 4 fps.
(How many video interviews fit: `python -m bench.sessions --video`.)

    python -m bench.vision [--frames 60] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time

from bench.common import interview, server_process, wait_for_turn
from media.webrtc.candidate import ImageTrack
from vision import samples as frames


def per_frame_ms(count: int) -> dict:
    """In a child process pinned to one core, so MediaPipe's threads share it."""
    from vision.analyzer import FaceAnalyzer
    from vision.model import face_landmarker_path

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    analyzer = FaceAnalyzer(face_landmarker_path())
    images = [frames.one_face(), frames.two_faces(), frames.no_face()]
    for image in images:
        analyzer.analyze(image, 0)  # warm-up
    result = {}
    for name, image in zip(("one_face", "two_faces", "no_face"), images, strict=True):
        times = []
        for i in range(count):
            started = time.perf_counter()
            analyzer.analyze(image, i)
            times.append((time.perf_counter() - started) * 1000)
        result[name] = {
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(sorted(times)[int(0.95 * count)], 1),
        }
    analyzer.close()
    return result


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def live_cpu_share(base_url: str, pid: int, seconds: float, video: bool) -> float:
    camera = ImageTrack(frames.one_face(), fps=15) if video else None
    async with interview(base_url, mode="video" if video else "audio", video=camera) as peer:
        await wait_for_turn(peer, 0)  # the opening has been spoken; now steady listening
        start_cpu, start = cpu_seconds(pid), time.monotonic()
        await asyncio.sleep(seconds)
        return round((cpu_seconds(pid) - start_cpu) / (time.monotonic() - start), 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    from multiprocessing import get_context

    with get_context("spawn").Pool(1) as pool:
        landmarker = pool.apply(per_frame_ms, (args.frames,))
    shares = {}
    with server_process(INTERVOX_TURNS__SILENCE_PROMPT_S="600", INTERVOX_TURNS__SILENCE_SKIP_S="1200") as (
        base_url
    ):
        pid = server_pid(base_url)
        shares["audio_only_core_share"] = asyncio.run(
            live_cpu_share(base_url, pid, args.seconds, video=False)
        )
        shares["video_640x480_15fps_analysed_4fps_core_share"] = asyncio.run(
            live_cpu_share(base_url, pid, args.seconds, video=True)
        )
    print(
        json.dumps(
            {
                "benchmark": "vision",
                "landmarker_640x480_one_core": landmarker,
                "server_cpu_while_listening": shares,
            },
            indent=1,
        )
    )


def server_pid(base_url: str) -> int:
    port = base_url.rsplit(":", 1)[1]
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline") as f:
                    cmdline = f.read()
            except OSError:
                continue
            if "api.cli" in cmdline and port in cmdline:
                return int(pid)
    raise RuntimeError("server process not found")


if __name__ == "__main__":
    main()
