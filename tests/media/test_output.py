import numpy as np
import pytest

from core.audio import CHUNK_SAMPLES
from media.output import AudioOutput
from orchestrator.playback import Playback
from orchestrator.session import Reply


async def test_output_counts_played_samples_and_clears():
    out = AudioOutput()
    started = []
    out.on_first_frame = lambda uid, ts: started.append(uid)
    assert out.enqueue(np.ones(CHUNK_SAMPLES * 3 + 10, dtype=np.int16), "a") == CHUNK_SAMPLES * 4
    assert out.playing
    assert len(out.pop_frame()) == CHUNK_SAMPLES
    assert started == ["a"]
    out.pop_frame()
    assert out.played_samples("a") == 2 * CHUNK_SAMPLES
    out.clear()  # barge-in
    assert not out.playing and out.pop_frame() is None
    await out.drained()  # returns at once when nothing is queued
    assert out.played_samples("a") == 2 * CHUNK_SAMPLES


@pytest.mark.parametrize(("rate", "frame"), [(48_000, 960), (8_000, 160), (16_000, 320)])
async def test_piper_rate_is_resampled_once_to_the_transport_rate(rate, frame):
    out = AudioOutput(rate)
    one_second = (np.sin(np.arange(22_050) * 2 * np.pi * 300 / 22_050) * 8000).astype(np.int16)
    queued = out.enqueue(one_second, "a", sample_rate=22_050)
    assert queued % frame == 0 and rate <= queued < rate + frame  # 1 s at the output rate, padded
    frames = []
    while (pcm := out.pop_frame()) is not None:
        assert len(pcm) == frame
        frames.append(pcm)
    assert out.played_samples("a") == queued and out.played_seconds("a") == pytest.approx(1.0, abs=0.02)
    heard = np.concatenate(frames)[: rate // 2]
    # still a 300 Hz tone after resampling: 600 zero crossings a second, over half a second
    crossings = np.count_nonzero(np.diff(np.signbit(heard).astype(np.int8)))
    assert crossings == pytest.approx(300, rel=0.05)


async def test_barge_in_keeps_exactly_the_words_played_at_48k():
    """Sentences made at 22,050 Hz, played at 48 kHz: the transcript cut is in output samples."""
    out = AudioOutput(48_000)
    playback = Playback(Reply("One two three. Four five six seven.", "question", "q1"))
    for text in ("One two three.", "Four five six seven."):
        playback.add(text, out.enqueue(np.full(22_050, 1000, dtype=np.int16), playback.id, 22_050))
    for _ in range(50 + 25):  # 1.5 s of 20 ms frames: the first sentence and half the second
        out.pop_frame()
    out.clear()
    assert playback.spoken_text(out.played_samples(playback.id)) == "One two three. Four five"
    assert out.played_seconds(playback.id) == pytest.approx(1.5)
