"""The recording: each voice on its channel at its time, written as it goes, a crash keeps it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from media.recording import CANDIDATE, INTERVIEWER, Recorder, RecordingOptions, Timeline
from media.recordings import Recordings, probe_duration
from tests.helpers import decode_recording, record_tones, tone

ROOT = Path(__file__).parent.parent.parent
OPTIONS = RecordingOptions()


def chunks(pcm: np.ndarray, size: int) -> list[np.ndarray]:
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]


def voiced(pcm: np.ndarray, rate: int, window_s: float = 0.01) -> np.ndarray:
    """Per window: is there sound."""
    size = round(window_s * rate)
    usable = len(pcm) // size * size
    rms = np.sqrt(np.mean(np.square(pcm[:usable].astype(np.float64).reshape(-1, size)), axis=1))
    return rms > (0.01 if pcm.dtype != np.int16 else 300)


def span(pcm: np.ndarray, rate: int, window_s: float = 0.01) -> tuple[float, float]:
    """First and last second with sound."""
    where = np.flatnonzero(voiced(pcm, rate, window_s))
    return float(where[0] * window_s), float((where[-1] + 1) * window_s)


# -- the timeline ---------------------------------------------------------------------------------


def test_each_voice_is_placed_at_its_time_on_its_channel():
    timeline = Timeline((16_000, 48_000))
    for i, chunk in enumerate(chunks(tone(300, 1.0, 16_000), 320)):
        timeline.place(CANDIDATE, chunk, 1.0 + i * 0.02)
    for i, frame in enumerate(chunks(tone(1000, 0.5, 48_000), 960)):
        timeline.place(INTERVIEWER, frame, 2.5 + i * 0.02)
    candidate, interviewer = timeline.take(4.0)
    assert len(candidate) == 4 * 16_000 and len(interviewer) == 4 * 48_000
    assert span(candidate, 16_000) == pytest.approx((1.0, 2.0), abs=0.011)
    assert span(interviewer, 48_000) == pytest.approx((2.5, 3.0), abs=0.011)
    assert not candidate[:16_000].any() and not interviewer[: 2 * 48_000].any()  # silence before


def test_arrival_jitter_does_not_cut_a_voice_into_pieces():
    """Chunks stamped up to 30 ms early or late (network and resampler jitter) follow on
    without a gap: the channel holds the audio exactly as it was sent."""
    sent = tone(300, 1.0, 16_000)
    timeline = Timeline((16_000, 48_000))
    jitter = np.random.default_rng(3).uniform(-0.03, 0.03, size=50)
    for i, chunk in enumerate(chunks(sent, 320)):
        timeline.place(CANDIDATE, chunk, 0.5 + i * 0.02 + jitter[i])
    candidate, _ = timeline.take(2.0)
    start = np.flatnonzero(candidate)[0] - np.flatnonzero(sent)[0]
    assert abs(start / 16_000 - 0.5) < 0.035
    assert np.array_equal(candidate[start : start + len(sent)], sent)


def test_a_pause_longer_than_the_gap_is_silence_in_its_place():
    timeline = Timeline((16_000, 8_000))
    for i, frame in enumerate(chunks(tone(500, 0.4, 8_000), 160)):
        timeline.place(INTERVIEWER, frame, 0.2 + i * 0.02)
    for i, frame in enumerate(chunks(tone(500, 0.4, 8_000), 160)):
        timeline.place(INTERVIEWER, frame, 1.6 + i * 0.02)  # the next sentence, after 1 s
    _, interviewer = timeline.take(2.5)
    sound = voiced(interviewer, 8_000)
    assert sound[20:60].all() and not sound[62:158].any() and sound[160:200].all()


def test_a_burst_after_a_stall_catches_up_in_the_silence_after_it():
    """0.5 s of speech arrives late, all at once: it is kept whole, and the silence that
    follows is shortened until the channel is back on its clock."""
    timeline = Timeline((16_000, 48_000))
    speech = tone(300, 0.5, 16_000)
    for chunk in chunks(speech, 320):
        timeline.place(CANDIDATE, chunk, 1.0)  # all stamped at arrival
    quiet = np.zeros(320, dtype=np.int16)
    for i in range(100):  # 2 s of silence, on time
        timeline.place(CANDIDATE, quiet, 1.02 + i * 0.02)
    later = tone(300, 0.2, 16_000)
    for i, chunk in enumerate(chunks(later, 320)):
        timeline.place(CANDIDATE, chunk, 3.5 + i * 0.02)
    candidate, _ = timeline.take(4.0)
    assert np.array_equal(candidate[16_000 : 16_000 + len(speech)], speech)  # kept whole
    assert span(candidate[48_000:], 16_000)[0] == pytest.approx(0.5, abs=0.03)  # back on time: 3.5 s
    assert timeline.tracks[CANDIDATE].dropped > 0


def test_audio_faster_than_real_time_is_not_recorded():
    timeline = Timeline((16_000, 48_000))
    flood = tone(300, 0.02, 16_000)
    for _ in range(500):  # 10 s of loud audio in one instant
        timeline.place(CANDIDATE, flood, 0.0)
    candidate, _ = timeline.take(10.0)
    assert span(candidate, 16_000)[1] == pytest.approx(OPTIONS.max_lead_s, abs=0.03)


def test_audio_too_late_for_its_place_goes_in_next():
    timeline = Timeline((16_000, 48_000))
    timeline.take(1.0)  # already encoded up to 1 s
    timeline.place(CANDIDATE, tone(300, 0.1, 16_000), 0.7)
    candidate, _ = timeline.take(2.0)
    assert span(candidate, 16_000)[0] == pytest.approx(0.0, abs=0.011)  # at 1.0 s: the first sample left


# -- the file ---------------------------------------------------------------------------------------


def test_the_recorder_writes_stereo_opus_in_ogg_with_each_voice_in_place(tmp_path):
    now = [100.0]  # a frozen clock: nothing is encoded before `close`, everything in its place
    recorder = Recorder(tmp_path / "r.ogg", 48_000, clock=lambda: now[0])
    for i, chunk in enumerate(chunks(tone(300, 1.0, 16_000), 320)):
        recorder.add(CANDIDATE, chunk, 100.5 + i * 0.02)
    for i, frame in enumerate(chunks(tone(1000, 1.0, 48_000), 960)):
        recorder.add(INTERVIEWER, frame, 102.0 + i * 0.02)
    now[0] = 103.5
    assert recorder.close() == pytest.approx(3.5, abs=0.01)
    with av.open(str(tmp_path / "r.ogg")) as container:
        stream = container.streams.audio[0]
        assert (container.format.name, stream.codec_context.name) == ("ogg", "opus")
        assert (stream.rate, stream.channels) == (48_000, 2)
    audio, rate = decode_recording(tmp_path / "r.ogg")
    assert audio.shape[1] / rate == pytest.approx(3.5, abs=0.03)
    assert span(audio[0], rate) == pytest.approx((0.5, 1.5), abs=0.03)
    assert span(audio[1], rate) == pytest.approx((2.0, 3.0), abs=0.03)
    # the other channel stays quiet: each voice can be heard, or transcribed, alone
    assert np.abs(audio[1, : 2 * rate - 2000]).max() < 0.01 and np.abs(audio[0, 2 * rate :]).max() < 0.01
    assert probe_duration(tmp_path / "r.ogg") == pytest.approx(3.5, abs=0.03)


CHILD = """
import sys, time
import numpy as np
from pathlib import Path
from media.recording import CANDIDATE, INTERVIEWER, Recorder
recorder = Recorder(Path(sys.argv[1]), 48000)
t = np.arange(960) / 48000
voice = (np.sin(2 * np.pi * 1000 * t) * 8000).astype(np.int16)
start = time.monotonic()
for i in range(100000):
    time.sleep(max(0.0, start + i * 0.02 - time.monotonic()))
    now = time.monotonic()
    recorder.add(CANDIDATE, voice[::3], now)
    recorder.add(INTERVIEWER, voice, now)
    if i % 25 == 24:
        print(now - recorder.origin, flush=True)
