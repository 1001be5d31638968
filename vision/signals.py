"""What one video frame says about attention, and the thresholds behind it.

Looking at the screen combines head pose and eye direction into a gaze angle:
gaze = head angle (from the facial transformation matrix, relative to the
candidate's own usual pose) + eye angle (from the eye-look blendshapes; a
blendshape of 1.0 is taken as the eye's ~30 deg range). A laptop screen at
arm's length spans roughly +-15 deg horizontally and +-10 deg vertically; we
allow +-22 deg and +-18 deg so that pose-estimation noise (~5 deg) and a glance
at the screen's edge do not count as looking away.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

EYE_RANGE_DEG = 30.0
LOOK_AWAY_YAW_DEG = 22.0
LOOK_AWAY_PITCH_DEG = 18.0
EYES_CLOSED = 0.5  # eyeBlink blendshape of both eyes
COVERED_BRIGHTNESS = 20.0  # mean luma 0-255 with almost no texture: a lens cover or a hand
COVERED_CONTRAST = 10.0  # standard deviation of luma
DARK_BRIGHTNESS = 45.0
BLURRED_SHARPNESS = 25.0  # variance of the Laplacian on a 320x240 grey frame


@dataclass(frozen=True)
class FaceReading:
    """One detected face."""

    yaw: float  # degrees, + = the candidate turns to their left
    pitch: float  # degrees
    roll: float
    gaze_yaw: float  # eye direction added, degrees
    gaze_pitch: float
    eyes_closed: bool
    area: float  # share of the frame the face box covers
    center: tuple[float, float]


@dataclass(frozen=True)
class FrameSignals:
    """One analysed frame. `t` is seconds from interview start."""

    t: float
    faces: int
    main: FaceReading | None  # the largest face
    brightness: float
    contrast: float
    sharpness: float

    @property
    def camera_issue(self) -> str | None:
        """'covered', 'dark' or 'blurred' (a camera problem, not the candidate's fault)."""
        if self.brightness < COVERED_BRIGHTNESS and self.contrast < COVERED_CONTRAST:
            return "covered"
        if self.brightness < DARK_BRIGHTNESS:
            return "dark"
        if self.sharpness < BLURRED_SHARPNESS:
            return "blurred"
        return None


def head_angles(matrix: np.ndarray) -> tuple[float, float, float]:
    """Yaw, pitch, roll in degrees from MediaPipe's 4x4 facial transformation matrix."""
    r = np.asarray(matrix, dtype=np.float64)[:3, :3]
    yaw = np.degrees(np.arctan2(-r[2, 0], np.hypot(r[0, 0], r[1, 0])))
    pitch = np.degrees(np.arctan2(r[2, 1], r[2, 2]))
    roll = np.degrees(np.arctan2(r[1, 0], r[0, 0]))
    return float(yaw), float(pitch), float(roll)


def eye_angles(blend: dict[str, float]) -> tuple[float, float]:
    """Horizontal and vertical eye direction in degrees from the eye-look blendshapes.
    The candidate's left eye looking out and right eye looking in both mean 'to their left'."""
    to_left = (blend.get("eyeLookOutLeft", 0) + blend.get("eyeLookInRight", 0)) / 2
    to_right = (blend.get("eyeLookInLeft", 0) + blend.get("eyeLookOutRight", 0)) / 2
    up = (blend.get("eyeLookUpLeft", 0) + blend.get("eyeLookUpRight", 0)) / 2
    down = (blend.get("eyeLookDownLeft", 0) + blend.get("eyeLookDownRight", 0)) / 2
    return EYE_RANGE_DEG * (to_left - to_right), EYE_RANGE_DEG * (up - down)


def looking_at_screen(face: FaceReading, baseline: tuple[float, float]) -> bool:
    """Gaze within the screen's angle around the candidate's usual pose."""
    return (
        abs(face.gaze_yaw - baseline[0]) <= LOOK_AWAY_YAW_DEG
        and abs(face.gaze_pitch - baseline[1]) <= LOOK_AWAY_PITCH_DEG
        and not face.eyes_closed
    )


def image_quality(rgb: np.ndarray) -> tuple[float, float, float]:
    """Brightness (mean luma 0-255), contrast (its standard deviation) and sharpness
    (variance of the Laplacian) of a frame, measured at 320x240."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(grey, (320, 240), interpolation=cv2.INTER_AREA)
    return float(small.mean()), float(small.std()), float(cv2.Laplacian(small, cv2.CV_64F).var())
