"""What lives for the whole process: the store, the bus, the engines, the live interviews."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
import weakref
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, TypeVar

from api.coding_sessions import configure_coding
from api.forward import WorkerRouter
from api.live_status import StatusFeed
from api.media import camera_expected, make_media_backend
from api.presence import advertise_url, announce_forever
from api.ratelimit import RateLimiter
from api.settings import Settings
from coding.sandbox import BubblewrapRunner
from coding.service import CodingService
from core.errors import (
    ConsentRequired,
    InterviewEnded,
    InterviewHeldElsewhere,
    LeaseLost,
    ModeMismatch,
    WrongMediaBackend,
)
from core.events import event, utc_now
from llm import LlmClient
from media.backend import CandidateJoin
from media.recordings import Recordings
from media.transport import Transport
from media.webrtc.transport import WebRtcTransport
from orchestrator.coding_session import CodingSession
from orchestrator.coding_voice import CodingVoiceAgent
from orchestrator.interviewer import ACKNOWLEDGEMENTS, make_interviewer
from orchestrator.lease_holder import HeldInterviews, HeldLease
from orchestrator.live import LiveFeed
from orchestrator.llm_grading import LlmGrader
from orchestrator.llm_interviewer import FallbackInterviewer, LlmInterviewer
from orchestrator.personas import load_personas
from orchestrator.refine_jobs import QUEUE as REFINE_QUEUE
from orchestrator.refine_jobs import RefineJobs
from orchestrator.replies import Reply
from orchestrator.session import InterviewSession
from orchestrator.voice import VoiceAgent
from store.accounts import AccountRepository
from store.backends import make_backends
from store.coding import CodingRepository
from store.db import make_session_factory
from store.queue import QueueOptions
from store.repository import InterviewRepository
from store.retention import RetentionRepository
from store.shares import ShareRepository
from store.webhooks import WebhookRepository
from store.workspace import WorkspaceRepository
from stt import smart_turn
from stt.models import served_name
from stt.refine import Refiner
from stt.whisper import WhisperEngine
from stt.worker import TranscriptionWorker
from tts.synth import SpeechSynthesizer, make_synthesizer
from vision.worker import VisionWorker
from workspace.accounts import AccountService
from workspace.candidates import FileSource
from workspace.retention import RetentionJob
from workspace.webhook_delivery import DeliveryWorker
from workspace.webhooks import SecretBox, WebhookNotifier

log = logging.getLogger(__name__)
VOICE_MODES = ("video", "audio", "phone", "coding")  # coding: the interviewer talks about the code
TYPED_MODES = ("chat", "practice")
T = TypeVar("T", bound=Transport)


def _load_grader() -> None:
    """The sentence-embedding model, before the first answer (without it, words are matched)."""
    from orchestrator.grading import embeddings

    try:
        embeddings.embedder().load()
    except Exception as exc:  # the grader says "lexical" in every grade it makes
        log.warning("answers will be graded by words, not meaning: %s", exc)


def make_refiner(settings: Settings) -> Refiner | None:
    """The accurate second pass, unless it is off or would be the live model again
    (base could not be assembled: tiny.en is then the fallback, and already live)."""
    options = settings.stt.accurate_options()
    if options is None:
        return None
    model = served_name(options.model)  # assembles base on first use (checksums verified)
    if model == served_name(settings.stt.model):
        log.warning("accurate pass off: %s is the live model already", model)
        return None
    return Refiner(lambda: WhisperEngine(options), model)


def new_worker_id() -> str:
    """Who this process is among the workers (its leases and live state carry it)."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


