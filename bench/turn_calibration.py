"""Calibrate the end-of-turn policy on recorded human speech: what Smart Turn v3.2
and Whisper tiny.en say at true ends of utterances and at word gaps inside them
(if the audio stopped there, as when a candidate pauses to think).

    python -m bench.turn_calibration [--librivox DIR] [--asterisk DIR] [--max-prompts 40]

LibriVox clips carry word alignments (`.json` beside each `.wav`); the Asterisk
prompts (Allison, 8 kHz, upsampled) are cut at the word ends tiny.en finds.
A cut keeps `--silence-ms` of what followed the word (the recording's own
silence), topped up with the recording's quietest noise when the gap was shorter.
Prints JSON: per cut kind the probability distribution and the text endings.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from core.audio import SAMPLE_RATE, read_wav, to_float32
from stt.smart_turn import SmartTurn, default_model_path
from stt.turns import ending
from stt.whisper import WhisperEngine

LIBRIVOX = "/tmp/speechsrc/pocketsphinx-5.1.1/test/data/librivox"
ASTERISK = "/usr/share/asterisk/sounds/en_US_f_Allison"
ASTERISK_TEXTS = "/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz"


@dataclass
class Cut:
    source: str
    kind: str  # "end", "clause" (after punctuation), "mid" (inside a clause)
    before: str  # the words up to the cut
    silence_ms: int
    prob: float
    text: str  # tiny.en at the cut
    text_ending: str


def _quiet_noise(audio: np.ndarray, n: int) -> np.ndarray:
    """n samples of the recording's quietest 20 ms, repeated (its own room noise)."""
    frame = SAMPLE_RATE // 50
    frames = audio[: len(audio) // frame * frame].reshape(-1, frame)
    quietest = frames[int(np.argmin(np.abs(frames.astype(np.float32)).mean(axis=1)))]
    return np.resize(quietest, n)


def cut_at(audio: np.ndarray, end_s: float, next_s: float, silence_ms: int) -> np.ndarray:
    end = int(end_s * SAMPLE_RATE)
    kept = min(int(next_s * SAMPLE_RATE), end + silence_ms * SAMPLE_RATE // 1000)
    missing = end + silence_ms * SAMPLE_RATE // 1000 - kept
    return np.concatenate([audio[:kept], _quiet_noise(audio, max(0, missing))])


def librivox_points(folder: str) -> list[tuple[str, np.ndarray, list[tuple[float, float, str, str]]]]:
    """(name, audio, [(word end, next word start, kind, words so far)])."""
    out = []
    for wav in sorted(Path(folder).glob("*.wav")):
        words = [
            (w["b"], w["b"] + w["d"], re.sub(r"\(\d+\)$", "", w["t"]))
            for w in json.loads(wav.with_suffix(".json").read_text())["w"]
            if not w["t"].startswith("<")
        ]
        audio = read_wav(str(wav))
        points = []
        for i, (_b, end, _t) in enumerate(words):
            nxt = words[i + 1][0] if i + 1 < len(words) else len(audio) / SAMPLE_RATE
            kind = "end" if i + 1 == len(words) else ("clause" if nxt - end >= 0.15 else "mid")
            if i >= 2:
                points.append((end, nxt, kind, " ".join(t for _, _, t in words[: i + 1])))
        out.append((wav.stem, audio, points))
    return out


def asterisk_points(folder: str, engine: WhisperEngine, limit: int) -> list:
    texts = {}
    with gzip.open(ASTERISK_TEXTS, "rt") as f:
        lines = f.readlines()
    for line in lines:
        if ":" in line and not line.startswith(";"):
            name, text = line.split(":", 1)
            texts[name.strip()] = text.strip()
    chosen = [
        n for n, t in sorted(texts.items()) if "[" not in t and 5 <= len(t.split()) <= 16 and "/" not in n
    ][:: max(1, len(texts) // (limit * 3))][:limit]
    out = []
    for name in chosen:
        path = Path(folder) / f"{name}.wav"
        if not path.is_file():
            continue
        audio = read_wav(str(path))  # upsampled to 16 kHz
        words = engine.transcribe(to_float32(audio)).words
        if len(words) < 4:
            continue
        points = []
        for i, w in enumerate(words):
            nxt = words[i + 1].start if i + 1 < len(words) else len(audio) / SAMPLE_RATE
            clause = w.text.strip()[-1:] in ",.?!"
            kind = "end" if i + 1 == len(words) else ("clause" if clause else "mid")
            if i >= 1:
                points.append((w.end, nxt, kind, "".join(x.text for x in words[: i + 1]).strip()))
        out.append((name, audio, points))
    return out


def summary(values: list[float]) -> dict:
    if not values:
        return {}
    q = np.percentile(values, [10, 25, 50, 75, 90])
    return {
        "n": len(values),
        "p10": round(q[0], 3), "p25": round(q[1], 3), "p50": round(q[2], 3),
        "p75": round(q[3], 3), "p90": round(q[4], 3),
        "share_ge_0.5": round(float(np.mean(np.array(values) >= 0.5)), 2),
        "share_ge_0.8": round(float(np.mean(np.array(values) >= 0.8)), 2),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--librivox", default=LIBRIVOX)
    parser.add_argument("--asterisk", default=ASTERISK)
    parser.add_argument("--max-prompts", type=int, default=40)
    parser.add_argument("--silence-ms", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--dump", default="", help="write every cut as JSON lines here")
    args = parser.parse_args()
    model = SmartTurn(default_model_path())
    engine = WhisperEngine()
    cuts: list[Cut] = []
    sources = librivox_points(args.librivox) + asterisk_points(args.asterisk, engine, args.max_prompts)
    for name, audio, points in sources:
        for end, nxt, kind, before in points:
            for silence in args.silence_ms:
                clip = cut_at(audio, end, nxt, silence)
                prob = model.predict(to_float32(clip)).probability
                text = engine.transcribe(to_float32(clip)).text if silence == args.silence_ms[0] else ""
                cuts.append(Cut(name, kind, before, silence, prob, text, ending(text) if text else ""))
    if args.dump:
        Path(args.dump).write_text("\n".join(json.dumps(asdict(c)) for c in cuts))
    report: dict = {}
    for silence in args.silence_ms:
        for kind in ("end", "clause", "mid"):
            sel = [c for c in cuts if c.kind == kind and c.silence_ms == silence]
            entry = summary([c.prob for c in sel])
            if silence == args.silence_ms[0]:
                kinds = ("complete", "unsure", "incomplete")
                entry["text_endings"] = {e: sum(c.text_ending == e for c in sel) for e in kinds}
            report[f"{kind}@{silence}ms"] = entry
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
