import numpy as np

from core.audio import CHUNK_SAMPLES
from media.output import AudioOutput


async def test_output_counts_played_samples_and_clears():
    out = AudioOutput()
    started = []
    out.on_first_frame = lambda uid, ts: started.append(uid)
    out.enqueue(np.ones(CHUNK_SAMPLES * 3 + 10, dtype=np.int16), "a")
    assert out.playing
    assert len(out.pop_frame()) == CHUNK_SAMPLES
    assert started == ["a"]
    out.pop_frame()
    assert out.played_samples("a") == 2 * CHUNK_SAMPLES
    out.clear()  # barge-in
    assert not out.playing and out.pop_frame() is None
    await out.drained()  # returns at once when nothing is queued
    assert out.played_samples("a") == 2 * CHUNK_SAMPLES
