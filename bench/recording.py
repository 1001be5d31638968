"""What recording an interview costs: CPU seconds of the recorder's worker thread (placing,
resampling to 48 kHz, Opus encoding, writing) per minute of interview, and the file's size,
for a WebRTC interviewer (48 kHz) and a phone line (8 kHz). Candidate and interviewer take
turns with real synthesized speech (the candidate's and the interviewer's Piper voices).
By default the whole interview is handed over at once and encoded in one go; `--realtime`
feeds it 20 ms at a time in real time, as a live interview does (4 small steps a second).

    python -m bench.recording [--minutes 5] [--realtime]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from api.demo import speak
from core.audio import SAMPLE_RATE
from media.recording import CANDIDATE, INTERVIEWER, Recorder
from media.resample import resample_speech

ANSWER = "I have been a backend developer for four years and I enjoy designing clear interfaces."
QUESTION = "Tell me about a time you had to debug a difficult production problem. What did you do?"


def conversation(minutes: float, interviewer_rate: int) -> list[tuple[int, np.ndarray, float]]:
    """(channel, 20 ms of audio, seconds from the start), turn by turn."""
    answer = speak(ANSWER)
    question = resample_speech(speak(QUESTION, "joe"), SAMPLE_RATE, interviewer_rate)
    turns = [(answer, CANDIDATE, 16_000), (question, INTERVIEWER, interviewer_rate)]
    chunks, at, turn = [], 0.0, 0
    while at < minutes * 60:
        pcm, channel, rate = turns[turn % 2]
        step = rate // 50
        chunks += [(channel, pcm[i : i + step], at + i / rate) for i in range(0, len(pcm) - step + 1, step)]
        at, turn = at + len(pcm) / rate + 0.6, turn + 1
    return chunks


def measure(minutes: float, interviewer_rate: int, folder: Path, realtime: bool) -> dict:
    chunks = conversation(minutes, interviewer_rate)
    path = folder / f"bench-{interviewer_rate}.ogg"
    if realtime:
        recorder = Recorder(path, interviewer_rate)
        for channel, pcm, at in chunks:
            time.sleep(max(0.0, recorder.origin + at - time.monotonic()))
            recorder.add(channel, pcm, time.monotonic())
    else:
        now = [0.0]  # a frozen clock: everything is placed, then encoded in one go
        recorder = Recorder(path, interviewer_rate, clock=lambda: now[0])
        for channel, pcm, at in chunks:
            recorder.add(channel, pcm, at)
        now[0] = chunks[-1][2] + 0.02
    seconds = recorder.close()
    size = recorder.path.stat().st_size
    return {
        "interviewer_rate": interviewer_rate,
        "realtime": realtime,
        "recorded_s": round(seconds, 1),
        "encode_cpu_s_per_minute": round(recorder.encode_cpu_s / seconds * 60, 3),
        "share_of_a_core": round(recorder.encode_cpu_s / seconds, 4),
        "mb_per_hour": round(size / seconds * 3600 / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU and size of recording an interview")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--realtime", action="store_true", help="feed it live (takes the minutes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = [measure(args.minutes, rate, Path(folder), args.realtime) for rate in (48_000, 8_000)]
    print(json.dumps({"recording": rows}, indent=2))


if __name__ == "__main__":
    main()
