"""Video inside the server: RGB frames with the monotonic time they arrived."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class VideoFrame:
    rgb: np.ndarray  # uint8, (height, width, 3)
    ts: float