def load_secret_key(settings: Settings) -> str:
    """INTERVOX_SECRET_KEY, else a key generated once and kept in the data folder, so
    sessions survive restarts."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_path() / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


class Runtime:
    """One per process; handed to routes through a dependency."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        sessions = make_session_factory(settings.database_url)  # migrates the schema first
        self.repo = InterviewRepository(sessions)
        self.workspace = WorkspaceRepository(sessions)  # jobs, candidates, notes, the audit log
        secret_key = load_secret_key(settings)
        self.accounts = AccountService(AccountRepository(sessions), secret_key)
        # the recruiter's workspace: webhooks (outbox + delivery task), share links, retention
        self.secret_box = SecretBox(secret_key)
        self.webhooks = WebhookNotifier(WebhookRepository(sessions), settings.public_url or "")
        self.delivery = DeliveryWorker(
            self.webhooks.repo, self.secret_box, settings.webhooks.options(), self.webhooks.wake
        )
        self.shares = ShareRepository(sessions)
        # recordings live under this server's data folder; exports carry them, erasure and
        # retention delete them (wired here, per app, so apps with other folders never mix)
        self.recordings = Recordings(settings.data_path() / "recordings", video=settings.recording.video)
        self.file_sources: list[FileSource] = [self.recordings.files]
        self.retention = RetentionJob(
            RetentionRepository(sessions), settings.retention.days, recordings_hooks=[self.recordings.delete]
        )
        # coding interviews: tasks, code, the bubblewrap runner behind its queue (checked at start)
        runner = BubblewrapRunner(settings.coding.interpreters())
        self.coding = CodingService(CodingRepository(sessions), runner, settings.coding.options())
        self._background: list[asyncio.Task[None]] = []
        self.limiter = RateLimiter(settings.rate_limit.storage_url, enabled=settings.rate_limit.enabled)
        # what the processes serving interviews share (in-process, or Redis by INTERVOX_REDIS_URL):
        # the event bus, live session state, and the lease each worker drives an interview under
        self.backends = make_backends(settings.redis_url)
        self.media = make_media_backend(settings)  # aiortc, or LiveKit rooms (INTERVOX_MEDIA__BACKEND)
        self.bus = self.backends.bus
        self.worker_id = new_worker_id()
        # A worker is only sent an interview another worker holds when that one looked gone to the
        # API process (killed, frozen, unreachable): it waits for that lease to run out, then
        # resumes the interview here. An all-in-one server never waits (409 at once).
        patience_s = settings.lease_ttl_s + 1 if settings.role == "worker" else 0.0
        self.driving = HeldInterviews(
            self.backends.leases, self.repo, self.worker_id, settings.lease_ttl_s, patience_s
        )
        # `intervox api` runs no media: spoken interviews' requests go to a worker (api/forward.py)
        self.role = settings.role
        self.forwarder = (
            WorkerRouter(self.backends.workers, self.backends.leases, settings.limits.max_ws_message_bytes)
            if self.role == "api"
            else None
        )
        self.status_feed = StatusFeed(self.bus, self.webhooks)  # status changes: dashboards, webhooks
        self.interviewer = make_interviewer(settings.interviewer, settings.llm.options())
        if isinstance(self.interviewer, FallbackInterviewer):  # the LLM's per-step budgets
            self.interviewer.decide_timeout_s = settings.interview.decide_timeout_s
            self.interviewer.first_words_timeout_s = settings.interview.first_words_timeout_s
        # the interviewer's LLM also analyses the job and resume and grades the answers
        self.llm: LlmClient | None = None
        if isinstance(self.interviewer, FallbackInterviewer) and isinstance(
            self.interviewer.primary, LlmInterviewer
        ):
            self.llm = self.interviewer.primary.client
        self.llm_grader = LlmGrader(self.llm, settings.llm.timeout_s) if self.llm is not None else None
        self.stt: TranscriptionWorker | None = None
        self.refiner: Refiner | None = None  # the accurate second pass, when configured
        # its jobs (answers to transcribe again) in a queue that outlives the process with Redis
        refine_queue = self.backends.queue(REFINE_QUEUE, QueueOptions(visibility_s=120, max_len=128))
        self.refine_jobs = RefineJobs(refine_queue, self.repo, self.bus, self.worker_id)
        self.smart_turn: smart_turn.SmartTurn | None = None  # None: turns decided from the text alone
        self.tts: SpeechSynthesizer = make_synthesizer(settings.tts.options())
        self._voices: dict[str, SpeechSynthesizer] = {}
        self.vision: VisionWorker | None = None
        self.vision_status = "disabled"
        self._sessions: dict[str, InterviewSession] = {}
        # /health reads the database's state from a watcher with a thread of its own, so no
        # burst of requests queued on the shared pool can slow the health check down
        self._db_ok_at = 0.0
        self._db_watch: asyncio.Task[None] | None = None
        self._agents: dict[str, tuple[VoiceAgent, asyncio.Task[None]]] = {}
        self._session_lock = asyncio.Lock()
        # one login check at a time per account: parallel guesses each see the failures before them
        self.login_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def start(self) -> None:
        """Load the models before the first candidate arrives."""
        # Database calls, argon2 and model work share the default pool: make it wide enough
        # that a burst of requests cannot queue /health behind them.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(32, thread_name_prefix="io"))
        self._db_watch = asyncio.ensure_future(self._watch_db())
        self._background = [
            asyncio.ensure_future(self.delivery.run()),
            asyncio.ensure_future(self.retention.run(self.settings.retention.interval_s)),
        ]
        if self.settings.admin_email and self.settings.admin_password:
            await asyncio.to_thread(
                self.accounts.ensure_admin,
                self.settings.admin_email,
                self.settings.admin_password,
                self.settings.admin_org,
            )
        elif not await asyncio.to_thread(self.accounts.repo.any_user):
            log.warning(
                "no account exists yet: set INTERVOX_ADMIN_EMAIL and INTERVOX_ADMIN_PASSWORD, "
                "or run `intervox admin create --email ... --org ...`"
            )
        await self.coding.start()  # a trivial sandbox run per language: is coding possible here?
        if self.role == "api":
            return  # no models: the workers run the media
        engine = await asyncio.to_thread(WhisperEngine, self.settings.stt.options())
        await asyncio.to_thread(_load_grader)
        self.stt = TranscriptionWorker(engine, self.settings.stt.workers, self.settings.stt.max_pending)
        self.refiner = await asyncio.to_thread(make_refiner, self.settings)
        if self.refiner is not None:  # this process re-transcribes answers from the durable queue
            self._background.append(asyncio.ensure_future(self.refine_jobs.run(self.refiner)))
        if self.settings.turns.smart_turn:
            self.smart_turn = await asyncio.to_thread(smart_turn.load, self.settings.turns.smart_turn_model)
        # each voice loaded before the first hand-over, with the acknowledgements that open most
        # replies already made: a reply's first audio is then ready the moment the turn ends
        for voice in [self.tts, *(self.voice(p.voice) for p in load_personas())]:
            for sentence in ("Ready.", *ACKNOWLEDGEMENTS):
                await voice.synthesize_async(sentence)
        if self.settings.vision.enabled:
            await asyncio.to_thread(self._start_vision)
        if self.role == "worker":  # ready: API processes may send candidates here now
            url = advertise_url(self.settings.worker.advertise_url, self.settings.host, self.settings.port)
            beat = announce_forever(
                self.backends.workers,
                self.worker_id,
                url,
                self.settings.worker.heartbeat_s,
                lambda: self.voice_load,
            )
            self._background.append(asyncio.ensure_future(beat))
            log.info("worker %s announced at %s", self.worker_id, url)

    def _start_vision(self) -> None:
        """Vision is optional: without MediaPipe or the model, video interviews go on
        without attention signals, and /health says why."""
        try:
            from vision.analyzer import FaceAnalyzer
            from vision.model import face_landmarker_path

            path = face_landmarker_path(self.settings.vision.model_path)
            self.vision = VisionWorker(FaceAnalyzer(path, self.settings.vision.num_faces))
            self.vision_status = "ok"
        except Exception as exc:
            log.warning("vision unavailable: %s", exc)
            self.vision_status = f"unavailable: {exc}"

    def voice(self, name: str | None) -> SpeechSynthesizer:
        """A persona's voice (a preset of GET /api/v1/voices) with the configured engine, rate
        and volume; the configured voice when none is named or the engine has no presets."""
        if not name or self.settings.tts.engine != "piper" or name == self.settings.tts.voice:
            return self.tts
        if name not in self._voices:
            self._voices[name] = make_synthesizer(replace(self.settings.tts.options(), voice=name))
        return self._voices[name]

    async def _watch_db(self, every_s: float = 1.0) -> None:
        pool = ThreadPoolExecutor(1, thread_name_prefix="db-health")
        loop = asyncio.get_running_loop()
        try:
            while True:
                if await loop.run_in_executor(pool, self.repo.ping):
                    self._db_ok_at = time.monotonic()
                await asyncio.sleep(every_s)
        finally:
            pool.shutdown(wait=False)

    @property
    def db_ok(self) -> bool:
        """The database answered within the last few seconds."""
        return time.monotonic() - self._db_ok_at < 5.0

    async def stop(self) -> None:
        if self._db_watch is not None:
            self._db_watch.cancel()
        for task in self._background:
            task.cancel()
        if self._background:
            await asyncio.wait(self._background, timeout=5)
        for agent, task in list(self._agents.values()):
            await agent.transport.close()
            await asyncio.wait([task], timeout=5)
        if self.stt is not None:
            self.stt.close()
        if self.refiner is not None:
            self.refiner.close()
        if self.vision is not None:
            self.vision.close()
        self.coding.close()
        await self.driving.release_all()
        if self.forwarder is not None:
            await self.forwarder.close()
        await self.backends.close()

    async def session(self, interview_id: str) -> InterviewSession:
        """The live session of an interview (loaded from the store on first use)."""
        async with self._session_lock:
            cached = self._sessions.get(interview_id)
            if cached is not None and cached.finished and self.agent(interview_id) is None:
                del self._sessions[interview_id]  # a finished interview is read from the store
            if interview_id not in self._sessions:
                kind = CodingSession if await self._is_coding(interview_id) else InterviewSession
                session = await kind.load(
                    interview_id,
                    self.repo,
                    self.bus,
                    self.interviewer,
                    self.settings.scoring.use_attention,
                    max_followups=self.settings.interview.max_followups_per_question,
                )
                session.llm_grader = self.llm_grader
                session.on_lifecycle = self.status_feed
                session.live_feed = LiveFeed(session, self.backends.live, self.worker_id)
                if isinstance(session, CodingSession):  # the conversation is about the code
                    await configure_coding(session, self.coding, self.settings.coding)
                self._sessions[interview_id] = session
            return self._sessions[interview_id]

    async def _is_coding(self, interview_id: str) -> bool:
        interview = await asyncio.to_thread(self.repo.get, interview_id)
        return interview.mode == "coding"

    def cached_session(self, interview_id: str) -> InterviewSession | None:
        return self._sessions.get(interview_id)

    def agent(self, interview_id: str) -> VoiceAgent | None:
        entry = self._agents.get(interview_id)
        return entry[0] if entry and not entry[1].done() else None

    def evict(self, interview_id: str) -> None:
        """Forget a finished interview's live state (its record stays in the store)."""
        session = self._sessions.get(interview_id)
        if session is not None and session.finished and self.agent(interview_id) is None:
            del self._sessions[interview_id]

    @property
    def voice_load(self) -> int:
        """Spoken interviews this process drives now."""
        return sum(1 for _, task in self._agents.values() if not task.done())

    @property
    def live_sessions(self) -> int:
        return len(self._sessions)

    async def connect_webrtc(self, interview_id: str, sdp: str, type_: str) -> str:
        """Answer an offer; a newer connection replaces an older one (reconnect/resume).
        The interview starts when the media connects, not here."""
        if self.media.name != "aiortc":
            raise WrongMediaBackend("this server's interviews are LiveKit rooms: POST .../rtc/join")
        session = await self._media_session(interview_id)

        async def accept() -> WebRtcTransport:
            transport = WebRtcTransport(self.settings.webrtc.options())
            await transport.accept(sdp, type_)
            return transport

        transport = await self._attach_under_lease(session, accept)
        return str(transport.pc.localDescription.sdp)

    async def join_media(self, interview_id: str) -> CandidateJoin:
        """What the candidate's client connects with (rtc/join): with LiveKit the interviewer
        joins the room first; with aiortc nothing starts until the client posts its offer."""
        if self.media.name == "livekit":
            return await self.connect_livekit(interview_id)
        session = await self._media_session(interview_id)
        return self.media.candidate_join(session.id, camera=session.interview.mode == "video")

    async def connect_livekit(self, interview_id: str) -> CandidateJoin:
        """The interviewer joins the interview's LiveKit room (a newer join replaces an older
        connection, like a new offer); then the candidate gets a token for that room.
        The interview starts when the candidate's microphone arrives, not here."""
        from media.livekit.backend import LiveKitBackend  # the rtc SDK, only for this backend

        backend = self.media
        if not isinstance(backend, LiveKitBackend):
            raise WrongMediaBackend("this server's interviews use WebRTC offers: POST .../rtc/offer")
        session = await self._media_session(interview_id)
        camera = camera_expected(session.interview.mode, session.interview.consent)
        await self._attach_under_lease(
            session, lambda: backend.open_transport(session.id, expect_video=camera)
        )
        return backend.candidate_join(session.id, camera=session.interview.mode == "video")

    async def _attach_under_lease(
        self, session: InterviewSession, open_transport: Callable[[], Awaitable[T]]
    ) -> T:
        """Take the lease before any media (another worker may hold it), open the connection and
        run the interview over it; the agent then holds the lease, or nobody does."""
        held = await self._drive(session)
        try:
            transport = await open_transport()
            await self.attach(session, transport, held)
            return transport
        finally:
            self.driving.let_go(session.id, held)

    async def _media_session(self, interview_id: str) -> InterviewSession:
        """The session of an interview that may take media now (the offer's checks)."""
        session = await self.session(interview_id)
        if session.finished:
            raise InterviewEnded("this interview has already ended", {"status": session.status})
        if session.interview.mode not in VOICE_MODES:
            raise ModeMismatch(
                f"a {session.interview.mode} interview takes no media", {"mode": session.interview.mode}
            )
        if session.interview.consented_at is None:
            raise ConsentRequired("the candidate has not agreed to the recording yet (POST .../consent)")
        return session

    async def _drive(self, session: InterviewSession) -> HeldLease:
        """This worker's lease on the interview, its token on the session's writes
        (InterviewHeldElsewhere while another worker drives it)."""
        try:
            held = await self.driving.take(session.id, on_lost=lambda _: self._lost(session.id))
        except LeaseLost:  # another worker wrote since this one loaded it: load it again next time
            self._sessions.pop(session.id, None)
            raise
        session.fence = held.token
        return held

    async def _not_driven_elsewhere(self, interview_id: str) -> None:
        """Ending or cancelling an interview another server drives would leave two servers
        writing it: 409 until requests reach the server that holds it."""
        holder = await self.backends.leases.holder(interview_id)
        if holder is not None and holder.worker_id != self.worker_id:
            raise InterviewHeldElsewhere(
                "another server is running this interview", {"id": interview_id, "worker": holder.worker_id}
            )

    def _lost(self, interview_id: str) -> None:
        """Another worker took the interview over: stop driving it here, forget its state."""
        self._sessions.pop(interview_id, None)
        asyncio.ensure_future(self._replace_agent(interview_id))

    async def attach(
        self, session: InterviewSession, transport: Transport, held: HeldLease | None = None
    ) -> VoiceAgent:
        """Run the interview over this connection, under this worker's lease on it; a newer
        connection replaces an older one."""
        await self._replace_agent(session.id)
        assert self.stt is not None, "runtime not started"
        if held is None or held.lost.is_set():
            held = await self._drive(session)
        else:
            held = await self.driving.take(session.id)  # one more user of the same lease
        coding = isinstance(session, CodingSession)  # silence is the candidate working, not a pause
        agent = (CodingVoiceAgent if coding else VoiceAgent)(
            session,
            transport,
            self.stt,
            self.tts,
            replace(self.settings.turns.options(), connect_timeout_s=self.settings.webrtc.connect_timeout_s),
            vision=None if coding else self.vision,
            vision_fps=self.settings.vision.fps,
            beam_size=self.settings.stt.phone_beam_size if transport.kind == "phone" else None,
            voices=self.voice,
            refine=self.refine_jobs if self.refiner is not None else None,
            smart_turn=self.smart_turn,
            recordings=self.recordings if self.settings.recording.enabled else None,
        )
        session.live_stt_model = served_name(self.settings.stt.model)
        task = asyncio.ensure_future(agent.run())
        task.add_done_callback(lambda _: self._agent_done(session.id, held))
        self._agents[session.id] = (agent, task)
        return agent

    def _agent_done(self, interview_id: str, held: HeldLease) -> None:
        self.driving.let_go(interview_id, held)
        self.evict(interview_id)

    async def _replace_agent(self, interview_id: str) -> None:
        old = self._agents.pop(interview_id, None)
        if old is not None:
            await old[0].transport.close()
            await asyncio.wait([old[1]], timeout=5)

    async def text_turn(
        self, interview_id: str, text: str, skip: bool = False
    ) -> tuple[Reply, dict[str, Any] | None]:
        """Chat mode: a typed message in, the interviewer's reply (and the report at the end) out."""
        session = await self.session(interview_id)
        if session.interview.mode not in TYPED_MODES:
            raise ModeMismatch(
                "typed answers are for chat interviews; this one is spoken", {"mode": session.interview.mode}
            )
        async with session.lock:
            if session.status == "scheduled":
                reply = await session.start()
            elif skip:
                reply = await session.request_next()
            else:
                reply = await session.answer(text)
            said = await reply.full_text()
            now = session.elapsed()
            await session.record("interviewer", said, now, now, reply.question_id, kind=reply.kind)
        report = await session.finish() if reply.ends_interview else None
        if report is not None:
            self.evict(interview_id)
        return reply, report

    async def end(self, interview_id: str) -> dict[str, Any]:
        """End a started interview now (its report is written); a finished one answers with
        its report, a scheduled or cancelled one cannot be ended."""
        await self._not_driven_elsewhere(interview_id)
        session = await self.session(interview_id)
        if session.status in ("scheduled", "cancelled"):
            raise InterviewEnded(f"this interview is {session.status}", {"status": session.status})
        agent = self.agent(interview_id)
        if agent is not None and agent.attention is not None:
            await agent.attention.flush()
        if agent is not None:
            await agent.stop_recording()  # the recording ends with the interview, not the report
        report = await session.finish(reason="ended_by_request")
        await self._replace_agent(interview_id)
        self.evict(interview_id)
        return report

    async def cancel(self, interview_id: str) -> None:
        """A recruiter calls the interview off: the candidate is told, the media closes."""
        await self._not_driven_elsewhere(interview_id)
        session = await self.session(interview_id)
        if session.finished:
            raise InterviewEnded("this interview has already ended", {"status": session.status})
        await session.update(status="cancelled", phase="completed", ended_at=utc_now())
        await self.status_feed.publish(session.interview)
        await session.emit(event("interview_ended", reason="cancelled"))
        await session.flush_events()
        await self._replace_agent(interview_id)
        self.evict(interview_id)

    async def attach_resume(self, interview_id: str, text: str) -> dict[str, Any]:
        """Keep the resume (personal lines redacted) and its analysis; a plan not yet started
        is made again from it."""
        from api.planning import analysis_with_llm, replan_with_resume

        session = self.cached_session(interview_id)
        interview = await asyncio.to_thread(self.repo.get, interview_id)
        llm_analysis = None
        if self.llm is not None:
            llm_analysis = await analysis_with_llm(
                self.llm,
                text,
                interview.job_description,
                interview.role,
                interview.level,
                interview.skills,
                self.settings.llm.timeout_s,
                names=[interview.candidate_name],
            )
        analysis = await asyncio.to_thread(
            replan_with_resume, self.repo, interview, text, self.settings, llm_analysis
        )
        if session is not None and not session.finished:
            session.interview.resume_text, session.interview.analysis = interview.resume_text, analysis
            if session.status == "scheduled":
                session.questions = await asyncio.to_thread(self.repo.questions, interview_id)
        return analysis

    async def delete(self, interview_id: str) -> None:
        """Everything about the interview, live state and recording files included."""
        await self._replace_agent(interview_id)  # a live recording is closed first
        self._sessions.pop(interview_id, None)
        await asyncio.to_thread(self.recordings.delete, interview_id)
        await asyncio.to_thread(self.repo.delete, interview_id)
