"""The camera to WebM: frames where their arrival times say, scaled down, decodable as it goes."""

from __future__ import annotations

import time

import av
import numpy as np
import pytest

from core.video import VideoFrame
from media.video_recording import VideoRecorder, VideoRecordingOptions

COLOURS = [(220, 30, 30), (30, 220, 30), (30, 30, 220)]  # a second of each


def decode(path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(path)) as container:
        return [(float(f.time), f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]


def picture(i: int, width: int = 1280, height: int = 720) -> np.ndarray:
    rgb = np.zeros((height, width, 3), np.uint8)
    rgb[:] = COLOURS[i // 5]
    return rgb


def taken(recorder: VideoRecorder) -> None:
    """Wait for the worker to take the waiting frame (a newer one would replace it)."""
    deadline = time.monotonic() + 5
    while recorder._waiting is not None and time.monotonic() < deadline:
        time.sleep(0.005)


def colour_at(frames: list[tuple[float, np.ndarray]], t: float) -> np.ndarray:
    shown = [rgb for at, rgb in frames if at <= t + 1e-6][-1]
    return shown[shown.shape[0] // 2, shown.shape[1] // 2].astype(int)


def test_frames_land_at_their_times_on_the_parts_clock(tmp_path):
    origin = 1000.0
    recorder = VideoRecorder(tmp_path / "part-1.webm", origin)
    for i in range(15):  # 5 fps for 3 s, the first 0.4 s after the part began
        recorder.add(VideoFrame(picture(i), origin + 0.4 + i * 0.2))
        taken(recorder)
    assert recorder.close(end=origin + 4.0) == 17  # + the first from t=0, + the last held
    frames = decode(tmp_path / "part-1.webm")
    assert len(frames) == 17 and frames[0][0] == 0.0 and frames[1][0] == pytest.approx(0.4)
    assert frames[0][1].shape == (360, 640, 3)  # scaled down to 640 wide, in proportion
    with av.open(str(tmp_path / "part-1.webm")) as container:
        assert container.duration / 1e6 == pytest.approx(4.0, abs=0.01)  # ends with the audio part
        assert container.streams.video[0].codec_context.name == "vp8"
    for t, colour in ((0.1, 0), (1.3, 0), (1.5, 1), (2.35, 1), (2.5, 2), (3.9, 2)):
        assert np.abs(colour_at(frames, t) - COLOURS[colour]).max() < 12, t
    print(f"encode {recorder.encode_ms_per_frame:.1f} ms a frame (1280x720 in, 640x360 VP8 out)")
    assert recorder.encode_ms_per_frame < 50  # ~8 ms on the 2-core machine


def test_a_file_still_being_written_is_decodable_up_to_its_last_cluster(tmp_path):
    """A server killed outright keeps what was flushed: clusters of `cluster_s` go to disk."""
    origin = time.monotonic()
    recorder = VideoRecorder(tmp_path / "part-1.webm", origin, VideoRecordingOptions(cluster_s=0.5))
    for i in range(12):
        recorder.add(VideoFrame(picture(i % 15, 320, 240), origin + i * 0.2))
        taken(recorder)
    time.sleep(0.2)
    frames = decode(tmp_path / "part-1.webm")  # not closed: as a crash would leave it
    assert 8 <= len(frames) <= 12 and frames[0][1].shape == (240, 320, 3)
    recorder.close()
    assert len(decode(tmp_path / "part-1.webm")) == 12


def test_frames_out_of_order_are_skipped_and_a_size_change_is_scaled(tmp_path):
    recorder = VideoRecorder(tmp_path / "part-1.webm", 0.0)
    for at, size in ((0.0, (640, 480)), (0.2, (320, 240)), (0.1, (640, 480)), (0.4, (1280, 960))):
        recorder.add(VideoFrame(picture(0, *size), at))
        taken(recorder)
    recorder.close()
    frames = decode(tmp_path / "part-1.webm")
    assert [round(t, 1) for t, _ in frames] == [0.0, 0.2, 0.4]
    assert {rgb.shape for _, rgb in frames} == {(480, 640, 3)}
