"""Test helpers: word error rate on normalised text; recordings made and read back."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

import jiwer
import numpy as np

if TYPE_CHECKING:
    from media.recordings import Recordings

WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
NUMBERS = {str(i): w for i, w in enumerate(WORDS)}


def normalise(text: str) -> str:
    text = text.lower().replace("-", " ")
    words = re.findall(r"[a-z0-9']+", text)
    return " ".join(NUMBERS.get(w, w) for w in words)


def wer(reference: str, hypothesis: str) -> float:
    return float(jiwer.wer(normalise(reference), normalise(hypothesis)))


def spoken_wer(reference: str, hypothesis: str) -> float:
    """Word error rate on what is said: "p95", "API", "99.9%" compared as the words spoken,
    so Whisper writing "P95" for "p ninety five" is not an error."""
    from tts.normalize import speakable

    return wer(speakable(reference), speakable(hypothesis))


def tone(hz: float, seconds: float, rate: int, level: float = 0.25) -> np.ndarray:
    """A sine tone as int16 PCM."""
    t = np.arange(round(seconds * rate)) / rate
    return (np.sin(2 * np.pi * hz * t) * level * 32767).astype(np.int16)


def record_tones(
    recordings: Recordings, interview_id: str, seconds: float = 1.0, start_s: float = 0.0
) -> Path:
    """A recording part for an interview without running one: the candidate's channel holds a
    300 Hz tone in the first half, the interviewer's a 1 kHz tone in the second."""
    from media.recording import CANDIDATE, INTERVIEWER

    origin = time.monotonic()
    recorder = recordings.begin(interview_id, origin, start_s, 48_000, "test")
    half = seconds / 2
    candidate, interviewer = tone(300, half, 16_000), tone(1000, half, 48_000)
    for i in range(0, len(candidate), 320):
        recorder.add(CANDIDATE, candidate[i : i + 320], origin + i / 16_000)
    for i in range(0, len(interviewer), 960):
        recorder.add(INTERVIEWER, interviewer[i : i + 960], origin + half + i / 48_000)
    recorder.close()
    return recorder.path


def record_camera(recordings: Recordings, interview_id: str, seconds: float = 1.0, part: int = 1) -> Path:
    """The camera beside an existing audio part: a red picture, then a blue one, at 5 fps."""
    from core.video import VideoFrame
    from media.video_recording import VideoRecorder

    recorder = VideoRecorder(recordings.folder(interview_id) / f"part-{part}.webm", 0.0)
    for i in range(round(seconds * 5)):
        rgb = np.zeros((240, 320, 3), np.uint8)
        rgb[:] = (200, 30, 30) if i < seconds * 5 / 2 else (30, 30, 200)
        recorder.add(VideoFrame(rgb, i / 5))
        while recorder._waiting is not None:
            time.sleep(0.002)
    recorder.close(end=seconds)
    return recorder.path


def decode_recording(data: bytes | Path) -> tuple[np.ndarray, int]:
    """An Ogg recording as float32 samples, shape (channels, samples), and its rate."""
    import io

    import av

    source = io.BytesIO(data) if isinstance(data, bytes) else str(data)
    with av.open(source, "r") as container:
        frames = [frame.to_ndarray() for frame in container.decode(audio=0)]
        rate = container.streams.audio[0].rate
    if not frames:
        return np.zeros((2, 0), dtype=np.float32), rate
    return np.concatenate(frames, axis=1).astype(np.float32), rate
