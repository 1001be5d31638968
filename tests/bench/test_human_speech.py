"""The benchmark corpus builder on synthetic recordings (no download, no model)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.human_speech import PHONE_RATE, AnswerSpec, Recording, Word, assemble, find_gap, speech_end
from core.audio import SAMPLE_RATE, resample, rms_dbfs

SR = SAMPLE_RATE


def recording(name: str = "rec", words: tuple[str, str] = ("alpha", "beta")) -> Recording:
    """Room noise, a loud "word" at 0.2-0.8 s and one at 1.0-1.6 s, trailing room noise to
    2.1 s; the quietest 10 ms of the gap between them is at 0.88-0.89 s."""
    rng = np.random.default_rng(7)
    pcm = rng.normal(0, 30, int(2.1 * SR))
    t = np.arange(len(pcm)) / SR
    square = 8000 * np.sign(np.sin(2 * np.pi * 200 * t) + 1e-9)  # no zero crossing at a word's end
    for start, end in ((0.2, 0.8), (1.0, 1.6)):
        pcm[int(start * SR) : int(end * SR)] = square[int(start * SR) : int(end * SR)]
    pcm[int(0.88 * SR) : int(0.89 * SR)] *= 0.1
    pcm16 = pcm.astype(np.int16)
    text = " ".join(words)
    return Recording(
        name,
        text,
        pcm16,
        resample(pcm16, SR, PHONE_RATE),
        [Word(words[0], 0.2, 0.8), Word(words[1], 1.0, 1.6)],
    )


def test_pause_goes_into_the_quietest_frame_of_the_gap_and_sounds_like_the_room() -> None:
    rec = recording()
    answer = assemble([rec], AnswerSpec(("rec",), "alpha | beta", "mid"), 1.5)
    [(start, end)] = answer.pause_spans
    assert end - start == int(1.5 * SR)
    assert int(0.88 * SR) <= start <= int(0.89 * SR)  # the centre of the quiet 10 ms frame
    assert np.array_equal(answer.pcm[:start], rec.pcm[:start])  # nothing else moves
    assert np.array_equal(answer.pcm[end:], rec.pcm[start:])
    pause = answer.pcm[start:end]
    assert pause.std() > 0  # room tone, not digital zero
    assert -75 < rms_dbfs(pause) < rms_dbfs(rec.pcm[int(1.7 * SR) :]) + 1  # at the room's level, no louder
    assert answer.pause_kind == "mid"
    assert len(answer.pcm8k) == len(rec.pcm8k) + int(1.5 * PHONE_RATE)  # the phone version pauses too


def test_speech_end_is_the_last_voiced_sample_not_the_end_of_the_file() -> None:
    rec = recording()
    assert speech_end(rec.pcm, SR) == int(1.6 * SR)
    answer = assemble([rec], AnswerSpec(("rec",), "alpha | beta"), 1.3)
    assert answer.speech_end == int(1.6 * SR) + int(1.3 * SR)
    assert answer.speech_end < len(answer.pcm)


def test_two_utterances_join_with_their_own_gap_and_can_pause_between_them() -> None:
    first, second = recording("a", ("one", "two")), recording("b", ("three", "four"))
    answer = assemble([first, second], AnswerSpec(("a", "b"), "two | three", "clause"), 1.9)
    assert answer.text == "one two three four"
    [(start, end)] = answer.pause_spans
    assert int(1.6 * SR) < start < len(first.pcm) + int(0.2 * SR)  # between "two" and "three"
    assert len(answer.pcm) == len(first.pcm) + len(second.pcm) + int(1.9 * SR)
    assert answer.speech_end == len(answer.pcm) - int(0.5 * SR)


def test_a_pause_needs_the_two_words_side_by_side() -> None:
    with pytest.raises(ValueError):
        find_gap(recording().words, "beta | alpha")
