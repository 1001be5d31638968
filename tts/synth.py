"""Speech synthesis providers behind one small base class."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.audio import SAMPLE_RATE, read_wav
from tts.text import split_sentences

log = logging.getLogger(__name__)
SILENCE_LEVEL = 300  # int16 amplitude below which leading audio counts as silence


@dataclass(frozen=True)
class TtsOptions:
    engine: str = "pyttsx3"
    voice: str = ""  # engine default when empty; e.g. "en-us"
    rate_wpm: int = 175


@dataclass(frozen=True)
class SpokenSentence:
    text: str
    pcm: np.ndarray  # int16 at 16 kHz


class SpeechSynthesizer(ABC):
    """Base class: the public methods own threading and timing; providers override
    `_synthesize` only."""

    def __init__(self) -> None:
        # Engines such as pyttsx3 are not thread-safe: one dedicated thread each.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts")
        self.last_synthesis_ms = 0.0

    def synthesize(self, text: str) -> np.ndarray:
        """Blocking: int16 mono 16 kHz speech for `text`, leading silence trimmed."""
        started = time.perf_counter()
        pcm = trim_leading_silence(self._synthesize(text))
        self.last_synthesis_ms = (time.perf_counter() - started) * 1000
        return pcm

    async def synthesize_async(self, text: str) -> np.ndarray:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.synthesize, text)

    async def stream(self, text: str) -> AsyncIterator[SpokenSentence]:
        """Yield the reply sentence by sentence; the next one is made while the
        caller queues the previous one."""
        sentences = split_sentences(text)
        if not sentences:
            return
        pending = asyncio.ensure_future(self.synthesize_async(sentences[0]))
        for index, sentence in enumerate(sentences):
            pcm = await pending
            if index + 1 < len(sentences):
                pending = asyncio.ensure_future(self.synthesize_async(sentences[index + 1]))
            yield SpokenSentence(sentence, pcm)

    @abstractmethod
    def _synthesize(self, text: str) -> np.ndarray:
        """int16 mono 16 kHz PCM for `text`."""


class Pyttsx3Synthesizer(SpeechSynthesizer):
    """pyttsx3 driving Debian's espeak-ng.

    pyttsx3 keeps one engine per process, so all instances share one lock. Its
    espeak driver now and then hands back an empty file; we retry, then fall
    back to the espeak-ng command line rather than leave dead air.
    """

    _lock = threading.Lock()
    attempts = 3

    def __init__(self, options: TtsOptions | None = None) -> None:
        super().__init__()
        self.options = options or TtsOptions()
        self._engine: Any = None
        self._tmpdir = tempfile.mkdtemp(prefix="intervox-tts-")

    def _init_engine(self):  # type: ignore[no-untyped-def]
        import pyttsx3
        import pyttsx3.drivers.espeak as espeak_driver

        # The driver prints "Audio saved to ..." for every sentence; keep logs clean.
        espeak_driver.print = lambda *args, **kwargs: None  # type: ignore[attr-defined]
        engine = pyttsx3.init("espeak")
        engine.setProperty("rate", self.options.rate_wpm)
        if self.options.voice:
            engine.setProperty("voice", self.options.voice)
        return engine

    def _synthesize(self, text: str) -> np.ndarray:
        path = os.path.join(self._tmpdir, "say.wav")
        with self._lock:
            if self._engine is None:
                self._engine = self._init_engine()
            for _ in range(self.attempts):
                self._engine.save_to_file(text, path)
                self._engine.runAndWait()
                pcm = read_wav(path, SAMPLE_RATE) if os.path.exists(path) else np.zeros(0, np.int16)
                if len(pcm):
                    return pcm
        log.warning("pyttsx3 gave no audio for %r; using the espeak-ng command", text[:40])
        return espeak_cli(text, self.options, path)


def espeak_cli(text: str, options: TtsOptions, path: str) -> np.ndarray:
    args = ["espeak-ng", "-s", str(options.rate_wpm), "-w", path]
    if options.voice:
        args += ["-v", options.voice]
    subprocess.run([*args, text], check=True, capture_output=True)
    return read_wav(path, SAMPLE_RATE)


def trim_leading_silence(pcm: np.ndarray, keep_ms: int = 5) -> np.ndarray:
    """Drop the silence engines put before speech (it only adds latency)."""
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > SILENCE_LEVEL)
    if len(loud) == 0:
        return pcm
    start = max(0, int(loud[0]) - keep_ms * SAMPLE_RATE // 1000)
    return pcm[start:]


def make_synthesizer(options: TtsOptions) -> SpeechSynthesizer:
    if options.engine == "pyttsx3":
        return Pyttsx3Synthesizer(options)
    raise ValueError(f"unknown TTS engine {options.engine!r}")
