"""Streaming Silero VAD, using the ONNX model that faster-whisper ships."""

from __future__ import annotations

import functools
import os

import numpy as np

from core.audio import to_float32

WINDOW_SAMPLES = 512  # 32 ms at 16 kHz: what Silero expects
CONTEXT_SAMPLES = 64


@functools.lru_cache(maxsize=1)
def _session():  # type: ignore[no-untyped-def]
    import onnxruntime
    from faster_whisper.utils import get_assets_path

    opts = onnxruntime.SessionOptions()
    opts.inter_op_num_threads = 1
    opts.intra_op_num_threads = 1
    opts.log_severity_level = 4
    path = os.path.join(get_assets_path(), "silero_vad_v6.onnx")
    return onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"], sess_options=opts)


class SileroVad:
    """Speech probability per 32 ms window, keeping the model's state between calls.

    One instance per audio stream; the ONNX session itself is shared.
    """

    def __init__(self) -> None:
        self._session = _session()
        self._pending = np.zeros(0, dtype=np.float32)
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)

    def push(self, pcm: np.ndarray) -> list[float]:
        """Feed int16 PCM of any length; returns one probability per full window."""
        self._pending = np.concatenate([self._pending, to_float32(pcm)])
        probs = []
        while len(self._pending) >= WINDOW_SAMPLES:
            window, self._pending = (
                self._pending[:WINDOW_SAMPLES],
                self._pending[WINDOW_SAMPLES:],
            )
            probs.append(self._window(window))
        return probs

    def _window(self, window: np.ndarray) -> float:
        x = np.concatenate([self._context, window])[None, :]
        out, self._h, self._c = self._session.run(None, {"input": x, "h": self._h, "c": self._c})
        self._context = window[-CONTEXT_SAMPLES:]
        return float(out.reshape(-1)[0])
