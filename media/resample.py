"""One good resampling step for outgoing speech (libswresample, through PyAV)."""

from __future__ import annotations

import av
import numpy as np


def resample_speech(pcm: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """int16 mono PCM from `from_rate` to `to_rate`, band-limited (no aliasing on 8 kHz lines)."""
    pcm = pcm.astype(np.int16, copy=False)
    if from_rate == to_rate or len(pcm) == 0:
        return pcm
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm).reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = from_rate
    resampler = av.AudioResampler(format="s16", layout="mono", rate=to_rate)
    # resample(None) flushes the filter's tail, so the whole sentence comes out
    frames = [*resampler.resample(frame), *resampler.resample(None)]
    out = [f.to_ndarray().reshape(-1) for f in frames]
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int16)
