"""The voice loop's listening part with scripted VAD, Whisper and Smart Turn (fast; the
real engines run in tests/e2e): when it ends a turn, what it reports, barge-in."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import numpy as np

from core.audio import AudioChunk
from orchestrator.voice import VoiceAgent
from stt.segmenter import SegmenterEvent
from stt.smart_turn import TurnProbability
from stt.turns import TurnOptions
from stt.whisper import Transcript

CHUNK = np.zeros(320, dtype=np.int16)
FAST = TurnOptions().confident_silence_ms  # 300 ms by default


class ScriptedSegmenter:
    """Stands in for SpeechSegmenter: each chunk's VAD verdict comes from the test."""

    def __init__(self) -> None:
        self.voiced = False
        self.reset()
        self.started_at = self.last_voice_at = 0.0

    def push(self, chunk: AudioChunk) -> list[SegmenterEvent]:
        if self.voiced:
            self.speech_ms += 20
            self.last_voice_at = chunk.ts
            if not self.in_utterance:
                self.in_utterance = self.speaking = True
                self.started_at = chunk.ts
                return [SegmenterEvent.SPEECH_STARTED]
            if not self.speaking:
                self.speaking, self.silence_ms = True, 0.0
                return [SegmenterEvent.SPEECH_RESUMED]
            return []
        if self.in_utterance and self.speaking:
            self.speaking, self.silence_ms = False, 20.0
            return [SegmenterEvent.SPEECH_PAUSED]
        self.silence_ms += 20
        return []

    def audio(self) -> np.ndarray:
        return np.zeros(int(self.speech_ms * 16), dtype=np.int16)

    def reset(self) -> None:
        self.in_utterance = self.speaking = False
        self.speech_ms = self.silence_ms = 0.0


class ScriptedStt:
    def __init__(self, text: str) -> None:
        self.text, self.calls = text, 0

    async def transcribe(self, pcm: np.ndarray, beam_size: int | None = None, key: str = "") -> Transcript:
        self.calls += 1
        await asyncio.sleep(0)
        return Transcript(self.text, compute_ms=80)


class ScriptedSmartTurn:
    def __init__(self, probability: float) -> None:
        self.p, self.calls = probability, 0

    async def probability(self, pcm: np.ndarray) -> TurnProbability:
        self.calls += 1
        return TurnProbability(self.p, 31.0)


async def emitted(event: dict) -> None:
    """The session's events (captions): not what these tests look at."""


def make_agent(text: str, probability: float | None) -> tuple[VoiceAgent, list[dict], list[str]]:
    prepared: list[str] = []
    session: Any = SimpleNamespace(
        id="iv-1", interview=SimpleNamespace(consent={}, mode="audio"), prepare=prepared.append, emit=emitted
    )
    transport: Any = SimpleNamespace(has_video=False, output=SimpleNamespace(), kind="webrtc")
    smart_turn: Any = None if probability is None else ScriptedSmartTurn(probability)
    stt: Any = ScriptedStt(text)
    agent = VoiceAgent(session, transport, stt, tts=None, smart_turn=smart_turn)  # type: ignore[arg-type]
    agent.segmenter = ScriptedSegmenter()  # type: ignore[assignment]
    ended: list[dict] = []
    barged: list[str] = []
    agent._end_turn = lambda t: ended.append({"text": t.text, **agent._turn_metrics})  # type: ignore[method-assign]
    agent._barge_in = lambda: barged.append("barge-in")  # type: ignore[method-assign]
    session.prepared = prepared
    return agent, ended, barged


async def feed(agent: VoiceAgent, voiced: bool, ms: int, until: list | None = None) -> int:
    """Feed `ms` of audio; returns the ms fed when `until` became non-empty (or all of it)."""
    agent.segmenter.voiced = voiced  # type: ignore[attr-defined]
    for fed in range(0, ms, 20):
        agent._on_chunk(AudioChunk(CHUNK, agent._audio_s))
        for _ in range(3):
            await asyncio.sleep(0)  # let the scripted engines answer
        if until:
            return fed + 20
    return ms


async def test_a_finished_answer_ends_after_the_confident_silence_with_its_metrics():
    agent, ended, _ = make_agent("I would add an index on the email column.", 0.92)
    await feed(agent, True, 2000)
    silence = await feed(agent, False, 3000, until=ended)
    assert FAST - 20 <= silence <= FAST + 60
    (metrics,) = ended
    assert metrics["smart_turn_prob"] == 0.92 and metrics["smart_turn_ms"] == 31.0
    assert metrics["required_silence_ms"] == FAST and metrics["text_ending"] == "complete"
    assert agent.session.prepared == ["I would add an index on the email column."]  # graded ahead


async def test_a_thinking_pause_is_not_talked_over_and_stale_guesses_are_dropped():
    agent, ended, _ = make_agent("I would start with the logs.", 0.1)
    await feed(agent, True, 2000)
    await feed(agent, False, 2000, until=ended)
    assert ended == []
    stt, turn = agent.stt, agent.smart_turn
    await feed(agent, True, 1000)  # goes on: the first pause's results no longer count
    assert agent._spec is None and agent.turn.text is None
    stt.text, turn.p = "I would start with the logs and then write a test.", 0.95  # type: ignore[union-attr]
    silence = await feed(agent, False, 3000, until=ended)
    assert silence <= FAST + 60 and ended[0]["text"].endswith("write a test.")
    assert stt.calls == 2 and turn.calls == 2  # type: ignore[union-attr]


async def test_without_smart_turn_the_transcript_decides():
    agent, ended, _ = make_agent("I would add an index on the email column.", None)
    await feed(agent, True, 2000)
    silence = await feed(agent, False, 3000, until=ended)
    assert 380 <= silence <= 460 and ended[0]["smart_turn_prob"] is None


async def test_barge_in_needs_200_ms_of_candidate_speech():
    agent, _, barged = make_agent("Sorry, could you repeat that?", 0.9)
    agent._playback = object()  # type: ignore[assignment]  # the interviewer is speaking
    await feed(agent, True, 180)
    assert barged == []
    await feed(agent, True, 40)
    assert barged
