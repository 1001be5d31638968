"""Signal arithmetic and flags on synthetic readings (no model needed)."""

import numpy as np
import pytest

from vision.attention import AttentionTracker, flags, summarize
from vision.signals import (
    FaceReading,
    FrameSignals,
    eye_angles,
    head_angles,
    image_quality,
    looking_at_screen,
)


def rotation(yaw: float = 0, pitch: float = 0) -> np.ndarray:
    y, p = np.radians(yaw), np.radians(pitch)
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    m = np.eye(4)
    m[:3, :3] = ry @ rx
    return m


def test_head_angles_from_the_transformation_matrix():
    assert head_angles(rotation(30, 0))[0] == pytest.approx(30, abs=0.1)
    assert head_angles(rotation(0, -20))[1] == pytest.approx(-20, abs=0.1)
    assert head_angles(np.eye(4)) == (0.0, 0.0, 0.0)


def test_eye_angles_use_both_eyes():
    yaw, pitch = eye_angles({"eyeLookOutLeft": 0.8, "eyeLookInRight": 0.8})
    assert yaw == pytest.approx(24) and pitch == 0
    assert eye_angles({"eyeLookDownLeft": 1.0, "eyeLookDownRight": 1.0})[1] == pytest.approx(-30)


def face(yaw=0.0, pitch=0.0, gaze_yaw=None, closed=False) -> FaceReading:
    return FaceReading(yaw, pitch, 0.0, yaw if gaze_yaw is None else gaze_yaw, pitch, closed, 0.1, (0.5, 0.5))


def test_looking_at_screen_is_relative_to_the_usual_pose():
    assert looking_at_screen(face(5), (0, 0))
    assert not looking_at_screen(face(30), (0, 0))
    assert looking_at_screen(face(30), (12, 0))  # a camera off to the side
    assert not looking_at_screen(face(0, gaze_yaw=25), (0, 0))  # the eyes looked away
    assert not looking_at_screen(face(0, closed=True), (0, 0))


def test_image_quality_tells_dark_covered_and_blurred_apart():
    covered = np.full((480, 640, 3), 5, np.uint8)
    b, c, s = image_quality(covered)
    assert b < 10 and c < 1 and s < 1
    assert FrameSignals(0, 0, None, b, c, s).camera_issue == "covered"
    assert FrameSignals(0, 1, None, 35, 20, 300).camera_issue == "dark"
    assert FrameSignals(0, 1, None, 120, 40, 5).camera_issue == "blurred"
    assert FrameSignals(0, 1, None, 120, 40, 300).camera_issue is None


def sequence(spec: list[tuple[float, int]], fps: float = 4.0) -> list:
    """[(seconds, faces)] -> samples at `fps`."""
    tracker, t, out = AttentionTracker(), 0.0, []
    for seconds, faces in spec:
        for _ in range(int(seconds * fps)):
            main = face() if faces else None
            out.append(tracker.add(FrameSignals(t, faces, main, 120, 40, 300), "q1", answering=True))
            t += 1 / fps
    return out


def test_flags_need_a_long_enough_run_and_carry_their_time_range():
    samples = sequence([(10, 1), (6, 0), (10, 1), (2, 0), (4, 2), (5, 1)])
    found = flags(samples)
    assert [f["type"] for f in found] == ["face_absent", "second_face"]
    absent, second = found
    assert absent["start"] == pytest.approx(10, abs=0.3) and absent["end"] == pytest.approx(16, abs=0.3)
    assert absent["while_answering"]
    assert second["start"] == pytest.approx(28, abs=0.3) and second["end"] == pytest.approx(32, abs=0.3)


def test_summary_shares_are_over_the_video_received():
    figures = summarize(sequence([(30, 1), (10, 0)]))
    assert figures["video_seconds"] == pytest.approx(40, abs=0.5)
    assert figures["present_share"] == pytest.approx(0.75, abs=0.01)
    assert figures["looking_at_screen_share"] == pytest.approx(0.75, abs=0.01)
    assert summarize([])["video_seconds"] == 0.0
