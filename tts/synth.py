"""Speech synthesis providers behind one small base class."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import tempfile
import threading
import time
import wave
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from tts.normalize import speakable
from tts.text import SentenceBuffer, split_sentences
from tts.voices import VoicePreset, espeak_equivalent, resolve

log = logging.getLogger(__name__)
SILENCE_LEVEL = 300  # int16 amplitude below which leading audio counts as silence
CACHED_SENTENCE_WORDS = 6
CACHED_SENTENCES = 256


@dataclass(frozen=True)
class TtsOptions:
    engine: str = "piper"  # "piper" (neural, default) or "pyttsx3" (espeak-ng)
    voice: str = ""  # a preset from tts.voices, or an espeak-ng voice for pyttsx3; "" = default
    rate_wpm: int = 175
    volume: float = 1.0  # 0-1 of full scale
    cpu_threads: int = 2  # ONNX Runtime threads per Piper synthesis


@dataclass(frozen=True)
class Speech:
    """int16 mono PCM at the rate the engine made it (resampled once, by the transport)."""

    pcm: np.ndarray
    sample_rate: int
    engine: str = ""  # which engine made it ("pyttsx3" when Piper fell back)

    @property
    def seconds(self) -> float:
        return len(self.pcm) / self.sample_rate


@dataclass(frozen=True)
class SpokenSentence:
    text: str  # as the interviewer wrote it (what the transcript records)
    pcm: np.ndarray
    sample_rate: int
    engine: str = ""  # which engine really spoke it ("pyttsx3" after a Piper failure)


class SpeechSynthesizer(ABC):
    """Base class: the public methods own normalising, threading and timing; providers
    override `_synthesize` only."""

    name = "unknown"

    def __init__(self, options: TtsOptions | None = None) -> None:
        self.options = options or TtsOptions()
        # Engines such as pyttsx3 are not thread-safe: one dedicated thread each.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts")
        self.last_synthesis_ms = 0.0
        # "Thank you.", "Next question.": short sentences recur in every interview; keeping
        # them makes the first sentence of most replies (the one a turn waits for) instant
        self._cache: OrderedDict[str, Speech] = OrderedDict()

    @property
    def status(self) -> str:
        """"ok", "loading" (nothing made yet) or "degraded" (speaking with the fallback)."""
        return "ok" if self.last_synthesis_ms > 0 else "loading"

    def synthesize(self, text: str, keep: bool = False) -> Speech:
        """Blocking: speech for `text` (made speakable first), leading silence trimmed.
        Short sentences, and any with `keep`, are kept for the next time they are said."""
        started = time.perf_counter()
        said = speakable(text)
        cacheable = keep or len(said.split()) <= CACHED_SENTENCE_WORDS
        if (cached := self._cache.get(said)) is not None:
            self._cache.move_to_end(said)
            self.last_synthesis_ms = max(self.last_synthesis_ms, 0.001)
            return cached
        speech = self._synthesize(said)
        pcm = trim_leading_silence(speech.pcm, speech.sample_rate)
        if self.options.volume != 1.0:
            pcm = np.clip(pcm.astype(np.float32) * self.options.volume, -32768, 32767).astype(np.int16)
        self.last_synthesis_ms = (time.perf_counter() - started) * 1000
        made = Speech(pcm, speech.sample_rate, speech.engine or self.name)
        if cacheable and made.engine == self.name:  # a fallback's sentence is not kept
            self._cache[said] = made
            if len(self._cache) > CACHED_SENTENCES:
                self._cache.popitem(last=False)
        return made

    def prepare(self, text: str) -> None:
        """Make the first sentence of a likely next reply now, in the synthesis thread, so
        a turn that opens with it does not wait for it (a long question takes ~0.2 s)."""
        sentences = split_sentences(text)
        if sentences:
            self._executor.submit(self._prepare, sentences[0])

    def _prepare(self, sentence: str) -> None:
        try:
            self.synthesize(sentence, keep=True)
        except Exception:  # a guess that failed costs nothing: the turn makes it again
            log.debug("could not prepare %r", sentence[:40], exc_info=True)

    async def synthesize_async(self, text: str) -> Speech:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.synthesize, text)

    async def stream(self, text: str | AsyncIterable[str]) -> AsyncIterator[SpokenSentence]:
        """Yield the reply sentence by sentence, each as soon as it is made; the next
        one is made while the caller plays the previous one. `text` may arrive in
        pieces (an LLM's stream): the first sentence is made once it is complete."""
        # at most one sentence waits made-but-unplayed, so a barge-in wastes little
        made: asyncio.Queue[asyncio.Future[tuple[str, Speech]] | None] = asyncio.Queue(maxsize=1)

        async def produce() -> None:
            try:
                async for sentence in _sentences(text):
                    await made.put(asyncio.ensure_future(self._made(sentence)))
            finally:
                await made.put(None)

        producer = asyncio.ensure_future(produce())
        try:
            while (future := await made.get()) is not None:
                yield self._spoken(*await future)
            await producer  # a failing text source fails the stream
        finally:
            producer.cancel()
            while not made.empty():
                left = made.get_nowait()
                if left is not None:
                    left.cancel()

    async def _made(self, sentence: str) -> tuple[str, Speech]:
        return sentence, await self.synthesize_async(sentence)

    def _spoken(self, text: str, speech: Speech) -> SpokenSentence:
        return SpokenSentence(text, speech.pcm, speech.sample_rate, speech.engine)

    @abstractmethod
    def _synthesize(self, text: str) -> Speech:
        """int16 mono PCM for `text` (already speakable), at the engine's own rate."""


async def _sentences(text: str | AsyncIterable[str]) -> AsyncIterator[str]:
    if isinstance(text, str):
        for sentence in split_sentences(text):
            yield sentence
        return
    buffer = SentenceBuffer()
    async for piece in text:
        for sentence in buffer.push(piece):
            yield sentence
    for sentence in buffer.flush():
        yield sentence


class Pyttsx3Synthesizer(SpeechSynthesizer):
    """pyttsx3 driving Debian's espeak-ng.

    pyttsx3 keeps one engine per process, so all instances share one lock. Its
    espeak driver now and then hands back an empty file; we retry, then fall
    back to the espeak-ng command line rather than leave dead air.
    """

    name = "pyttsx3"
    _lock = threading.Lock()
    attempts = 3

    def __init__(self, options: TtsOptions | None = None, preset: VoicePreset | None = None) -> None:
        super().__init__(options)
        self.preset = preset or resolve("pyttsx3", self.options.voice)
        self._engine: Any = None
        self._tmpdir = tempfile.mkdtemp(prefix="intervox-tts-")

    def _init_engine(self):  # type: ignore[no-untyped-def]
        import pyttsx3
        import pyttsx3.drivers.espeak as espeak_driver

        # The driver prints "Audio saved to ..." for every sentence; keep logs clean.
        espeak_driver.print = lambda *args, **kwargs: None  # type: ignore[attr-defined]
        return pyttsx3.init("espeak")

    def _synthesize(self, text: str) -> Speech:
        path = os.path.join(self._tmpdir, f"say-{threading.get_ident()}.wav")
        with self._lock:
            if self._engine is None:
                self._engine = self._init_engine()
            # the engine is shared: set this voice's properties every time
            self._engine.setProperty("rate", self.options.rate_wpm)
            if self.preset.model:
                self._engine.setProperty("voice", self.preset.model)
            for _ in range(self.attempts):
                self._engine.save_to_file(text, path)
                self._engine.runAndWait()
                speech = read_wav_native(path) if os.path.exists(path) else None
                if speech is not None and len(speech.pcm):
                    return Speech(speech.pcm, speech.sample_rate, self.name)
        log.warning("pyttsx3 gave no audio for %r; using the espeak-ng command", text[:40])
        return espeak_cli(text, self.options.rate_wpm, self.preset.model, path)


def espeak_cli(text: str, rate_wpm: int, voice: str, path: str) -> Speech:
    args = ["espeak-ng", "-s", str(rate_wpm), "-w", path]
    if voice:
        args += ["-v", voice]
    subprocess.run([*args, text], check=True, capture_output=True)
    speech = read_wav_native(path)
    return Speech(speech.pcm, speech.sample_rate, "espeak-ng")


def read_wav_native(path: str) -> Speech:
    """A 16-bit mono WAV at its own rate (engines write 22,050 Hz; resampled later, once)."""
    with wave.open(path, "rb") as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        if w.getnchannels() > 1:
            pcm = pcm.reshape(-1, w.getnchannels()).mean(axis=1).astype(np.int16)
        return Speech(pcm, w.getframerate())


def trim_leading_silence(pcm: np.ndarray, sample_rate: int, keep_ms: int = 5) -> np.ndarray:
    """Drop the silence engines put before speech (it only adds latency)."""
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > SILENCE_LEVEL)
    if len(loud) == 0:
        return pcm
    start = max(0, int(loud[0]) - keep_ms * sample_rate // 1000)
    return pcm[start:]


def make_synthesizer(options: TtsOptions) -> SpeechSynthesizer:
    """The configured engine; Piper falls back to espeak-ng by itself when it cannot speak."""
    if options.engine == "piper":
        from tts.piper import PiperSynthesizer

        return PiperSynthesizer(options)
    if options.engine == "pyttsx3":
        return Pyttsx3Synthesizer(options)
    raise ValueError(f"unknown TTS engine {options.engine!r}")


def fallback_for(options: TtsOptions, preset: VoicePreset) -> Pyttsx3Synthesizer:
    """espeak-ng standing in for a neural voice, at the same pace and volume."""
    return Pyttsx3Synthesizer(options, espeak_equivalent(preset))
