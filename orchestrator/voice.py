"""The voice loop of one interview: candidate audio in, the interviewer's voice out.

Follow one turn: `_on_chunk` feeds the VAD segmenter; at the first silent
window Whisper and Smart Turn start on the utterance speculatively; when the
silence has lasted as long as the end-of-turn policy (`stt.turns.EndOfTurn`)
asks for that transcript and probability, the answer goes to the session,
and the reply is synthesised sentence by sentence into the transport's output.
Candidate speech while the interviewer talks stops playback (barge-in) and
only the words played are recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.audio import SAMPLE_RATE, AudioChunk
from core.errors import EngineBusy, InterviewEnded, ModeMismatch
from core.events import ClientMessage, event, utc_now
from media.recordings import Recordings
from media.transport import Transport
from orchestrator import consent
from orchestrator.attention import AttentionMonitor
from orchestrator.playback import Playback
from orchestrator.recording import LiveRecording
from orchestrator.refine_jobs import RefineJob, RefineJobs
from orchestrator.replies import Reply
from orchestrator.session import InterviewSession
from orchestrator.speaker import Speaker
from store.bus import Subscription
from store.models import SegmentRow
from stt.segmenter import SegmenterEvent, SpeechSegmenter, VadOptions
from stt.smart_turn import SmartTurn, TurnProbability
from stt.turns import EndOfTurn, TurnOptions
from stt.whisper import Transcript
from stt.worker import TranscriptionWorker
from tts.synth import SpeechSynthesizer
from vision.worker import VisionWorker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceOptions:
    turns: TurnOptions = field(default_factory=TurnOptions)
    vad: VadOptions = field(default_factory=VadOptions)
    silence_prompt_s: float = 12.0  # no answer at all: a gentle prompt
    silence_skip_s: float = 30.0  # still nothing: move on
    time_update_s: float = 30.0
    close_delay_s: float = 1.0  # after the goodbye, before hanging up
    # Candidate speech this soon after the end of their answer, over the reply,
    # continues that answer: the interviewer took the turn too early.
    continuation_window_s: float = 4.0
    # phone calls only: after this long without a word from the caller, say goodbye
    # and hang up (the interview stays open; calling back resumes it)
    phone_hangup_after_s: float = 90.0
    connect_timeout_s: float = 20.0  # media not connected by then: the connection is closed
    consent_wait_s: float = 30.0  # a phone caller's answer to the consent notice


@dataclass
class _Speculation:
    samples: int
    task: asyncio.Task[Transcript]
    turn: asyncio.Task[TurnProbability] | None = None  # Smart Turn's probability, when loaded


def _result(task: asyncio.Task[TurnProbability] | None) -> TurnProbability | None:
    if task is None or not task.done() or task.cancelled() or task.exception() is not None:
        return None
    return task.result()


class VoiceAgent(Speaker):
    """Runs one interview over one transport until either ends."""

    def __init__(
        self,
        session: InterviewSession,
        transport: Transport,
        stt: TranscriptionWorker,
        tts: SpeechSynthesizer,
        options: VoiceOptions | None = None,
        vision: VisionWorker | None = None,
        vision_fps: float = 4.0,
        beam_size: int | None = None,
        voices: Callable[[str | None], SpeechSynthesizer] | None = None,
        refine: RefineJobs | None = None,
        smart_turn: SmartTurn | None = None,
        recordings: Recordings | None = None,
    ) -> None:
        self.beam_size = beam_size  # narrow-band phone audio is worth a wider beam
        self.refine = refine  # the accurate second pass over each finished answer (a durable queue)
        self.session, self.transport, self.stt, self.tts = session, transport, stt, tts
        self.voices = voices or (lambda _voice: tts)  # a persona's voice, or the configured one
        self.options = options or VoiceOptions()
        self.segmenter = SpeechSegmenter(self.options.vad)
        self._spec: _Speculation | None = None
        self.smart_turn = smart_turn  # None: the transcript alone decides the end of a turn
        self._audio_s = 0.0
        self.turn = EndOfTurn(
            self.options.turns, clock=lambda: self._audio_s, use_model=smart_turn is not None
        )
        self._turn_metrics: dict[str, object] = {}
        self._playback: Playback | None = None
        self._speak_task: asyncio.Task[None] | None = None
        self._turn_task: asyncio.Task[None] | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._forwarder: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._listening_since: float | None = None
        self._last_candidate_speech = time.monotonic()
        self._prompted = False
        self.finished = asyncio.Event()
        self.attention: AttentionMonitor | None = None
        camera_agreed = bool((session.interview.consent or {}).get("camera_analysis"))
        if vision is not None and transport.has_video and session.interview.mode == "video" and camera_agreed:
            self.attention = AttentionMonitor(
                session, transport, vision, vision_fps, answering=lambda: self._playback is None
            )
        self._watcher: asyncio.Task[None] | None = None
        self._opening: asyncio.Task[None] | None = None
        self._consent: asyncio.Queue[bool | None] | None = None  # a phone caller's answers, while asked
        # both voices to disk while the interview runs (None: recordings are off)
        self.recording = LiveRecording(recordings, session, transport) if recordings is not None else None
        transport.output.on_first_frame = self._on_first_frame
        transport.on_client_message = self._on_client_message

    # -- lifecycle ----------------------------------------------------------
    async def run(self) -> None:
        # Subscribe before the session speaks, so the client sees its first events; the
        # candidate's channel carries candidate-safe events only (no scores, no attention).
        events = self.session.bus.subscribe(self.session.id, "candidate")
        await self.transport.send_event(event("connected", interview_id=self.session.id))
        self._forwarder = self._spawn(self._forward_events(events))
        try:
            if not await self._connected():
                return
            self._opening = self._spawn(self._open())
            async for chunk in self.transport.audio_chunks():
                self._on_chunk(chunk)
        finally:
            await self._stop()

    async def _connected(self) -> bool:
        """The interview starts when media flows, not at the offer; an abandoned offer is closed."""
        waits = [asyncio.ensure_future(e.wait()) for e in (self.transport.connected, self.transport.closed)]
        await asyncio.wait(waits, timeout=self.options.connect_timeout_s, return_when=asyncio.FIRST_COMPLETED)
        for wait in waits:
            wait.cancel()
        if not self.transport.connected.is_set() and not self.transport.closed.is_set():
            log.info("interview %s: media did not connect in time; closing", self.session.id)
        return self.transport.connected.is_set() and not self.transport.closed.is_set()

    async def _open(self) -> None:
        """Ask a phone caller for consent when none is recorded, then start (or resume)."""
        needs_consent = self.transport.kind == "phone" and self.session.interview.consented_at is None
        if needs_consent:
            self.session.restart_clock()  # the call's transcript counts from its first words
        if needs_consent and not await self._ask_consent():
            self._speak(Reply("closing", None, text=consent.DECLINED, hangs_up=True))
            return
        try:
            async with self.session.lock:
                reply = await self.session.start()
        except InterviewEnded:
            await self.transport.send_event(event("error", code="INTERVIEW_ENDED", message="already ended"))
            await self.transport.close()
            return
        if self.recording is not None:
            self.recording.begin()  # the clock is settled: the part's offset on it is exact
        self._speak(reply)
        self._ticker = self._spawn(self._tick())
        if self.attention is not None:
            self._watcher = self._spawn(self.attention.run())

    async def _ask_consent(self) -> bool:
        """The notice, then keypad 1 or a spoken yes (stored), a no, or three prompts without a
        clear answer. Each wait starts when the prompt has been played."""
        self._consent = asyncio.Queue()
        try:
            for notice in (consent.NOTICE, consent.AGAIN, consent.AGAIN):
                self._speak(Reply("prompt", None, text=notice))
                if self._speak_task is not None:
                    await asyncio.wait([self._speak_task])  # played, or cut short by the caller
                try:
                    verdict = await asyncio.wait_for(self._consent.get(), self.options.consent_wait_s)
                except TimeoutError:
                    continue
                if verdict is None:  # unclear: the next prompt asks again
                    continue
                if verdict:
                    await self.session.update(consent=dict(consent.PHONE_CONSENT), consented_at=utc_now())
                return verdict
            return False
        finally:
            self._consent = None

    def _decide_consent(self, verdict: bool | None) -> None:
        if self._consent is not None:
            self._consent.put_nowait(verdict)

    @property
    def _awaiting_consent(self) -> bool:
        return self._consent is not None

    async def stop_recording(self) -> None:
        if self.recording is not None:
            await self.recording.stop()

    async def _stop(self) -> None:
        recording = self._interrupt()
        if recording is not None:
            await recording
        await self.stop_recording()
        await self._keep_partial_answer()
        if self.attention is not None:
            await self.attention.flush()
        tasks = (
            self._opening,
            self._speak_task,
            self._turn_task,
            self._ticker,
            self._forwarder,
            self._watcher,
        )
        for task in tasks:
            if task is not None and not task.done():
                task.cancel()
        await self.transport.close()
        self.finished.set()

    def _spawn(self, coro) -> asyncio.Task:  # type: ignore[no-untyped-def,type-arg]
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _forward_events(self, events: Subscription) -> None:
        async with events:
            async for ev in events:
                await self.transport.send_event(ev)

    # -- listening ------------------------------------------------------------
    def _on_chunk(self, chunk: AudioChunk) -> None:
        self._audio_s += len(chunk.pcm) / SAMPLE_RATE  # the end-of-turn clock: audio time
        for change in self.segmenter.push(chunk):
            if change is SegmenterEvent.SPEECH_STARTED:
                self._listening_since = None
                self._last_candidate_speech = time.monotonic()
                self.turn.started()
            elif change is SegmenterEvent.SPEECH_PAUSED:
                self.turn.paused(self.segmenter.silence_ms)
                self._speculate()
            elif change is SegmenterEvent.SPEECH_RESUMED:
                self.turn.resumed()
                self._drop_speculation()  # the answer goes on; that guess is stale
        if not self.segmenter.in_utterance:
            return
        if (
            self._playback is not None
            and self.segmenter.speech_ms >= self.options.turns.barge_in_min_speech_ms
        ):
            self._barge_in()
        if not self.segmenter.speaking:
            self._maybe_end_turn()

    def _speculate(self) -> None:
        """At the first silent window: Whisper and Smart Turn on the utterance so far, both
        speculative (dropped if the candidate goes on)."""
        audio = self.segmenter.audio()
        job = self.stt.transcribe(audio, self.beam_size, key=self.session.id)  # replaces a queued guess
        task = asyncio.ensure_future(job)
        turn = asyncio.ensure_future(self.smart_turn.probability(audio)) if self.smart_turn else None
        spec = _Speculation(len(audio), task, turn)
        task.add_done_callback(lambda _: self._show_partial(spec))
        if turn is not None:
            turn.add_done_callback(lambda _: self._on_turn_probability(spec))
        self._spec = spec

    def _drop_speculation(self) -> None:
        spec, self._spec = self._spec, None
        if spec is None:
            return
        spec.task.cancel()  # a transcription still queued is never run
        if spec.turn is not None:
            spec.turn.cancel()  # nor a Smart Turn call not started yet

    def _on_turn_probability(self, spec: _Speculation) -> None:
        if spec is not self._spec or spec.turn is None or spec.turn.cancelled():
            return
        if (result := _result(spec.turn)) is not None:
            self.turn.scored(result.probability)
        else:  # the transcript alone decides this pause
            log.warning("smart turn failed", exc_info=spec.turn.exception())

    def _show_partial(self, spec: _Speculation) -> None:
        """Live captions: the speculative text, before the turn is decided."""
        if spec is not self._spec or spec.task.cancelled() or spec.task.exception() is not None:
            return
        text = spec.task.result().text
        self.turn.heard(text)
        if text:
            self._spawn(self.session.emit(event("transcript", speaker="candidate", text=text, final=False)))
            if not self._awaiting_consent:
                self.session.prepare(text)  # grade now: if these words end the turn, the reply is quicker

    def _maybe_end_turn(self) -> None:
        spec = self._spec
        if spec is None or not spec.task.done():
            return
        if spec.task.exception() is not None:
            if not isinstance(spec.task.exception(), EngineBusy):
                log.error("transcription failed", exc_info=spec.task.exception())
            self._speculate()  # try again with what we have now
            return
        transcript = spec.task.result()
        if transcript.empty:
            if self.segmenter.silence_ms >= self.options.turns.complete_silence_ms:
                self.segmenter.reset()  # noise or a cough: not an answer
                self._drop_speculation()
                self._listening_since = time.monotonic()
            return
        decision = self.turn.end_now()
        if decision is None:
            return
        turn = _result(spec.turn)
        self._turn_metrics = {
            "smart_turn_prob": None if turn is None else round(turn.probability, 3),
            "smart_turn_ms": None if turn is None else round(turn.compute_ms, 1),
            "required_silence_ms": decision.required_silence_ms,
            "text_ending": decision.text_ending,
            "turn_reason": decision.reason,
        }
        self._end_turn(transcript)

    def _end_turn(self, transcript: Transcript) -> None:
        seg = self.segmenter
        start = self.session.elapsed(seg.started_at)
        end = self.session.elapsed(seg.last_voice_at)
        speech_end = seg.last_voice_at
        words = [
            {
                "word": w.text,
                "start": round(start + w.start, 3),
                "end": round(start + w.end, 3),
                "probability": round(w.probability, 3),
            }
            for w in transcript.words
        ]
        audio = seg.audio()  # kept for the accurate second pass
        seg.reset()
        self._spec = None
        self._prompted = False
        metrics = {
            "end_of_turn_ms": round((time.monotonic() - speech_end) * 1000),
            "stt_ms": round(transcript.compute_ms),
            "stt_fast_path": transcript.fast_path,
            "speech_end_at": speech_end,  # time.monotonic(), for a client on this machine
            **self._turn_metrics,
        }
        self._turn_task = self._spawn(
            self._respond(transcript.text, start, end, words, speech_end, metrics, audio)
        )

    async def _respond(
        self,
        text: str,
        start: float,
        end: float,
        words: list[dict],
        speech_end: float,
        metrics: dict,
        audio: np.ndarray | None = None,
    ) -> None:
        if self._awaiting_consent:  # the caller's answer to the consent notice, not an interview answer
            self._decide_consent(consent.consent_from_speech(text))
            return
        await self.session.emit(event("thinking", metrics=metrics))
        try:
            async with self.session.lock:
                reply = await self.session.answer(text, start, end, words)
                answered = self.session.last_answer
        except InterviewEnded:
            return
        self._speak(reply, speech_end)
        self._refine(answered, audio)

    def _refine(self, segment: SegmentRow | None, audio: np.ndarray | None) -> None:
        """Hand a stored answer to the accurate pass; its text replaces the fast one's later."""
        if self.refine is None or segment is None or audio is None or segment.id is None:
            return
        self.session.expect_revision(segment)
        job = RefineJob(self.session.id, segment.id, segment.start, self.beam_size, audio)
        self._spawn(self._queue_refinement(job))

    async def _queue_refinement(self, job: RefineJob) -> None:
        assert self.refine is not None
        try:
            await self.refine.submit(job)
        except Exception as exc:  # queue full or unreachable: the fast text stays
            log.warning("interview %s: answer not re-transcribed (%s)", self.session.id, exc)
            self.session.revisions.failed(job.segment_id)

    async def _keep_partial_answer(self) -> None:
        """The connection ended mid-answer: store what was said so far."""
        if not self.segmenter.in_utterance or self.segmenter.speech_ms < 300 or self.session.finished:
            return
        start = self.session.elapsed(self.segmenter.started_at)
        audio = self.segmenter.take()
        with contextlib.suppress(Exception):
            transcript = await self.stt.transcribe(audio, self.beam_size, key=self.session.id)
            if not transcript.empty and self.session.current is not None:
                row = await self.session.record(
                    "candidate",
                    transcript.text,
                    start,
                    start + len(audio) / 16000,
                    self.session.current.question_id,
                )
                self._refine(row, audio)

    # -- timers and client messages -------------------------------------------
    async def _tick(self) -> None:
        last_time_update = time.monotonic()
        while not self.session.finished:
            await asyncio.sleep(0.5)
            now = time.monotonic()
            if now - last_time_update >= self.options.time_update_s:
                last_time_update = now
                await self.session.emit(self.session.time_event())
            await self._check_silence(now)

    async def _check_silence(self, now: float) -> None:
        if self._listening_since is None or self._playback is not None or self.segmenter.in_utterance:
            return
        if self._turn_task is not None and not self._turn_task.done():
            return
        silent = now - self._listening_since
        if (
            self.transport.kind == "phone"
            and now - self._last_candidate_speech >= self.options.phone_hangup_after_s
        ):
            self._listening_since = None
            self._speak(self.session.goodbye_for_now())
        elif silent >= self.options.silence_skip_s:
            self._listening_since = None
            async with self.session.lock:
                reply = await self.session.skip()
            self._speak(reply)
        elif silent >= self.options.silence_prompt_s and not self._prompted:
            self._prompted = True
            self._speak(self.session.prompt())

    async def _request_next(self) -> None:
        """The candidate asked (by button) to move on: recorded as skipped, not as a weak answer."""
        async with self.session.lock:
            reply = await self.session.request_next()
        self._speak(reply)

    async def _repeat(self) -> None:
        async with self.session.lock:
            reply = self.session.repeat()
        if reply.question_id is not None:
            self._speak(reply)

    def answer_text(self, text: str) -> None:
        """Typed answers do not count in a spoken interview: nothing is scored."""
        raise ModeMismatch("this interview is spoken: answer out loud", {"mode": self.session.interview.mode})

    def _on_client_message(self, message: ClientMessage) -> None:
        if message.type == "answer":
            error = event(
                "error", code=ModeMismatch.code, message="this interview is spoken: answer out loud"
            )
            self._spawn(self.transport.send_event(error))
        elif message.type == "repeat" and self._awaiting_consent:
            self._decide_consent(consent.consent_from_digit(str(message.data.get("dtmf", ""))))
        elif message.type == "repeat":
            self._turn_task = self._spawn(self._repeat())
        elif message.type == "request_next":
            self._turn_task = self._spawn(self._request_next())
        elif message.type == "end":
            self._spawn(self._finish())
