"""Smart Turn v3.2 on recorded human speech, and its features against the formula."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.audio import SAMPLE_RATE, read_wav, to_float32
from stt import smart_turn

DATA = Path(__file__).parent / "speech"  # not data/: .gitignore keeps that for databases


def test_features_follow_whisper_layout_and_pad_at_the_start():
    rng = np.random.default_rng(0)
    audio = (rng.standard_normal(3 * SAMPLE_RATE) * 0.1).astype(np.float32)
    feats = smart_turn.features(audio)
    assert feats.shape == (80, 800) and feats.dtype == np.float32
    # 3 s of noise padded to 8 s at the START: the last frames carry it, the first are flat
    assert feats[:, -200:].std() > 10 * feats[:, :200].std()
    assert feats.max() - feats.min() <= 2.0 + 1e-6  # Whisper's 8 dB (log10) dynamic range, /4
    assert np.allclose(
        smart_turn.features(np.concatenate([audio, audio, audio])),
        smart_turn.features(np.concatenate([audio[:1], audio, audio, audio])),
        atol=1e-3,
    )  # only the last 8 s count


def test_a_missing_model_warns_and_leaves_the_transcript_to_decide(tmp_path, caplog):
    assert smart_turn.load(str(tmp_path / "absent.onnx")) is None
    assert "transcript alone" in caplog.text


@pytest.fixture(scope="module")
def model() -> smart_turn.SmartTurn:
    path = smart_turn.default_model_path()
    if not path.is_file():
        pytest.skip(f"Smart Turn model absent at {path}: run `python -m stt.smart_turn --install`")
    loaded = smart_turn.load(str(path))
    assert loaded is not None
    return loaded


def cut(name: str, end_s: float, silence_ms: int = 100) -> np.ndarray:
    """The clip up to `end_s`, then `silence_ms` of its own leading room noise (as a pause)."""
    audio = to_float32(read_wav(str(DATA / name)))
    room = audio[: int(0.2 * SAMPLE_RATE)]  # aligned as silence in both clips
    return np.concatenate([audio[: int(end_s * SAMPLE_RATE)], np.resize(room, silence_ms * 16)])


# word ends from the clips' forced alignment (PocketSphinx test data)
CASES = [
    ("librivox-0920.wav", 5.83, [2.49, 3.69]),  # "...than he was" | "...a more amiable woman", "...been made"
    ("librivox-0870.wav", 6.79, [2.89, 5.75]),  # "...do for them" | "...leisure to", "...prudently in his"
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "end_s", "mid_s"), CASES)
def test_human_speech_sounds_finished_at_its_end_not_mid_clause(model, name, end_s, mid_s):
    at_end = model.predict(cut(name, end_s))
    assert at_end.probability >= 0.7
    for mid in mid_s:
        assert model.predict(cut(name, mid)).probability <= 0.3, mid


@pytest.mark.slow
async def test_calls_run_off_the_event_loop(model):
    pcm = read_wav(str(DATA / "librivox-0920.wav"))
    result = await model.probability(pcm)
    assert 0.0 <= result.probability <= 1.0
