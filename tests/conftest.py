"""Shared fixtures: settings on a temporary database, the simulated candidate's speech."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from api.demo import speak
from api.settings import Settings
from core.audio import SAMPLE_RATE, read_wav, write_wav

SPEECH_CACHE = Path(__file__).parent.parent / "test-artifacts" / "speech"


def speech(text: str, voice: str = "candidate", lead_s: float = 0.0, tail_s: float = 0.0) -> np.ndarray:
    """Real speech as 16 kHz int16, cached by voice and text: the simulated candidate's
    Piper voice (a preset from tts.voices, not the interviewer's), or `espeak-en-us`."""
    SPEECH_CACHE.mkdir(parents=True, exist_ok=True)
    path = SPEECH_CACHE / (hashlib.sha1(f"v3:{voice}:{text}".encode()).hexdigest()[:16] + ".wav")
    if not path.exists():
        write_wav(str(path), speak(text, voice)[SAMPLE_RATE // 2 :])  # the cache keeps no lead-in
    pcm = read_wav(str(path))
    lead = np.zeros(int(lead_s * SAMPLE_RATE), dtype=np.int16)
    tail = np.zeros(int(tail_s * SAMPLE_RATE), dtype=np.int16)
    return np.concatenate([lead, pcm, tail])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/intervox.db")
