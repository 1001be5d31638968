"""What lives for the whole process: the store, the bus, the engines, the live interviews."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from api.settings import Settings
from core.errors import InterviewEnded
from media.transport import Transport
from media.webrtc.transport import WebRtcTransport
from orchestrator.interviewer import make_interviewer
from orchestrator.session import InterviewSession, Reply
from orchestrator.voice import VoiceAgent
from store.bus import InProcessBus
from store.db import make_session_factory
from store.repository import InterviewRepository
from stt.whisper import WhisperEngine
from stt.worker import TranscriptionWorker
from tts.synth import SpeechSynthesizer, make_synthesizer
from vision.worker import VisionWorker

log = logging.getLogger(__name__)


class Runtime:
    """One per process; handed to routes through a dependency."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.repo = InterviewRepository(make_session_factory(settings.database_url))
        self.bus = InProcessBus()
        self.interviewer = make_interviewer(settings.interviewer)
        self.stt: TranscriptionWorker | None = None
        self.tts: SpeechSynthesizer = make_synthesizer(settings.tts.options())
        self.vision: VisionWorker | None = None
        self.vision_status = "disabled"
        self._sessions: dict[str, InterviewSession] = {}
        self._agents: dict[str, tuple[VoiceAgent, asyncio.Task[None]]] = {}
        self._session_lock = asyncio.Lock()

    async def start(self) -> None:
        """Load the models before the first candidate arrives."""
        engine = await asyncio.to_thread(WhisperEngine, self.settings.stt.options())
        self.stt = TranscriptionWorker(engine, self.settings.stt.workers, self.settings.stt.max_pending)
        await self.tts.synthesize_async("Ready.")
        if self.settings.vision.enabled:
            await asyncio.to_thread(self._start_vision)

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

    async def stop(self) -> None:
        for agent, task in list(self._agents.values()):
            await agent.transport.close()
            await asyncio.wait([task], timeout=5)
        if self.stt is not None:
            self.stt.close()
        if self.vision is not None:
            self.vision.close()

    async def session(self, interview_id: str) -> InterviewSession:
        """The live session of an interview (loaded from the store on first use)."""
        async with self._session_lock:
            if interview_id not in self._sessions:
                self._sessions[interview_id] = await InterviewSession.load(
                    interview_id, self.repo, self.bus, self.interviewer, self.settings.scoring.use_attention
                )
            return self._sessions[interview_id]

    def cached_session(self, interview_id: str) -> InterviewSession | None:
        return self._sessions.get(interview_id)

    def agent(self, interview_id: str) -> VoiceAgent | None:
        entry = self._agents.get(interview_id)
        return entry[0] if entry and not entry[1].done() else None

    async def connect_webrtc(self, interview_id: str, sdp: str, type_: str) -> str:
        """Answer an offer; a newer connection replaces an older one (reconnect/resume)."""
        session = await self.session(interview_id)
        if session.finished:
            raise InterviewEnded("this interview has already ended", {"status": session.status})
        transport = WebRtcTransport(self.settings.webrtc.options())
        answer = await transport.accept(sdp, type_)
        await self.attach(session, transport)
        return answer.sdp

    async def attach(self, session: InterviewSession, transport: Transport) -> VoiceAgent:
        """Run the interview over this connection; a newer one replaces an older one."""
        await self._replace_agent(session.id)
        assert self.stt is not None, "runtime not started"
        agent = VoiceAgent(
            session,
            transport,
            self.stt,
            self.tts,
            self.settings.turns.options(),
            vision=self.vision,
            vision_fps=self.settings.vision.fps,
            beam_size=self.settings.stt.phone_beam_size if transport.kind == "phone" else None,
        )
        self._agents[session.id] = (agent, asyncio.ensure_future(agent.run()))
        return agent

    async def _replace_agent(self, interview_id: str) -> None:
        old = self._agents.pop(interview_id, None)
        if old is not None:
            await old[0].transport.close()
            await asyncio.wait([old[1]], timeout=5)

    async def text_turn(self, interview_id: str, text: str) -> tuple[Reply, dict[str, Any] | None]:
        """Chat mode: a typed message in, the interviewer's reply (and the report at the end) out."""
        session = await self.session(interview_id)
        async with session.lock:
            if session.status == "scheduled":
                reply = await session.start()
            else:
                reply = await session.answer(text)
            now = session.elapsed()
            await session.record("interviewer", reply.text, now, now, reply.question_id, kind=reply.kind)
        report = await session.finish() if reply.ends_interview else None
        return reply, report

    async def end(self, interview_id: str) -> dict[str, Any]:
        session = await self.session(interview_id)
        agent = self.agent(interview_id)
        if agent is not None and agent.attention is not None:
            await agent.attention.flush()
        report = await session.finish(reason="ended_by_request")
        await self._replace_agent(interview_id)
        return report
