"""MediaPipe Tasks Face Landmarker: one frame in, `FrameSignals` out (blocking)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from vision.signals import EYES_CLOSED, FaceReading, FrameSignals, eye_angles, head_angles, image_quality


class FaceAnalyzer:
    """Wraps one Face Landmarker (two faces, blendshapes and pose matrices on).

    A landmarker is not safe to call from two threads at once; calls are serialised.
    """

    def __init__(self, model_path: Path, num_faces: int = 2) -> None:
        from mediapipe.tasks.python import BaseOptions, vision

        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path)),
            running_mode=vision.RunningMode.IMAGE,
            num_faces=num_faces,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
        self._landmarker = vision.FaceLandmarker.create_from_options(options)
        self._lock = threading.Lock()

    def analyze(self, rgb: np.ndarray, t: float) -> FrameSignals:
        import mediapipe as mp

        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        with self._lock:
            result = self._landmarker.detect(image)
        faces = [
            _reading(landmarks, matrix, blendshapes)
            for landmarks, matrix, blendshapes in zip(
                result.face_landmarks,
                result.facial_transformation_matrixes,
                result.face_blendshapes,
                strict=False,
            )
        ]
        brightness, contrast, sharpness = image_quality(rgb)
        main = max(faces, key=lambda f: f.area) if faces else None
        return FrameSignals(t, len(faces), main, brightness, contrast, sharpness)

    def close(self) -> None:
        self._landmarker.close()


def _reading(landmarks, matrix, blendshapes) -> FaceReading:  # type: ignore[no-untyped-def]
    xs = np.array([p.x for p in landmarks])
    ys = np.array([p.y for p in landmarks])
    yaw, pitch, roll = head_angles(np.array(matrix))
    blend = {c.category_name: float(c.score) for c in blendshapes}
    eye_yaw, eye_pitch = eye_angles(blend)
    closed = min(blend.get("eyeBlinkLeft", 0), blend.get("eyeBlinkRight", 0)) >= EYES_CLOSED
    return FaceReading(
        yaw=yaw,
        pitch=pitch,
        roll=roll,
        gaze_yaw=yaw + eye_yaw,
        gaze_pitch=pitch + eye_pitch,
        eyes_closed=closed,
        area=float((xs.max() - xs.min()) * (ys.max() - ys.min())),
        center=(float(xs.mean()), float(ys.mean())),
    )
