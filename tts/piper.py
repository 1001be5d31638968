"""Piper (VITS on ONNX Runtime): the interviewer's neural voice, with espeak-ng behind it.

The model loads on first use, in the synthesis thread. If it cannot load, or a
sentence fails, that sentence is spoken by espeak-ng instead (logged; never
silence) and `status` says "degraded" until Piper speaks again.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import numpy as np

from tts.synth import Pyttsx3Synthesizer, Speech, SpeechSynthesizer, TtsOptions, fallback_for
from tts.voices import MODELS, VoicePreset, resolve

log = logging.getLogger(__name__)


class PiperSynthesizer(SpeechSynthesizer):
    """One Piper voice preset; sentences at the model's rate (22,050 Hz), pitch as a rate label."""

    name = "piper"

    def __init__(self, options: TtsOptions | None = None, preset: VoicePreset | None = None) -> None:
        super().__init__(options)
        self.preset = preset or resolve("piper", self.options.voice)
        self._voice: Any = None
        self._config: Any = None
        self._load_lock = threading.Lock()
        self.unavailable: str | None = None  # why Piper cannot be used at all
        self.failures = 0
        self._last_failed = False
        self._fallback: Pyttsx3Synthesizer | None = None

    @property
    def status(self) -> str:
        if self.unavailable is not None or self._last_failed:
            return "degraded"
        return super().status

    def load(self) -> None:
        """Load the model now (blocking; the first sentence does it otherwise)."""
        with self._load_lock:
            if self._voice is not None or self.unavailable is not None:
                return
            try:
                self._voice, self._config = self._load_voice()
            except Exception as exc:  # missing package or model, a broken ONNX file, ...
                self.unavailable = f"{type(exc).__name__}: {exc}"
                log.warning("Piper unavailable (%s); speaking with espeak-ng", self.unavailable)

    def _load_voice(self) -> tuple[Any, Any]:
        import onnxruntime
        from piper import PiperConfig, PiperVoice, SynthesisConfig

        model = MODELS[self.preset.model]
        model_path, config_path = model.paths()
        # PiperVoice.load would size ONNX Runtime's thread pool to the machine; Whisper shares it
        session_options = onnxruntime.SessionOptions()
        session_options.intra_op_num_threads = self.options.cpu_threads
        session_options.inter_op_num_threads = 1
        voice = PiperVoice(
            session=onnxruntime.InferenceSession(
                str(model_path), sess_options=session_options, providers=["CPUExecutionProvider"]
            ),
            config=PiperConfig.from_dict(json.loads(config_path.read_text(encoding="utf-8"))),
        )
        # rate_wpm is the pace heard; pitch relabels the rate, which stretches time by 1/pitch
        pace = model.natural_wpm / self.options.rate_wpm
        length_scale = pace * self.preset.length_scale * self.preset.pitch
        config = SynthesisConfig(
            speaker_id=self.preset.speaker_id,
            length_scale=length_scale,
            noise_scale=self.preset.noise_scale,
            noise_w_scale=self.preset.noise_w,
        )
        return voice, config

    def _synthesize(self, text: str) -> Speech:
        self.load()
        if self._voice is not None:
            try:
                speech = self._piper(text)
                self._last_failed = False
                return speech
            except Exception:
                self.failures += 1
                log.exception("Piper failed on %r; this sentence is spoken by espeak-ng", text[:60])
        self._last_failed = True
        return self._espeak(text)

    def _piper(self, text: str) -> Speech:
        chunks = [c.audio_int16_array for c in self._voice.synthesize(text, self._config)]
        pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        if len(pcm) == 0 and any(ch.isalnum() for ch in text):
            raise RuntimeError("Piper produced no audio")
        rate = int(round(self._voice.config.sample_rate * self.preset.pitch))
        return Speech(pcm, rate, self.name)

    def _espeak(self, text: str) -> Speech:
        if self._fallback is None:
            self._fallback = fallback_for(self.options, self.preset)
        return self._fallback._synthesize(text)
