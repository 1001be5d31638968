"""The simulated candidate's voice: pauses capped like a fluent speaker's."""

import numpy as np

from api.demo import shorten_pauses
from core.audio import SAMPLE_RATE

TONE = (np.sin(np.arange(SAMPLE_RATE // 5) * 0.3) * 5000).astype(np.int16)  # 200 ms of "speech"


def silence(ms: int) -> np.ndarray:
    return np.zeros(SAMPLE_RATE * ms // 1000, dtype=np.int16)


def test_long_pauses_are_capped_and_speech_is_kept():
    clip = np.concatenate([TONE, silence(500), TONE, silence(200), TONE])
    short = shorten_pauses(clip, max_ms=300)
    assert len(short) == len(clip) - SAMPLE_RATE * 200 // 1000  # only the 500 ms pause shrank
    assert np.count_nonzero(short) == np.count_nonzero(clip)  # no speech sample lost


def test_a_clip_without_long_pauses_is_unchanged():
    clip = np.concatenate([TONE, silence(100), TONE])
    assert np.array_equal(shorten_pauses(clip), clip)
