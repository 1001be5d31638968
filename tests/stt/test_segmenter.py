"""The segmenter on real speech through the real Silero model (fast: ~0.2 ms a window)."""

import numpy as np

from core.audio import CHUNK_SAMPLES, SAMPLE_RATE, AudioChunk
from stt.segmenter import SegmenterEvent, SpeechSegmenter
from tests.conftest import speech


def feed(seg: SpeechSegmenter, pcm: np.ndarray, t0: float = 0.0) -> list[tuple[float, SegmenterEvent]]:
    out = []
    for i in range(0, len(pcm) - CHUNK_SAMPLES + 1, CHUNK_SAMPLES):
        ts = t0 + (i + CHUNK_SAMPLES) / SAMPLE_RATE
        out += [(ts, e) for e in seg.push(AudioChunk(pcm[i : i + CHUNK_SAMPLES], ts))]
    return out


def test_one_sentence_starts_and_pauses_once():
    said = speech("I deployed the service with a canary release.", lead_s=1.0, tail_s=1.0)
    seg = SpeechSegmenter()
    events = feed(seg, said)
    kinds = [e for _, e in events]
    assert kinds[0] is SegmenterEvent.SPEECH_STARTED
    assert kinds[-1] is SegmenterEvent.SPEECH_PAUSED
    start_ts = events[0][0]
    assert 0.9 < start_ts < 1.4  # speech begins after the 1 s lead-in
    assert seg.silence_ms >= 800  # the tail was counted as silence
    audio = seg.take()
    # the utterance keeps ~300 ms from before the detected start, so no syllable is lost
    assert len(audio) / SAMPLE_RATE > len(said) / SAMPLE_RATE - 2.0
    assert not seg.in_utterance


def test_pause_then_resume_is_one_utterance():
    first = speech("I used Python.", tail_s=0.6)
    second = speech("And later Go.", tail_s=0.6)
    seg = SpeechSegmenter()
    kinds = [e for _, e in feed(seg, np.concatenate([np.zeros(8000, np.int16), first, second]))]
    assert kinds.count(SegmenterEvent.SPEECH_STARTED) == 1
    assert SegmenterEvent.SPEECH_RESUMED in kinds


def test_silence_and_quiet_noise_start_nothing():
    seg = SpeechSegmenter()
    quiet_noise = (np.random.default_rng(0).standard_normal(SAMPLE_RATE * 3) * 300).astype(np.int16)
    assert feed(seg, np.zeros(SAMPLE_RATE * 2, np.int16)) == []
    assert feed(seg, quiet_noise) == []
    assert not seg.in_utterance
