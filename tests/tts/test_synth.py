"""The synthesis seam: sentence streaming (fakes), and real pyttsx3 over espeak-ng."""

import asyncio
import time

import numpy as np
import pytest

from core.audio import SAMPLE_RATE, to_float32
from media.resample import resample_speech
from stt.whisper import WhisperEngine
from tests.helpers import wer
from tts.synth import Pyttsx3Synthesizer, Speech, SpeechSynthesizer
from tts.text import SentenceBuffer, split_sentences

TEXT = "Thanks for joining. Tell me about a project you are proud of. What made it hard?"


class EchoSynth(SpeechSynthesizer):
    """Fake engine: one 10 ms sample per character, at 22,050 Hz; records what it was given."""

    name = "echo"

    def __init__(self) -> None:
        super().__init__()
        self.given: list[str] = []

    def _synthesize(self, text: str) -> Speech:
        self.given.append(text)
        return Speech(np.full(len(text) * 220, 1000, dtype=np.int16), 22050, "echo")


def test_split_sentences():
    assert split_sentences(TEXT) == [
        "Thanks for joining.",
        "Tell me about a project you are proud of.",
        "What made it hard?",
    ]
    assert split_sentences("  ") == []
    assert split_sentences("No end") == ["No end"]


def test_sentence_buffer_releases_a_sentence_once_the_next_begins():
    buffer = SentenceBuffer()
    assert buffer.push("Thanks for") == []
    assert buffer.push(" joining. ") == []  # "e.g. " or "3. " could still follow
    assert buffer.push("Tell me") == ["Thanks for joining."]
    assert buffer.push(" more.") == []
    assert buffer.flush() == ["Tell me more."]
    assert buffer.flush() == []


async def test_stream_speaks_the_first_sentence_before_the_text_is_finished():
    synth = EchoSynth()
    arrived = asyncio.Event()

    async def pieces():
        yield "Hi there. "
        yield "What is the p95 "
        await arrived.wait()  # the writer is still thinking about the rest
        yield "latency of your API?"

    stream = synth.stream(pieces())
    first = await asyncio.wait_for(anext(stream), 2)
    assert first.text == "Hi there." and first.sample_rate == 22050 and first.engine == "echo"
    arrived.set()
    rest = [s async for s in stream]
    assert [s.text for s in rest] == ["What is the p95 latency of your API?"]
    # the transcript keeps what was written; the engine got what is said
    assert synth.given[-1] == "What is the P ninety five latency of your A-P-I?"


async def test_stream_keeps_order_and_volume_scales():
    synth = EchoSynth()
    synth.options = type(synth.options)(volume=0.5)
    out = [s async for s in synth.stream(TEXT)]
    assert [s.text for s in out] == split_sentences(TEXT)
    assert all(int(np.abs(s.pcm).max()) == 500 for s in out)
    assert synth.status == "ok"


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
        assert s.engine == "pyttsx3" and s.sample_rate == 22050  # espeak-ng's own rate, not resampled
        assert s.pcm.dtype.name == "int16" and 0.3 < len(s.pcm) / s.sample_rate < 5
        assert abs(int(s.pcm[0])) < 2000  # leading silence trimmed to ~5 ms, not cut mid-word
    pad = np.zeros(SAMPLE_RATE // 4, dtype=np.int16)  # as between turns: Whisper wants a lead-in
    pcm = [resample_speech(s.pcm, s.sample_rate, SAMPLE_RATE) for s in sentences]
    heard = WhisperEngine().transcribe(to_float32(np.concatenate([pad, *pcm, pad]))).text
    assert wer(TEXT, heard) <= 0.2, heard  # espeak-ng's formant voice: ~18 % on interview questions


def test_short_recurring_sentences_are_made_once():
    synth = EchoSynth()
    first = synth.synthesize("Thanks, that's helpful.")
    again = synth.synthesize("Thanks, that's helpful.")
    assert again is first and synth.given == ["Thanks, that's helpful."]
    long = "Tell me about a project you are proud of and why."
    synth.synthesize(long)
    synth.synthesize(long)
    assert synth.given.count(long) == 2  # long sentences are not worth keeping


def test_a_fallback_sentence_is_not_kept():
    synth = EchoSynth()
    synth.name = "piper"  # the echo stands in for a Piper that fell back: engine "echo" != "piper"
    synth.synthesize("Next question.")
    synth.synthesize("Next question.")
    assert synth.given == ["Next question.", "Next question."]


async def test_a_prepared_reply_opens_without_waiting():
    synth = EchoSynth()
    followup = "What would you do differently if the same situation came up again? Take your time."
    synth.prepare(followup)
    await asyncio.get_running_loop().run_in_executor(synth._executor, lambda: None)  # prepared by now
    assert synth.given == ["What would you do differently if the same situation came up again?"]
    out = [s async for s in synth.stream(followup)]
    assert [s.text for s in out] == split_sentences(followup)
    assert synth.given.count(out[0].text) == 1  # the long first sentence was not made twice
