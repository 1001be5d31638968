"""Word error rate and time per answer of the fast and the accurate Whisper pass on
recorded human speech: LibriVox clips (pocketsphinx's test data) and Asterisk's
recorded prompts (Allison, 8 kHz, upsampled), directly, through Opus at 32 kbit/s
(as WebRTC carries it) and through 8 kHz mu-law (a phone line).

    python -m bench.accuracy [--prompts 40] [--models tiny.en,base] [--threads 1]

Prints JSON. WER is over all words of a condition (errors / reference words).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
from pathlib import Path

import jiwer
import numpy as np

from core.audio import SAMPLE_RATE, mulaw_decode, mulaw_encode, read_wav, resample, to_float32
from stt.whisper import SttOptions, WhisperEngine

LIBRIVOX = Path("/tmp/speechsrc/pocketsphinx-5.1.1/test/data/librivox")
ALLISON = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
ALLISON_TEXT = Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")
NUMBERS = dict(enumerate("zero one two three four five six seven eight nine ten".split()))


def normalise(text: str) -> str:
    words = re.findall(r"[a-z0-9']+", text.lower().replace("-", " "))
    return " ".join(NUMBERS.get(int(w), w) if w.isdigit() and int(w) <= 10 else w for w in words)


def corpus(prompts: int) -> list[tuple[str, np.ndarray]]:
    """(reference, 16 kHz int16) pairs: every LibriVox clip, then the longest prompts."""
    clips = [(p.with_suffix(".txt").read_text(), read_wav(str(p))) for p in sorted(LIBRIVOX.glob("*.wav"))]
    refs: dict[str, str] = {}
    with gzip.open(ALLISON_TEXT, "rt", errors="replace") as lines:
        listed = list(lines)
    for line in listed:
        name, sep, text = line.partition(":")
        if sep and not line.startswith(";") and (ALLISON / f"{name.strip()}.wav").exists():
            refs[name.strip()] = text.strip()
    longest = sorted(refs, key=lambda n: (-len(refs[n].split()), n))[:prompts]
    clips += [(refs[n], read_wav(str(ALLISON / f"{n}.wav"))) for n in sorted(longest)]
    return clips


def through_opus(pcm: np.ndarray, bitrate: int = 32000) -> np.ndarray:
    """Encode and decode with libopus (PyAV) at 16 kHz mono."""
    import av

    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate, encoder.layout, encoder.format = SAMPLE_RATE, "mono", "s16"
    encoder.bit_rate = bitrate
    decoder = av.CodecContext.create("opus", "r")
    decoder.sample_rate, decoder.layout = SAMPLE_RATE, "mono"
    out: list[np.ndarray] = []
    step = 320  # 20 ms
    padded = np.concatenate([pcm, np.zeros(step * 4, dtype=np.int16)])
    for i in range(0, len(padded) - step + 1, step):
        frame = av.AudioFrame.from_ndarray(padded[None, i : i + step], format="s16", layout="mono")
        frame.sample_rate, frame.pts = SAMPLE_RATE, i
        for packet in encoder.encode(frame):
            for decoded in decoder.decode(packet):
                out.append(decoded.to_ndarray().reshape(-1))
    audio = np.concatenate(out)
    if audio.dtype != np.int16:
        audio = (np.clip(audio, -1, 1) * 32767).astype(np.int16)
    return audio[: len(pcm) + 960]


def through_mulaw(pcm: np.ndarray) -> np.ndarray:
    return resample(mulaw_decode(mulaw_encode(resample(pcm, SAMPLE_RATE, 8000))), 8000, SAMPLE_RATE)


def measure(engine: WhisperEngine, clips: list[tuple[str, np.ndarray]], beam: int) -> dict:
    refs, hyps, times, cpu = [], [], [], []
    for ref, pcm in clips:
        started, started_cpu = time.perf_counter(), time.process_time()
        text = engine.transcribe(to_float32(pcm), beam).text
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)  # robust to a busy machine
        refs.append(normalise(ref))
        hyps.append(normalise(text))
    return {
        "wer": round(float(jiwer.wer(refs, hyps)), 4),
        "ms_median": round(statistics.median(times)),
        "cpu_ms_median": round(statistics.median(cpu)),
        "cpu_ms_max": round(max(cpu)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prompts", type=int, default=40)
    parser.add_argument("--models", default="tiny.en,base")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--beams", default="1")
    args = parser.parse_args()
    clips = corpus(args.prompts)
    conditions = {
        "direct": clips,
        "opus_32k": [(r, through_opus(a)) for r, a in clips],
        "mulaw_8k": [(r, through_mulaw(a)) for r, a in clips],
    }
    words = sum(len(normalise(r).split()) for r, _ in clips)
    results: dict = {"clips": len(clips), "words": words, "threads": args.threads}
    for model in args.models.split(","):
        engine = WhisperEngine(SttOptions(model=model, cpu_threads=args.threads))
        engine.transcribe(to_float32(clips[0][1]))  # warm-up
        for beam in (int(b) for b in args.beams.split(",")):
            for name, items in conditions.items():
                results[f"{model} beam {beam} {name}"] = measure(engine, items, beam)
                print(name, model, beam, results[f"{model} beam {beam} {name}"], flush=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
