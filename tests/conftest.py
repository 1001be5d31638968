"""Shared fixtures: settings on a temporary database, synthesised speech."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import numpy as np
import pytest

from api.settings import Settings
from core.audio import SAMPLE_RATE, read_wav

SPEECH_CACHE = Path(__file__).parent.parent / "test-artifacts" / "speech"


def speech(text: str, voice: str = "en-us", lead_s: float = 0.0, tail_s: float = 0.0) -> np.ndarray:
    """Real speech from espeak-ng as 16 kHz int16, cached by text."""
    SPEECH_CACHE.mkdir(parents=True, exist_ok=True)
    path = SPEECH_CACHE / (hashlib.sha1(f"{voice}:{text}".encode()).hexdigest()[:16] + ".wav")
    if not path.exists():
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True)
    pcm = read_wav(str(path))
    lead = np.zeros(int(lead_s * SAMPLE_RATE), dtype=np.int16)
    tail = np.zeros(int(tail_s * SAMPLE_RATE), dtype=np.int16)
    return np.concatenate([lead, pcm, tail])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/intervox.db")
