"""The paced WebRTC track: a reply's first frame leaves when it is queued, not at the next tick."""

import asyncio
import time

import numpy as np
import pytest

from media.output import AudioOutput
from media.webrtc.tracks import OPUS_RATE, PacedAudioTrack

pytestmark = pytest.mark.serial  # a frame must leave within 15 ms: no other worker's Whisper meanwhile


def frame_of(frame) -> np.ndarray:  # type: ignore[no-untyped-def]
    return frame.to_ndarray().reshape(-1)


async def test_queued_speech_wakes_a_silent_track_and_the_clock_catches_up() -> None:
    output = AudioOutput(OPUS_RATE)
    track = PacedAudioTrack(output.pop_frame, OPUS_RATE)
    output.on_queued = track.wake  # as WebRtcTransport wires them
    assert not frame_of(await track.recv()).any()  # silence; the clock starts
    pending = asyncio.ensure_future(track.recv())  # the next frame is due in 20 ms
    await asyncio.sleep(0.002)
    queued_at = time.monotonic()
    output.enqueue(np.full(960 * 3, 1000, dtype=np.int16), "reply", OPUS_RATE)
    first = await pending
    assert frame_of(first).any() and time.monotonic() - queued_at < 0.015
    assert first.pts == 960  # the RTP timeline has no gap and no overlap
    early = track._early_s  # noqa: SLF001
    assert 0.0 < early <= 0.02
    for _ in range(2):  # the rest of the reply keeps the 20 ms pace
        assert frame_of(await track.recv()).any()
    for _ in range(25):  # silence after the reply gives the early start back
        assert not frame_of(await track.recv()).any()
    assert track._early_s == 0.0  # noqa: SLF001
    track.stop()


async def test_speech_already_queued_is_paced_not_hurried() -> None:
    output = AudioOutput(OPUS_RATE)
    track = PacedAudioTrack(output.pop_frame, OPUS_RATE)
    output.on_queued = track.wake
    output.enqueue(np.full(960 * 5, 1000, dtype=np.int16), "reply", OPUS_RATE)
    started = time.monotonic()
    for _ in range(5):
        await track.recv()
    assert time.monotonic() - started >= 0.075  # 5 frames: 4 waits of 20 ms
    track.stop()