"""


def test_a_recorder_killed_outright_leaves_a_decodable_file(tmp_path):
    """SIGKILL: no chance to close the file. What was written is an Ogg file that decodes to
    all but the last second or two of what was said."""
    path = tmp_path / "killed.ogg"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        while (recorded := float(child.stdout.readline() or "nan")) < 3.0:
            pass
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(10)
    audio, rate = decode_recording(path)
    seconds = audio.shape[1] / rate
    assert recorded - 2.0 <= seconds <= recorded + 0.1, (recorded, seconds)
    assert probe_duration(path) == pytest.approx(seconds, abs=0.05)
    assert voiced(audio[0], rate).mean() > 0.9 and voiced(audio[1], rate).mean() > 0.9


# -- the folder ---------------------------------------------------------------------------------------


def test_each_connection_is_a_part_with_its_offset_and_deletion_removes_the_files(tmp_path):
    recordings = Recordings(tmp_path / "recordings")
    assert recordings.parts("iv-1") == [] and recordings.files("iv-1") == []
    record_tones(recordings, "iv-1", 1.0, start_s=0.05)
    record_tones(recordings, "iv-1", 2.0, start_s=95.5)  # the candidate came back
    record_tones(recordings, "iv-2", 1.0)
    parts = recordings.parts("iv-1")
    assert [(p.part, p.start) for p in parts] == [(1, 0.05), (2, 95.5)]
    assert [p.duration for p in parts] == pytest.approx([1.0, 2.0], abs=0.03)
    assert recordings.audio("iv-1", 2) == parts[1].path and recordings.audio("iv-1", 3) is None
    described = json.loads(parts[0].path.with_suffix(".json").read_text())
    assert described["channels"] == ["candidate", "interviewer"] and described["sample_rate"] == 48_000
    names = [p.name for p in recordings.files("iv-1")]
    assert names == ["part-1.json", "part-1.ogg", "part-2.json", "part-2.ogg"]
    assert recordings.delete("iv-1") == 4
    assert not (tmp_path / "recordings" / "iv-1").exists() and recordings.parts("iv-2")
    with pytest.raises(ValueError):
        recordings.folder("../iv-2")
