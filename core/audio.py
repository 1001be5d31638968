"""Audio inside the server: 16 kHz mono int16 in 20 ms chunks, plus small helpers."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16_000
CHUNK_MS = 20
CHUNK_SAMPLES = SAMPLE_RATE * CHUNK_MS // 1000  # 320


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """20 ms of candidate audio; `ts` is monotonic seconds when it was received."""

    pcm: np.ndarray  # int16, shape (CHUNK_SAMPLES,)
    ts: float


class Rechunker:
    """Turns PCM blocks of any length into fixed-size chunks."""

    def __init__(self, size: int = CHUNK_SAMPLES) -> None:
        self.size = size
        self._pending = np.zeros(0, dtype=np.int16)

    def push(self, pcm: np.ndarray) -> list[np.ndarray]:
        data = np.concatenate([self._pending, pcm.astype(np.int16, copy=False)])
        whole = len(data) // self.size * self.size
        self._pending = data[whole:]
        return [data[i : i + self.size] for i in range(0, whole, self.size)]


def resample(pcm: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Linear-interpolation resampling of int16 mono PCM (good enough for speech)."""
    if from_rate == to_rate or len(pcm) == 0:
        return pcm.astype(np.int16, copy=False)
    n_out = int(round(len(pcm) * to_rate / from_rate))
    positions = np.arange(n_out) * (from_rate / to_rate)
    out = np.interp(positions, np.arange(len(pcm)), pcm.astype(np.float32))
    return np.clip(out, -32768, 32767).astype(np.int16)


def to_float32(pcm: np.ndarray) -> np.ndarray:
    """int16 PCM to float32 in [-1, 1], the form Whisper and the VAD take."""
    return pcm.astype(np.float32) / 32768.0


def rms_dbfs(pcm: np.ndarray) -> float:
    """Loudness of a block in dBFS (-100 for digital silence)."""
    if len(pcm) == 0:
        return -100.0
    rms = float(np.sqrt(np.mean(np.square(pcm.astype(np.float64)))))
    return 20 * np.log10(rms / 32768.0) if rms > 0 else -100.0


def read_wav(path_or_bytes: str | bytes, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Read a 16-bit PCM WAV (mono or stereo) as int16 mono at `rate`."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with wave.open(source, "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError("only 16-bit PCM WAV is supported")
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        channels, file_rate = w.getnchannels(), w.getframerate()
    if channels > 1:
        pcm = pcm.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return resample(pcm, file_rate, rate)


def write_wav(path: str, pcm: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    """Write int16 mono PCM as a WAV file."""
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.astype(np.int16).tobytes())


# --- G.711 mu-law (telephony: 8 kHz, one byte a sample) -------------------------
_MULAW_BIAS, _MULAW_CLIP = 0x84, 32635


def _mulaw_decode_table() -> np.ndarray:
    u = ~np.arange(256, dtype=np.int32) & 0xFF
    exponent, mantissa = (u >> 4) & 0x07, u & 0x0F
    magnitude = (((mantissa << 3) + _MULAW_BIAS) << exponent) - _MULAW_BIAS
    return np.where(u & 0x80, -magnitude, magnitude).astype(np.int16)


def _mulaw_encode_table() -> np.ndarray:
    x = np.arange(-32768, 32768, dtype=np.int32)
    sign = np.where(x < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(x), _MULAW_CLIP) + _MULAW_BIAS
    exponent = np.clip(np.floor(np.log2(magnitude)).astype(np.int32) - 7, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8)


MULAW_DECODE = _mulaw_decode_table()
MULAW_ENCODE = _mulaw_encode_table()  # indexed by int16 sample + 32768


def mulaw_decode(data: bytes) -> np.ndarray:
    """mu-law bytes to int16 PCM (same rate)."""
    return MULAW_DECODE[np.frombuffer(data, dtype=np.uint8)]


def mulaw_encode(pcm: np.ndarray) -> bytes:
    """int16 PCM to mu-law bytes (same rate)."""
    return MULAW_ENCODE[pcm.astype(np.int32) + 32768].tobytes()
