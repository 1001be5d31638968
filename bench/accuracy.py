"""Word error rate and time per answer of the fast and the accurate Whisper pass on
recorded human speech: LibriVox clips (pocketsphinx's test data) and Asterisk's
recorded prompts (Allison, 8 kHz, upsampled), directly, through Opus at 32 kbit/s
(as WebRTC carries it) and through 8 kHz mu-law (a phone line).

    python -m bench.accuracy [--prompts 40] [--runs base:1:direct,...] [--threads 1]
    python -m bench.accuracy --interference   # the fast pass's time with the accurate one busy

Prints JSON. WER is over all words of a condition (errors / reference words).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import threading
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
                samples = decoded.to_ndarray()[0]  # libopus decodes to 48 kHz float here
                if samples.dtype != np.int16:
                    samples = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
                out.append(resample(samples, decoded.sample_rate, SAMPLE_RATE))
    return np.concatenate(out)[: len(pcm) + 960]


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


def interference(clips: list[tuple[str, np.ndarray]], rounds: int) -> dict:
    """tiny.en's time per answer (the turn path, 2 threads) while the refiner idles, while
    it re-transcribes without pause at nice 19 (as served), and at nice 0; alternated."""
    from stt.refine import Refiner

    fast = WhisperEngine(SttOptions(model="tiny.en"))
    audio = [to_float32(pcm) for _, pcm in clips]
    fast.transcribe(audio[0])
    times: dict[str, list[float]] = {"idle": [], "refining_nice19": [], "refining_nice0": []}
    for _ in range(rounds):
        for mode in times:
            refiner, busy = None, threading.Event()
            if mode != "idle":
                nice = 19 if mode.endswith("19") else 0
                refiner = Refiner(
                    lambda: WhisperEngine(SttOptions(model="base", cpu_threads=1)), "base", 4, nice
                )
                busy.set()
                _keep_busy(refiner, clips[0][1], busy)
                time.sleep(1.5)  # loaded and transcribing
            for a in audio:
                started = time.perf_counter()
                fast.transcribe(a)
                times[mode].append((time.perf_counter() - started) * 1000)
            busy.clear()
            if refiner is not None:
                refiner.close()
    return {
        mode: {"median_ms": round(statistics.median(t)), "p90_ms": round(float(np.percentile(t, 90)))}
        for mode, t in times.items()
    }


def _keep_busy(refiner, pcm: np.ndarray, busy: threading.Event) -> None:  # type: ignore[no-untyped-def]
    """Feed the refiner one job after another from a thread of its own while `busy` is set."""
    import asyncio

    def run() -> None:
        while busy.is_set():
            asyncio.run(refiner.transcribe(pcm))

    threading.Thread(target=run, daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interference", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--prompts", type=int, default=40)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--runs",
        default="tiny.en:1:direct,base:1:direct,tiny.en:1:opus_32k,base:1:opus_32k,"
        "tiny.en:5:mulaw_8k,base:1:mulaw_8k,base:5:mulaw_8k",
        help="model:beam:condition, comma-separated (conditions: direct, opus_32k, mulaw_8k)",
    )
    args = parser.parse_args()
    clips = corpus(args.prompts)
    if args.interference:
        print(json.dumps(interference(clips, args.rounds), indent=2))
        return
    transforms = {"direct": lambda a: a, "opus_32k": through_opus, "mulaw_8k": through_mulaw}
    words = sum(len(normalise(r).split()) for r, _ in clips)
    results: dict = {"clips": len(clips), "words": words, "threads": args.threads}
    engines: dict[str, WhisperEngine] = {}
    for run in args.runs.split(","):  # model:beam:condition
        model, beam, condition = run.split(":")
        if model not in engines:
            engines[model] = WhisperEngine(SttOptions(model=model, cpu_threads=args.threads))
            engines[model].transcribe(to_float32(clips[0][1]))  # warm-up
        items = [(r, transforms[condition](a)) for r, a in clips]
        results[run] = measure(engines[model], items, int(beam))
        print(run, results[run], flush=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
