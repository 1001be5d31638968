"""Real pyttsx3 over espeak-ng, checked by transcribing the speech back."""

import time

import pytest

from core.audio import SAMPLE_RATE, to_float32
from stt.whisper import WhisperEngine
from tests.helpers import wer
from tts.synth import Pyttsx3Synthesizer
from tts.text import split_sentences

TEXT = "Thanks for joining. Tell me about a project you are proud of. What made it hard?"


def test_split_sentences():
    assert split_sentences(TEXT) == [
        "Thanks for joining.",
        "Tell me about a project you are proud of.",
        "What made it hard?",
    ]
    assert split_sentences("  ") == []
    assert split_sentences("No end") == ["No end"]


@pytest.mark.slow
async def test_streams_intelligible_speech_sentence_by_sentence():
    synth = Pyttsx3Synthesizer()
    started = time.perf_counter()
    sentences, first_at = [], None
    async for s in synth.stream(TEXT):
        first_at = first_at or time.perf_counter() - started
        sentences.append(s)
    assert [s.text for s in sentences] == split_sentences(TEXT)
    assert first_at < 1.0  # the first sentence does not wait for the rest
    for s in sentences:
        assert s.pcm.dtype.name == "int16" and 0.3 < len(s.pcm) / SAMPLE_RATE < 5
        assert abs(int(s.pcm[0])) < 2000  # leading silence trimmed to ~5 ms, not cut mid-word
    heard = WhisperEngine().transcribe(to_float32(sentences[1].pcm)).text
    assert wer(sentences[1].text, heard) <= 0.2, heard
