import numpy as np

from core.audio import CHUNK_SAMPLES, Rechunker, read_wav, resample, rms_dbfs, write_wav
from core.events import event, format_seconds


def test_rechunker_emits_fixed_chunks_and_keeps_the_rest():
    r = Rechunker()
    out = r.push(np.arange(700, dtype=np.int16))
    assert [len(c) for c in out] == [CHUNK_SAMPLES, CHUNK_SAMPLES]
    out = r.push(np.arange(300, dtype=np.int16))
    assert len(out) == 1 and out[0][0] == 640  # continues where the first push stopped


def test_resample_changes_length_and_keeps_a_tone():
    t = np.arange(48000) / 48000
    tone = (np.sin(2 * np.pi * 440 * t) * 10000).astype(np.int16)
    down = resample(tone, 48000, 16000)
    assert len(down) == 16000
    spectrum = np.abs(np.fft.rfft(down))
    assert abs(np.argmax(spectrum) - 440) <= 1  # 1 Hz bins over one second


def test_wav_round_trip(tmp_path):
    pcm = (np.random.default_rng(1).standard_normal(1600) * 1000).astype(np.int16)
    write_wav(str(tmp_path / "a.wav"), pcm)
    assert np.array_equal(read_wav(str(tmp_path / "a.wav")), pcm)


def test_loudness():
    assert rms_dbfs(np.zeros(320, dtype=np.int16)) == -100.0
    assert -4.3 < rms_dbfs(np.full(320, 20000, dtype=np.int16)) < -4.2  # 20 log10(20000/32768)


def test_events_have_the_wire_shape():
    ev = event("time_remaining", seconds=1800, formatted=format_seconds(1800))
    body = ev.model_dump(mode="json")
    assert set(body) == {"type", "data", "ts"}
    assert body["data"] == {"seconds": 1800, "formatted": "30:00"}
    assert body["ts"].endswith("Z")


def test_mulaw_matches_g711_and_round_trips():
    from core.audio import mulaw_decode, mulaw_encode

    assert mulaw_encode(np.array([0], np.int16)) == b"\xff"
    assert (
        mulaw_decode(b"\xff")[0] == 0
        and mulaw_decode(b"\x00")[0] == -32124
        and mulaw_decode(b"\x80")[0] == 32124
    )
    t = np.arange(8000) / 8000
    tone = (np.sin(2 * np.pi * 440 * t) * 12000).astype(np.int16)
    back = mulaw_decode(mulaw_encode(tone))
    error = np.abs(back.astype(np.int32) - tone)
    assert error.max() <= np.abs(tone).astype(np.int32).max() * 0.04  # mu-law: ~3 % steps at the top
    snr = 10 * np.log10(np.mean(tone.astype(float) ** 2) / np.mean(error.astype(float) ** 2))
    assert snr > 30
