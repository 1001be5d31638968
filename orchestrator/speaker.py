"""The interviewer's side of the voice loop: speaking a reply sentence by sentence,
stopping when the candidate talks over it (barge-in), and recording exactly what was
played. `VoiceAgent` (orchestrator/voice.py) listens and decides when to speak."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.events import event
from orchestrator.playback import Playback
from orchestrator.replies import Reply

if TYPE_CHECKING:
    from media.transport import Transport
    from orchestrator.attention import AttentionMonitor
    from orchestrator.session import InterviewSession
    from orchestrator.voice import VoiceOptions
    from stt.segmenter import SpeechSegmenter
    from tts.synth import SpeechSynthesizer


class Speaker:
    """Speaking, for `VoiceAgent`; the agent owns the state these methods share."""

    session: InterviewSession
    transport: Transport
    tts: SpeechSynthesizer
    voices: Callable[[str | None], SpeechSynthesizer]
    options: VoiceOptions
    segmenter: SpeechSegmenter
    attention: AttentionMonitor | None
    _playback: Playback | None
    _speak_task: asyncio.Task[None] | None
    _turn_task: asyncio.Task[None] | None
    _listening_since: float | None
    _prompted: bool

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        raise NotImplementedError

    async def stop_recording(self) -> None:
        raise NotImplementedError

    # -- speaking -------------------------------------------------------------
    def _speak(self, reply: Reply, speech_end: float | None = None) -> None:
        self._interrupt()
        playback = Playback(reply, speech_end_mono=speech_end)
        self._playback = playback
        if reply.kind != "prompt":
            self._prompted = False
        self._speak_task = asyncio.ensure_future(self._play(playback))

    async def _play(self, playback: Playback) -> None:
        # sentence by sentence as the interviewer produces them: speech starts on the first
        async for sentence in self.voices(playback.reply.voice).stream(playback.reply.chunks()):
            queued = self.transport.output.enqueue(sentence.pcm, playback.id, sentence.sample_rate)
            playback.add(sentence.text, queued)
            if playback.first_audio_mono is not None:  # already speaking: the caption grows
                self._caption(playback)
        if (question := self.session.current) is not None and playback.reply.kind != "followup":
            likely = (question.followups or {}).get("vague") or question.followup
            self.tts.prepare(likely)  # a likely next reply: ready before the answer ends
        await self.transport.output.drained()
        if self._playback is playback:
            self._playback = None
            await self._record_playback(playback, interrupted=False)

    def _barge_in(self) -> None:
        playback = self._playback
        assert playback is not None
        self._interrupt()
        resumed_after = self.segmenter.started_at - (playback.speech_end_mono or float("-inf"))
        if resumed_after < self.options.continuation_window_s:
            self._turn_task = self._spawn(self._reopen())

    async def _reopen(self) -> None:
        async with self.session.lock:
            await self.session.reopen_answer()

    def _interrupt(self) -> asyncio.Task | None:  # type: ignore[type-arg]
        """Stop the interviewer mid-sentence (barge-in); record what was played."""
        playback, self._playback = self._playback, None
        if playback is None:
            return None
        self.transport.output.clear()
        self._spawn(self.transport.clear())  # a phone provider flushes its own buffer too
        if self._speak_task is not None and not self._speak_task.done():
            self._speak_task.cancel()
        return self._spawn(self._record_playback(playback, interrupted=True))

    def _on_first_frame(self, utterance_id: str, mono: float) -> None:
        playback = self._playback
        if playback is None or playback.id != utterance_id:
            return
        playback.first_audio_mono = mono
        data: dict = {"state": "started", "kind": playback.reply.kind, "first_audio_at": mono}
        if playback.speech_end_mono is not None:
            data["reply_latency_ms"] = round((mono - playback.speech_end_mono) * 1000)
        self._spawn(self.session.emit(event("speaking", **data)))
        self._caption(playback)

    def _caption(self, playback: Playback) -> None:
        """Captions while it speaks; the final transcript (what was played) follows at the end."""
        caption = event(
            "transcript",
            speaker="interviewer",
            text=playback.text_so_far(),
            final=False,
            question_id=playback.reply.question_id,
        )
        self._spawn(self.session.emit(caption))

    async def _record_playback(self, playback: Playback, interrupted: bool) -> None:
        played = self.transport.output.played_samples(playback.id)
        text = playback.spoken_text(played) if interrupted else playback.text_so_far()
        start = self.session.elapsed(playback.first_audio_mono or time.monotonic())
        if text:
            await self.session.record(
                "interviewer",
                text,
                start,
                start + self.transport.output.played_seconds(playback.id),
                playback.reply.question_id,
                kind=playback.reply.kind,
                interrupted=interrupted,
            )
        await self.session.emit(event("speaking", state="stopped", interrupted=interrupted))
        if playback.reply.kind != "prompt" or self._listening_since is None:
            self._listening_since = time.monotonic()
        if playback.reply.ends_interview and not interrupted:
            self._spawn(self._finish())
        # a goodbye talked over is not the end: the candidate was still answering (the answer
        # is reopened) or has something to say; the interview closes again after that
        elif playback.reply.hangs_up and not interrupted:
            self._spawn(self._hang_up())

    async def _hang_up(self) -> None:
        await asyncio.sleep(self.options.close_delay_s)
        await self.transport.close()

    async def _finish(self) -> None:
        if self.attention is not None:
            await self.attention.flush()
        await self.stop_recording()  # the interview ends here: so does its recording
        await self.session.finish()
        await asyncio.sleep(self.options.close_delay_s)
        await self.transport.close()
