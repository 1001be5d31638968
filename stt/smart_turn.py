"""Smart Turn v3.2: the probability that a speaker has finished their turn, from audio.

The model (a Whisper-tiny encoder with a small head, ONNX, CPU, BSD-2-Clause, by
Daily) ships inside the `pipecat-ai` wheel. Intervox does not depend on pipecat:
`python -m stt.smart_turn --install` downloads the pinned wheel once with
`pip download --no-deps`, checks its SHA-256, and keeps only the model and its
licence under `<venv>/share/intervox/models/`.

It reads the last 8 s of 16 kHz audio (zero-padded at the start when shorter)
as Whisper log-mel features (80 bins, waveform normalised to zero mean and unit
variance first, as transformers' `WhisperFeatureExtractor(do_normalize=True)`
does) and answers one sigmoid probability, ~30 ms a call on one thread.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import hashlib
import logging
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.audio import SAMPLE_RATE

log = logging.getLogger(__name__)

PIPECAT_VERSION = "1.14.0"
WHEEL_SHA256 = "0352f504b44e78bdf524e45af4bc759601c835b9b7dc195efe5e03384b974a44"
MODEL_MEMBER = "pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx"
MODEL_SHA256 = "2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f"
LICENSE_MEMBER = f"pipecat_ai-{PIPECAT_VERSION}.dist-info/licenses/LICENSE"
MODEL_FILE = "smart-turn-v3.2-cpu.onnx"

WINDOW_S = 8
N_FFT, HOP, N_MELS = 400, 160, 80


def default_model_path() -> Path:
    """Where `--install` puts the model: beside the interpreter's environment."""
    return Path(sys.prefix) / "share" / "intervox" / "models" / MODEL_FILE


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def install(dest: Path | None = None) -> Path:
    """Put the pinned model at `dest` (idempotent: nothing is downloaded when it is there)."""
    dest = dest or default_model_path()
    if dest.is_file() and _sha256(dest) == MODEL_SHA256:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
             f"pipecat-ai=={PIPECAT_VERSION}", "-d", tmp],
            check=True,
        )  # fmt: skip
        wheel = next(Path(tmp).glob("pipecat_ai-*.whl"))
        if _sha256(wheel) != WHEEL_SHA256:
            raise RuntimeError(f"{wheel.name}: unexpected SHA-256; not installing the model")
        with zipfile.ZipFile(wheel) as zf:
            part = dest.with_suffix(".part")
            with zf.open(MODEL_MEMBER) as src, part.open("wb") as out:
                shutil.copyfileobj(src, out)
            if _sha256(part) != MODEL_SHA256:
                part.unlink()
                raise RuntimeError(f"{MODEL_MEMBER}: unexpected SHA-256")
            part.replace(dest)
            dest.with_name("smart-turn-LICENSE.txt").write_bytes(zf.read(LICENSE_MEMBER))
    return dest


@functools.cache
def _mel_filters() -> np.ndarray:
    """Slaney-scale, Slaney-normalised triangular filters (librosa's defaults, as Whisper)."""
    from faster_whisper.feature_extractor import FeatureExtractor

    return FeatureExtractor.get_mel_filters(SAMPLE_RATE, N_FFT, N_MELS).astype(np.float64)


_HANN = np.hanning(N_FFT + 1)[:-1]  # periodic, as torch.hann_window


def features(audio: np.ndarray) -> np.ndarray:
    """Whisper log-mel features (80 x 800) of the last 8 s of float32 16 kHz audio."""
    n = WINDOW_S * SAMPLE_RATE
    x = np.asarray(audio, dtype=np.float32)[-n:]
    x = np.pad(x, (n - len(x), 0))  # shorter audio: silence before it, as the model was trained
    x = (x - x.mean()) / np.sqrt(x.var() + 1e-7)
    padded = np.pad(x.astype(np.float64), (N_FFT // 2, N_FFT // 2), mode="reflect")
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
    power = np.abs(np.fft.rfft(frames * _HANN, axis=-1)) ** 2
    log_spec = np.log10(np.maximum(_mel_filters() @ power.T, 1e-10))[:, :-1]
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return ((log_spec + 4.0) / 4.0).astype(np.float32)


@dataclass(frozen=True)
class TurnProbability:
    probability: float  # that the turn is complete
    compute_ms: float  # features + inference, in the worker thread


class SmartTurn:
    """One ONNX session per process, one thread: calls queue in a one-thread executor
    instead of competing with Whisper for the two cores."""

    def __init__(self, path: Path) -> None:
        import onnxruntime

        opts = onnxruntime.SessionOptions()
        opts.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        opts.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="smart-turn")
        self._lock = threading.Lock()

    def predict(self, audio: np.ndarray) -> TurnProbability:
        """Blocking: float32 16 kHz audio of the utterance so far -> probability it is complete."""
        started = time.perf_counter()
        feats = features(audio)[None]
        with self._lock:
            out = self._session.run(None, {"input_features": feats})
        prob = float(np.asarray(out[0]).reshape(-1)[0])
        return TurnProbability(prob, (time.perf_counter() - started) * 1000)

    async def probability(self, pcm: np.ndarray) -> TurnProbability:
        """The same from int16 PCM, off the event loop."""
        audio = pcm[-WINDOW_S * SAMPLE_RATE :].astype(np.float32) / 32768.0
        return await asyncio.wrap_future(self._executor.submit(self.predict, audio))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def load(path: str = "") -> SmartTurn | None:
    """The model at `path` (default: the installed copy), or None with one clear warning:
    turns are then decided from the transcript alone."""
    model_path = Path(path) if path else default_model_path()
    if not model_path.is_file():
        log.warning(
            "Smart Turn model not found at %s: end of turn is decided from the transcript alone "
            "(run `python -m stt.smart_turn --install`)",
            model_path,
        )
        return None
    try:
        model = SmartTurn(model_path)
        model.predict(np.zeros(SAMPLE_RATE, dtype=np.float32))  # the first run is slower: not a candidate's
        return model
    except Exception as exc:  # a corrupt file must not stop the server
        log.warning("Smart Turn model at %s failed to load (%s): transcript cues only", model_path, exc)
        return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--install", action="store_true", help="fetch the pinned model if missing")
    parser.add_argument("--path", default="", help="model file (default: the venv's copy)")
    args = parser.parse_args(argv)
    path = Path(args.path) if args.path else default_model_path()
    if args.install:
        path = install(path)
    print(path if path.is_file() else f"missing: {path}")


if __name__ == "__main__":
    main()
