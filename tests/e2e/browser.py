"""Launching Debian's Chromium with a WAV file as its microphone and a Y4M file as
its camera (see ../shared/BROWSER_TESTING.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np

from core.audio import SAMPLE_RATE, write_wav


def chromium_path() -> str:
    path = shutil.which("chromium")
    assert path, "Debian's chromium is installed by ./bootstrap test"
    return path


def launch_args(wav: Path | None = None, y4m: Path | None = None, fake_ui: bool = True) -> list[str]:
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--autoplay-policy=no-user-gesture-required",
        "--disable-features=WebRtcHideLocalIpsWithMdns",
        "--use-fake-device-for-media-stream",
    ]
    if fake_ui:
        args.append("--use-fake-ui-for-media-stream")
    if wav is not None:
        args.append(f"--use-file-for-fake-audio-capture={wav}%noloop")
    if y4m is not None:
        args.append(f"--use-file-for-fake-video-capture={y4m}")
    return args


def microphone_wav(path: Path, speech: np.ndarray, lead_s: float, tail_s: float = 30.0) -> Path:
    """Playback starts at getUserMedia: silence first, then the answer, then quiet."""
    silence = lambda s: np.zeros(int(s * SAMPLE_RATE), dtype=np.int16)  # noqa: E731
    write_wav(str(path), np.concatenate([silence(lead_s), speech, silence(tail_s)]))
    return path


def camera_y4m(path: Path, rgb: np.ndarray, frames: int = 10, fps: int = 10) -> Path:
    """A Y4M camera that shows `rgb` (it loops)."""
    h, w = rgb.shape[:2]
    i420 = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420).tobytes()
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            f.write(b"FRAME\n" + i420)
    return path


async def wait_until(page, expression: str, timeout_s: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """Poll `expression` until it is truthy. Playwright's `wait_for_function` re-evaluates a
    string with `eval` inside the page, which our pages' Content-Security-Policy rightly refuses
    once the first check is false; `page.evaluate` runs through the DevTools protocol instead."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout_s
    while not await page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout_s} s: {expression}")
        await asyncio.sleep(0.1)
