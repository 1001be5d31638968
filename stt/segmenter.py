"""Cuts the candidate's audio into utterances with Silero VAD.

The segmenter only reports what the audio does (speech started, paused,
resumed); when a pause becomes the end of a turn is `stt.turns`' decision.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

import numpy as np

from core.audio import SAMPLE_RATE, AudioChunk
from stt.vad import WINDOW_SAMPLES, SileroVad

WINDOW_MS = WINDOW_SAMPLES * 1000 / SAMPLE_RATE  # 32 ms


@dataclass(frozen=True)
class VadOptions:
    """Thresholds of the voice activity detector."""

    start_threshold: float = 0.5
    stop_threshold: float = 0.35
    min_speech_ms: int = 90  # voiced time before an utterance counts as started
    preroll_ms: int = 300  # audio kept from before the start, so no first syllable is lost


class SegmenterEvent(Enum):
    SPEECH_STARTED = "speech_started"
    SPEECH_PAUSED = "speech_paused"  # first silent window after speech
    SPEECH_RESUMED = "speech_resumed"


class SpeechSegmenter:
    """Feeds 20 ms chunks through the VAD and keeps the current utterance's audio."""

    def __init__(self, options: VadOptions | None = None, vad: SileroVad | None = None) -> None:
        self.options = options or VadOptions()
        self._vad = vad or SileroVad()
        self._preroll: deque[np.ndarray] = deque(maxlen=max(1, self.options.preroll_ms // 20))
        self._utterance: list[np.ndarray] = []
        self.in_utterance = False  # an utterance has started and not been taken
        self.speaking = False  # the last window was voiced
        self.speech_ms = 0.0  # voiced time in the current utterance
        self.silence_ms = 0.0  # unvoiced time since the last voiced window
        self.started_at = 0.0  # monotonic time of the utterance's first audio sample
        self.last_voice_at = 0.0  # monotonic time the last voiced window ended
        self._voiced_run_ms = 0.0
        self._last_chunk_ts = 0.0

    def push(self, chunk: AudioChunk) -> list[SegmenterEvent]:
        """Consume one chunk; return what changed."""
        self._last_chunk_ts = chunk.ts
        if self.in_utterance:
            self._utterance.append(chunk.pcm)
        else:
            self._preroll.append(chunk.pcm)
        events: list[SegmenterEvent] = []
        for prob in self._vad.push(chunk.pcm):
            events.extend(self._on_window(prob, chunk.ts))
        return events

    def _on_window(self, prob: float, ts: float) -> list[SegmenterEvent]:
        opts = self.options
        if not self.in_utterance:
            self._voiced_run_ms = self._voiced_run_ms + WINDOW_MS if prob >= opts.start_threshold else 0
            if self._voiced_run_ms >= opts.min_speech_ms:
                self._begin(ts)
                return [SegmenterEvent.SPEECH_STARTED]
            return []
        if self.speaking:
            if prob >= opts.stop_threshold:
                self.speech_ms += WINDOW_MS
                self.last_voice_at = ts
                return []
            self.speaking = False
            self.silence_ms = WINDOW_MS
            return [SegmenterEvent.SPEECH_PAUSED]
        if prob >= opts.start_threshold:
            self.speaking = True
            self.silence_ms = 0.0
            self.speech_ms += WINDOW_MS
            self.last_voice_at = ts
            return [SegmenterEvent.SPEECH_RESUMED]
        self.silence_ms += WINDOW_MS
        return []

    def _begin(self, ts: float) -> None:
        self.in_utterance = True
        self.speaking = True
        self.speech_ms = self._voiced_run_ms
        self.silence_ms = 0.0
        self._utterance = list(self._preroll)
        self._preroll.clear()
        self.started_at = ts + 0.02 - len(self._utterance) * 0.02
        self.last_voice_at = ts

    def audio(self) -> np.ndarray:
        """The current utterance so far, int16."""
        if not self._utterance:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate(self._utterance)

    def take(self) -> np.ndarray:
        """Return the utterance and start listening for the next one."""
        audio = self.audio()
        self.reset()
        return audio

    def reset(self) -> None:
        self._utterance = []
        self._preroll.clear()
        self.in_utterance = False
        self.speaking = False
        self.speech_ms = 0.0
        self.silence_ms = 0.0
        self._voiced_run_ms = 0.0
