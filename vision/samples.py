"""Camera frames made from a real photograph, for tests, benchmarks and demos.

The face is NASA's public-domain portrait of Eileen Collins, shipped by
scikit-image as `skimage/data/astronaut.png` (read without importing skimage).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import cv2
import numpy as np

FRAME_W, FRAME_H = 640, 480
FACE_BOX = (150, 40, 300, 210)  # x0, y0, x1, y1 of the face and hair in astronaut.png


def _data_file(name: str) -> Path:
    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("scikit-image (a test dependency) ships the sample photographs")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


@functools.lru_cache(maxsize=4)
def photo(name: str = "astronaut.png") -> np.ndarray:
    """An RGB photograph from scikit-image's data folder."""
    bgr = cv2.imread(str(_data_file(name)))
    if bgr is None:
        raise FileNotFoundError(name)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _canvas(value: int = 128) -> np.ndarray:
    return np.full((FRAME_H, FRAME_W, 3), value, dtype=np.uint8)


def face_crop() -> np.ndarray:
    x0, y0, x1, y1 = FACE_BOX
    return photo()[y0:y1, x0:x1]


def one_face(width: int = 300) -> np.ndarray:
    """A 640x480 webcam-like frame with the face in the middle."""
    crop = face_crop()
    face = cv2.resize(crop, (width, int(width * crop.shape[0] / crop.shape[1])))
    frame = _canvas()
    y, x = (FRAME_H - face.shape[0]) // 2, (FRAME_W - face.shape[1]) // 2
    frame[y : y + face.shape[0], x : x + face.shape[1]] = face
    return frame


def two_faces() -> np.ndarray:
    """Two people side by side."""
    crop = face_crop()
    face = cv2.resize(crop, (250, int(250 * crop.shape[0] / crop.shape[1])))
    frame = _canvas()
    y = (FRAME_H - face.shape[0]) // 2
    frame[y : y + face.shape[0], 45:295] = face
    frame[y : y + face.shape[0], 345:595] = face
    return frame


def looking_away() -> np.ndarray:
    """A real head turned ~55 deg away: the cameraman of `camera.png`, looking into
    his viewfinder. (Warping the astronaut photo in 2D did not fool the landmarker:
    a cylinder warp of 55 deg read as ~12 deg of yaw.)"""
    crop = photo("camera.png")[30:230, 150:350]
    frame = _canvas()
    face = cv2.resize(crop, (300, 300))
    frame[90:390, 170:470] = face
    return frame


def rolled(frame: np.ndarray, degrees: float = 30.0) -> np.ndarray:
    """The frame rotated in its plane: a tilted head, still facing the screen."""
    h, w = frame.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(frame, matrix, (w, h), borderValue=(128, 128, 128))


def no_face() -> np.ndarray:
    """An empty room: a textured background, no person."""
    return cv2.resize(photo("brick.png"), (FRAME_W, FRAME_H))


def covered() -> np.ndarray:
    """A hand or a lens cover: almost black, almost no texture."""
    rng = np.random.default_rng(0)
    return np.clip(rng.normal(6, 2, (FRAME_H, FRAME_W, 3)), 0, 255).astype(np.uint8)


def blurred(frame: np.ndarray) -> np.ndarray:
    """Out of focus."""
    return cv2.GaussianBlur(frame, (0, 0), 9)
